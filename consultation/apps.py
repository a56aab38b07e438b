from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Consultation")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from consultation import extensions, history_display, state_settings

        extensions.register()
        state_settings.register()
        history_display.register()

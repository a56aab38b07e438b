from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from reporting import extensions, history_display

        extensions.register()
        history_display.register()

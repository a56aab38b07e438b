from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from imports import details, history_display, state_settings

        details.register()
        history_display.register()
        state_settings.register()

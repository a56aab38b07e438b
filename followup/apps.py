from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from followup import extensions, history_display, state_settings

        extensions.register()
        state_settings.register()
        history_display.register()

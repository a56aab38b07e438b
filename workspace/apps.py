from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    # The pages that bring the other apps together: the landing page, a State's workspace home,
    # a recommendation's page with its follow-up. Nothing imports this app.
    name = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from workspace import extensions, history_display

        extensions.register()
        history_display.register()

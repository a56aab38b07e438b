from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    # The hosting office's console (URL namespace and path "platform"). Not named "platform":
    # a top-level package of that name would hide Python's own ``platform`` module.
    name = "console"
    verbose_name = _("Platform console")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from console import history_display

        history_display.register()

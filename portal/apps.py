from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from portal import pages
        from tenants.services import settings_changed_register

        settings_changed_register(pages.state_settings_changed)

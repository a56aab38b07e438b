from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("States and people")

    def ready(self) -> None:
        # In ready(): rls reads the models, which are loaded only now.
        from tenants import history_display, rls, state_settings

        post_migrate.connect(rls.after_migrate, dispatch_uid="nrtd-row-level-security")
        state_settings.register()
        history_display.register()

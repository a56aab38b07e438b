from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        # Imported here, not at the top: ready() runs once the models are loaded.
        from recommendations import history_display, people

        history_display.register()
        people.register()

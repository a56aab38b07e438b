"""What consultation adds to the apps below it (registered by ConsultationConfig.ready())."""

from __future__ import annotations

from consultation.models import MessagePost
from consultation.panels import discussion_panel
from recommendations.extensions import EntityReferences, Panel, entity_references_register, panel_register


def _posts_in_name_of(entity) -> int:
    """Replies written on the entity's behalf, and the secretariat's answers to it."""
    return MessagePost.objects.filter(entity=entity).count()


def register() -> None:
    entity_references_register(EntityReferences(name="consultation", count=_posts_in_name_of))
    panel_register(Panel(name="discussion", template="consultation/includes/discussion.html", context=discussion_panel))

"""Responsible entities and their focal points. Each operation runs in one transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from recommendations import extensions
from recommendations.models import Entity, FocalPoint, Recommendation
from tenants.models import State, User


class EntityInUse(Exception):
    """The entity cannot be deleted: recommendations or other entities still refer to it."""


def entity_uses(entity: Entity) -> dict[str, int]:
    """What still refers to the entity: recommendations it leads or supports, entities under it,
    and what other apps keep in its name (``recommendations.extensions``: follow-up's actions,
    progress updates and round tasks), which must never lose the entity it belongs to."""
    uses = {
        "recommendations": Recommendation.objects.filter(
            Q(lead_entity=entity) | Q(supporting_entity_ids__contains=[entity.pk])
        ).count(),
        "children": Entity.objects.filter(parent=entity).count(),
    }
    for references in extensions.ENTITY_REFERENCES:
        uses[references.name] = references.count(entity)
    return uses


@transaction.atomic
def entity_delete(*, entity: Entity) -> None:
    """Delete an entity nothing refers to (EntityInUse otherwise); its focal-point bindings go with it."""
    # Locked first: an assignment in flight (which share-locks the row) finishes before the check.
    Entity.objects.select_for_update().filter(pk=entity.pk).exists()
    uses = entity_uses(entity)
    if any(uses.values()):
        raise EntityInUse(uses)
    entity.delete()


def focal_point_notice(*, state: State, entity: Entity, user: User) -> None:
    """Tell a member, by e-mail after commit and in their language (else the State's), that they
    are now a focal point of ``entity`` (people who are not members yet are invited instead:
    ``recommendations.people.focal_point_invite``)."""
    context = {
        "state": state,
        "entity": entity,
        "user": user,
        "workspace_url": settings.SITE_URL.rstrip("/") + reverse("workspace:home", kwargs={"state_slug": state.slug}),
    }
    with translation.override(user.language or state.default_language):
        subject = _("You are a focal point of %(entity)s in %(state)s") % {"entity": entity, "state": state.name}
        # One line: a name is free text, and a header cannot hold a line break.
        subject = " ".join(subject.split())
        body = render_to_string("recommendations/email/focal_point_invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))


@transaction.atomic
def focal_point_remove(*, focal_point: FocalPoint) -> None:
    """Unbind a focal point from an entity; their membership of the State stays."""
    focal_point.delete()

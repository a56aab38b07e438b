"""Responsible entities and their focal points. Each operation runs in one transaction."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from recommendations import extensions
from recommendations.models import Entity, FocalPoint, Recommendation
from tenants.models import Membership, Role, State, User


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


@transaction.atomic
def focal_point_invite(
    *, state: State, entity: Entity, email: str, name: str, kind: str, base_url: str
) -> tuple[FocalPoint, bool]:
    """Make the person with ``email`` a focal point of ``entity``, inviting them by e-mail.

    A new person gets an account without a password and a link to choose one; a person without
    a role in the State becomes a focal point member of it; a member keeps their role (a
    secretariat officer can also be a ministry's focal point). The e-mail goes after the
    transaction commits, in the person's language (else the State's). Returns the binding and
    whether the account is new.
    """
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, password=None, name=name)
    membership = Membership.objects.filter(state=state, user=user).first()
    if membership is None:
        membership = Membership.objects.create(state=state, user=user, role=Role.FOCAL_POINT)
    focal_point, _created = FocalPoint.objects.update_or_create(
        state=state, membership=membership, entity=entity, defaults={"kind": kind}
    )
    message = _invitation(state=state, entity=entity, user=user, base_url=base_url)
    transaction.on_commit(lambda: send_mail(*message, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return focal_point, created


def _invitation(*, state: State, entity: Entity, user: User, base_url: str) -> tuple[str, str]:
    """Subject and body of the invitation, in the invited person's language."""
    context = {
        "state": state,
        "entity": entity,
        "user": user,
        "workspace_url": base_url + reverse("workspace:home", kwargs={"state_slug": state.slug}),
    }
    if not user.has_usable_password():
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        context["password_url"] = base_url + path
    with translation.override(user.language or state.default_language):
        subject = _("You are a focal point of %(entity)s in %(state)s") % {"entity": entity, "state": state.name}
        # One line: a name is free text, and a header cannot hold a line break.
        subject = " ".join(subject.split())
        body = render_to_string("recommendations/email/focal_point_invitation.txt", context)
    return subject, body


@transaction.atomic
def focal_point_remove(*, focal_point: FocalPoint) -> None:
    """Unbind a focal point from an entity; their membership of the State stays."""
    focal_point.delete()

"""Inviting people to a State, focal points with their entities (docs/people.md).

``tenants.people`` keeps invitations, roles and deactivation; what this app adds is the
focal point's side: the entities an invitation names (bound when it is accepted, by the hook
registered below), the invitation form that chooses them, and the focal-point invitation of an
entity's page, which binds a person who is a member already at once.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.entities import focal_point_notice
from recommendations.models import Entity, FocalPoint
from tenants.models import Invitation, Membership, Role, State, User
from tenants.people import (
    invitation_accepted_register,
    invitation_create,
    invitation_details_register,
    normalize_email,
)
from tenants.scoping import state_context


class PersonInviteForm(forms.Form):
    """Invite someone in any role; a focal point with the entities they will answer for."""

    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.SECRETARIAT)
    # The State's own rows can only be read inside its scope: the queryset is set in __init__.
    entities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Entities (for a focal point)"),
        queryset=Entity.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("The entities a focal point will answer for. Other roles need none."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of focal point"), choices=FocalPoint.Kind.choices, initial=FocalPoint.Kind.TECHNICAL
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the invitation"),
        required=False,
        help_text=gettext_lazy("Used for a person who has no account yet; otherwise the language they chose."),
    )

    def __init__(self, *args, state: State, **kwargs):
        super().__init__(*args, **kwargs)
        self.state = state
        with state_context(state):
            self.fields["entities"].queryset = Entity.objects.order_by("name")
            # Evaluated now, inside the State's context (a form is rendered after it has closed).
            self.fields["entities"].choices = list(self.fields["entities"].choices)
        default = dict(settings.LANGUAGES).get(state.default_language, state.default_language)
        self.fields["language"].choices = [
            ("", _("The State's default language (%(language)s)") % {"language": _(default)}),
            *[(code, _(name)) for code, name in settings.LANGUAGES],
        ]

    def clean(self):
        data = super().clean()
        # (Unless the entities chosen were refused already.)
        if data.get("role") == Role.FOCAL_POINT and not data.get("entities") and "entities" not in self.errors:
            self.add_error("entities", _("Choose the entities this focal point will answer for."))
        return data


def person_invite(*, state: State, data: dict, invited_by: User | None) -> Invitation:
    """Invite a person from the people page (``PersonInviteForm``'s data). PeopleError as
    ``tenants.people.invitation_create``."""
    entities = list(data.get("entities") or []) if data.get("role") == Role.FOCAL_POINT else []
    return invitation_create(
        state=state,
        email=data["email"],
        name=data.get("name", ""),
        role=data["role"],
        invited_by=invited_by,
        language=data.get("language", ""),
        entity_ids=[entity.pk for entity in entities],
        focal_point_kind=data.get("kind", "") if entities else "",
    )


def focal_point_invite(
    *, state: State, entity: Entity, email: str, name: str, kind: str, invited_by: User | None
) -> FocalPoint | Invitation:
    """Make the person with ``email`` a focal point of ``entity``.

    An active member of the State is bound at once (they keep their role: a secretariat officer
    can also be a ministry's focal point) and told by e-mail. Anyone else is invited as a focal
    point of the entity (an invitation still open for them gains the entity and keeps its role);
    the binding is made when they accept. Returns the binding, or the invitation.
    """
    email = normalize_email(email)
    with state_context(state):
        membership = Membership.objects.filter(user__email__iexact=email, is_active=True).select_related("user").first()
        if membership is not None:
            focal_point, _created = FocalPoint.objects.update_or_create(
                state=state, membership=membership, entity=entity, defaults={"kind": kind}
            )
            focal_point_notice(state=state, entity=entity, user=membership.user)
            return focal_point
        open_invitation = Invitation.objects.filter(
            email=email, accepted_at__isnull=True, cancelled_at__isnull=True
        ).first()
    role, entity_ids = Role.FOCAL_POINT, [entity.pk]
    if open_invitation is not None:
        role = open_invitation.role
        entity_ids = sorted({*open_invitation.entity_ids, entity.pk})
        name = name or open_invitation.name
    return invitation_create(
        state=state,
        email=email,
        name=name,
        role=role,
        invited_by=invited_by,
        language=open_invitation.language if open_invitation else "",
        entity_ids=entity_ids,
        focal_point_kind=kind,
    )


def bind_invited_entities(invitation: Invitation, membership: Membership) -> None:
    """On acceptance: the new member becomes a focal point of the entities the invitation names
    (those that still exist)."""
    if not invitation.entity_ids:
        return
    kind = invitation.focal_point_kind or FocalPoint.Kind.TECHNICAL
    for entity in Entity.objects.filter(pk__in=invitation.entity_ids):
        FocalPoint.objects.update_or_create(
            state_id=membership.state_id, membership=membership, entity=entity, defaults={"kind": kind}
        )


def invited_entities_lines(invitation: Invitation) -> list[str]:
    """The invitation e-mail's line naming a focal point's entities (in the e-mail's language)."""
    if not invitation.entity_ids:
        return []
    with state_context(invitation.state):
        names = [str(entity) for entity in Entity.objects.filter(pk__in=invitation.entity_ids).order_by("name")]
    if not names:
        return []
    return [_("You will report for: %(entities)s.") % {"entities": ", ".join(names)}]


def register() -> None:
    invitation_accepted_register(bind_invited_entities)
    invitation_details_register(invited_entities_lines)

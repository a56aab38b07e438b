"""The national human rights institution's own accounts and assessments.

An NHRI account (``tenants.Role.NHRI``) reads what an observer reads and gives the institution's
assessment of each recommendation's implementation: one per recommendation, shown apart from
the government's status (in the workspace, and on the portal when the State publishes them).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultation.models import Assessment
from recommendations.models import ImplementationStatus, Recommendation
from tenants.models import Invitation, Membership, Role, State, User
from tenants.people import PeopleError, invitation_create, normalize_email
from tenants.scoping import state_context


class AssessmentRefused(Exception):
    """``str()`` says why, for the person who asked."""


@transaction.atomic
def assessment_save(
    *,
    state: State,
    recommendation: Recommendation,
    user: User,
    implementation_status: str,
    text: str,
    assessed_on: date | None = None,
) -> Assessment:
    """Give or change the NHRI's assessment of ``recommendation`` (the history keeps the earlier one)."""
    if implementation_status not in ImplementationStatus.values:
        raise AssessmentRefused(_("Choose the implementation status you see."))
    text = (text or "").strip()
    if not text:
        raise AssessmentRefused(_("Say what the assessment rests on."))
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise AssessmentRefused(_("An assessment cannot be dated in the future."))
    assessment, _created = Assessment.objects.select_for_update().update_or_create(
        state=state,
        recommendation=recommendation,
        defaults={
            "implementation_status": implementation_status,
            "text": text,
            "assessed_on": assessed_on,
            "author": user,
        },
    )
    return assessment


def nhri_account_give(*, state: State, email: str, name: str, invited_by: User) -> Invitation:
    """Invite a person of the NHRI to the State with the NHRI role, through the State's own
    invitations (tenants.people: an e-mail in their language with a link on ``SITE_URL`` that
    works once, until it expires). A member with another role keeps it (AssessmentRefused: change
    roles on the people page); an active NHRI member needs no invitation. Returns the invitation.
    """
    email = normalize_email(email)
    with state_context(state):
        membership = Membership.objects.select_related("user").filter(user__email__iexact=email).first()
    if membership is not None and membership.role != Role.NHRI:
        raise AssessmentRefused(
            _("%(person)s is already a member of %(state)s, as %(role)s.")
            % {"person": membership.user, "state": state.name, "role": membership.get_role_display()}
        )
    if membership is not None and membership.is_active:
        raise AssessmentRefused(
            _("%(person)s already has an account of the national human rights institution.")
            % {"person": membership.user}
        )
    try:
        return invitation_create(state=state, email=email, role=Role.NHRI, invited_by=invited_by, name=name)
    except PeopleError as refusal:
        raise AssessmentRefused(str(refusal)) from refusal

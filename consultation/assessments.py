"""The national human rights institution's own accounts and assessments.

An NHRI account (``tenants.Role.NHRI``) reads what an observer reads and gives the institution's
assessment of each recommendation's implementation: one per recommendation, shown apart from
the government's status (in the workspace, and on the portal when the State publishes them).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from consultation.models import Assessment
from recommendations.models import ImplementationStatus, Recommendation
from tenants.models import Membership, Role, State, User


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


@transaction.atomic
def nhri_account_give(*, state: State, email: str, name: str, base_url: str) -> tuple[User, bool]:
    """Give a person of the NHRI an account in the State (the NHRI role), inviting them by e-mail.

    A new person gets an account without a password and a link to choose one. A person who
    already has another role in the State keeps it (refused: change roles on the members' page).
    The e-mail goes after the transaction commits, in the person's language (else the State's).
    Returns the person and whether the account is new.
    """
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, password=None, name=name.strip())
    membership = Membership.objects.filter(user=user).first()
    if membership is not None and membership.role != Role.NHRI:
        raise AssessmentRefused(
            _("%(person)s is already a member of %(state)s, as %(role)s.")
            % {"person": user, "state": state.name, "role": membership.get_role_display()}
        )
    if membership is None:
        Membership.objects.create(state=state, user=user, role=Role.NHRI)
    context = {
        "state": state,
        "user": user,
        "workspace_url": base_url + reverse("workspace:home", kwargs={"state_slug": state.slug}),
    }
    if not user.has_usable_password():
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["password_url"] = base_url + reverse(
            "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
        )
    with translation.override(user.language or state.default_language):
        subject = " ".join(
            (_("Your account for the national human rights institution in %(state)s") % {"state": state.name}).split()
        )
        body = render_to_string("consultation/email/nhri_invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return user, created

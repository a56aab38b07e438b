"""The people of a State: invitations, roles, deactivation (docs/people.md).

Every operation runs in one transaction inside the State's context, so the history trigger
records it (who, when, what) in the State's log. E-mails go once the transaction commits, in the
recipient's language (their own, else the invitation's, else the State's default), with links
built on ``settings.SITE_URL``, never on the address a request came to.

Rules that hold whatever the page:

- an invitation's link works once, until it expires (``NRTD_INVITATION_DAYS``) or is cancelled;
  sending it again makes a new link (the earlier one stops working);
- the State always keeps an active administrator: the last one can be neither demoted nor
  deactivated (``LastAdministrator``), checked under a lock on the administrators' rows so two
  administrators demoting each other at once cannot both succeed;
- a deactivated person keeps their membership and their history, and loses access at their next
  request (``tenants.queries.membership_for``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tenants.models import Invitation, Membership, Role, State, User
from tenants.scoping import state_context

TOKEN_BYTES = 32

# What other apps do when an invitation is accepted, with the invitation and the membership
# (the recommendations app binds a focal point to the entities the invitation names). Registered
# from their AppConfig.ready(): this app sits below them (docs/architecture.md).
INVITATION_ACCEPTED: list[Callable[[Invitation, Membership], None]] = []
# What other apps add to an invitation's e-mail, as lines of text (a focal point's entities).
INVITATION_DETAILS: list[Callable[[Invitation], list[str]]] = []


class PeopleError(Exception):
    """An operation on people the State's rules refuse; ``str()`` says why, for the person who asked."""


class LastAdministrator(PeopleError):
    pass


def invitation_accepted_register(hook: Callable[[Invitation, Membership], None]) -> None:
    if hook not in INVITATION_ACCEPTED:
        INVITATION_ACCEPTED.append(hook)


def invitation_details_register(describe: Callable[[Invitation], list[str]]) -> None:
    if describe not in INVITATION_DETAILS:
        INVITATION_DETAILS.append(describe)


def token_hash(token: str, state_id: int) -> str:
    """What is stored of an invitation's token: bound to its State, so it opens nothing elsewhere."""
    return hashlib.sha256(f"invitation:{state_id}:{token}".encode()).hexdigest()


def invitation_url(state: State, token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "invitation:accept", kwargs={"state_slug": state.slug, "token": token}
    )


def workspace_url(state: State) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("workspace:home", kwargs={"state_slug": state.slug})


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def role_label(role: str):
    """The role's name, lazily: translated where the e-mail's language is in force."""
    return Role(role).label if role in Role.values else role


# --- Invitations --------------------------------------------------------------------------------


def invitation_create(
    *,
    state: State,
    email: str,
    role: str,
    invited_by: User | None,
    name: str = "",
    language: str = "",
    entity_ids: list[int] | None = None,
    focal_point_kind: str = "",
) -> Invitation:
    """Invite ``email`` to ``state`` in ``role``, by an e-mail with a link to accept.

    An open invitation to the same address is replaced (new role, new link; the earlier link
    stops working). PeopleError when the address belongs to an active member already (their
    role is changed instead) or the role is unknown. Side effects: the invitation (in history)
    and the e-mail, sent after commit.
    """
    if role not in Role.values:
        raise PeopleError(_("Choose a role."))
    email = normalize_email(email)
    with state_context(state):
        if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
            raise PeopleError(
                _("%(email)s is already a member of %(state)s: change their role on the people page instead.")
                % {"email": email, "state": state.name}
            )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = timezone.now()
        values = {
            "name": name.strip(),
            "role": role,
            "language": language,
            "entity_ids": sorted(set(entity_ids or [])),
            "focal_point_kind": focal_point_kind,
            "invited_by": invited_by,
            "token_hash": token_hash(token, state.pk),
            "sent_at": now,
            "expires_at": now + timedelta(days=settings.NRTD_INVITATION_DAYS),
        }
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email=email, accepted_at__isnull=True, cancelled_at__isnull=True)
            .first()
        )
        if invitation is None:
            invitation = Invitation.objects.create(state=state, email=email, **values)
        else:
            for field, value in values.items():
                setattr(invitation, field, value)
            invitation.save()
        _send_invitation(state, invitation, token)
    return invitation


def invitation_resend(*, invitation: Invitation, by: User | None) -> Invitation:
    """Send an open invitation again with a new link and a new expiry (the earlier link stops
    working). PeopleError if it was accepted or cancelled meanwhile."""
    state = invitation.state
    with state_context(state):
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not current.is_open:
            raise PeopleError(_("This invitation was accepted or cancelled meanwhile; nothing was sent."))
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = timezone.now()
        current.token_hash = token_hash(token, state.pk)
        current.sent_at = now
        current.expires_at = now + timedelta(days=settings.NRTD_INVITATION_DAYS)
        if by is not None:
            current.invited_by = by
        current.save(update_fields=["token_hash", "sent_at", "expires_at", "invited_by"])
        _send_invitation(state, current, token)
    return current


def invitation_cancel(*, invitation: Invitation) -> Invitation:
    """Cancel an open invitation: its link stops working. PeopleError if it was accepted meanwhile."""
    with state_context(invitation.state):
        changed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
        if not changed:
            raise PeopleError(_("This invitation was accepted or cancelled meanwhile."))
        return Invitation.objects.get(pk=invitation.pk)


def invitation_for_token(state: State, token: str) -> Invitation | None:
    """The invitation (open, used, cancelled or expired) this token names in ``state``, or None."""
    if not token or len(token) > 100:
        return None
    digest = token_hash(token, state.pk)
    with state_context(state):
        invitation = Invitation.objects.select_related("invited_by", "state").filter(token_hash=digest).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        return None
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation as ``user`` (whose e-mail address must be the invitation's): they
    become a member in its role (a deactivated membership is opened again with that role; an
    active one keeps its role), and the apps' hooks run (a focal point's entities).

    One conditional UPDATE marks it used: a second acceptance, or one after it expired or was
    cancelled, raises PeopleError and changes nothing.
    """
    state = invitation.state
    if normalize_email(user.email) != invitation.email:
        raise PeopleError(_("This invitation is for another e-mail address."))
    with state_context(state):
        now = timezone.now()
        used = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if not used:
            raise PeopleError(invitation_refusal(Invitation.objects.get(pk=invitation.pk)))
        membership = Membership.objects.select_for_update().filter(user=user).first()
        if membership is None:
            membership = Membership.objects.create(state=state, user=user, role=invitation.role)
        elif not membership.is_active:
            membership.role, membership.is_active, membership.deactivated_at = invitation.role, True, None
            membership.save(update_fields=["role", "is_active", "deactivated_at"])
        invitation.accepted_at, invitation.accepted_by = now, user
        for hook in INVITATION_ACCEPTED:
            hook(invitation, membership)
    return membership


def invitation_refusal(invitation: Invitation) -> str:
    """Why an invitation's link no longer works, for the person who opened it."""
    if invitation.accepted_at:
        return _("This invitation has been used already. Sign in with your e-mail address and password.")
    if invitation.cancelled_at:
        return _("This invitation was cancelled. Ask the person who invited you if you should have access.")
    return _("This invitation has expired. Ask the person who invited you to send it again.")


def _send_invitation(state: State, invitation: Invitation, token: str) -> None:
    account = User.objects.filter(email__iexact=invitation.email).first()
    language = (account.language if account else "") or invitation.language or state.default_language
    with translation.override(language):
        inviter = str(invitation.invited_by) if invitation.invited_by else _("The hosting office")
        context = {
            "name": invitation.name or (account.name if account else ""),
            "state": state.name,
            "role": role_label(invitation.role),
            "inviter": inviter,
            "url": invitation_url(state, token),
            "expires": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
            "details": [line for describe in INVITATION_DETAILS for line in describe(invitation)],
            "has_account": bool(account and account.has_usable_password()),
        }
        subject = _("%(inviter)s invites you to %(state)s as %(role)s") % context
        body = render_to_string("tenants/email/invitation.txt", context)
    _mail_on_commit(subject, body, invitation.email)


# --- Memberships -----------------------------------------------------------------------------------


def _lock_administrators(state: State) -> list[int]:
    """The ids of the State's active administrators, their rows locked until the transaction ends."""
    return list(
        Membership.objects.select_for_update()
        .filter(role=Role.STATE_ADMIN, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _keep_an_administrator(state: State, membership: Membership, *, leaving: bool) -> None:
    administrators = _lock_administrators(state)
    if leaving and administrators == [membership.pk]:
        raise LastAdministrator(
            _("%(person)s is the last active administrator of %(state)s: make someone else an administrator first.")
            % {"person": membership.user, "state": state.name}
        )


def membership_role_change(*, membership: Membership, role: str, by: User | None) -> Membership:
    """Give a member another role; the last active administrator keeps theirs (LastAdministrator).
    Side effects: history, and an e-mail telling them (after commit)."""
    if role not in Role.values:
        raise PeopleError(_("Choose a role."))
    state = membership.state
    with state_context(state):
        current = Membership.objects.select_related("user").get(pk=membership.pk)
        if current.role == role:
            return current
        if current.role == Role.STATE_ADMIN and current.is_active:
            _keep_an_administrator(state, current, leaving=True)
        before = current.role
        current.role = role
        current.save(update_fields=["role"])
        if current.is_active:
            _tell(
                state,
                current.user,
                by,
                subject=gettext_noop("Your role in %(state)s is now %(role)s"),
                lines=[
                    gettext_noop("%(by)s changed your role in %(state)s from %(before)s to %(role)s."),
                ],
                before=role_label(before),
                role=role_label(role),
            )
    return current


def membership_deactivate(*, membership: Membership, by: User | None) -> Membership:
    """End a member's access (from their next request); their membership and history stay.
    The last active administrator cannot be deactivated (LastAdministrator)."""
    state = membership.state
    with state_context(state):
        current = Membership.objects.select_related("user").get(pk=membership.pk)
        if not current.is_active:
            return current
        if current.role == Role.STATE_ADMIN:
            _keep_an_administrator(state, current, leaving=True)
        current.is_active, current.deactivated_at = False, timezone.now()
        current.save(update_fields=["is_active", "deactivated_at"])
        _tell(
            state,
            current.user,
            by,
            subject=gettext_noop("Your access to %(state)s has ended"),
            lines=[gettext_noop("%(by)s ended your access to %(state)s. What you did there stays in its history.")],
        )
    return current


def membership_reactivate(*, membership: Membership, by: User | None) -> Membership:
    """Open a deactivated member's access again, in the role they had."""
    state = membership.state
    with state_context(state):
        current = Membership.objects.select_related("user").get(pk=membership.pk)
        if current.is_active:
            return current
        current.is_active, current.deactivated_at = True, None
        current.save(update_fields=["is_active", "deactivated_at"])
        _tell(
            state,
            current.user,
            by,
            subject=gettext_noop("Your access to %(state)s is open again"),
            lines=[gettext_noop("%(by)s opened your access to %(state)s again, as %(role)s.")],
            role=role_label(current.role),
        )
    return current


def _tell(state: State, user: User, by: User | None, *, subject: str, lines: list[str], **params) -> None:
    """An e-mail to a member about their access, in their language (else the State's)."""
    with translation.override(user.language or state.default_language):
        values = {
            "state": state.name,
            "by": str(by) if by is not None else _("The hosting office"),
            **{key: str(value) for key, value in params.items()},
        }
        # The texts are marked (gettext_noop) where they are written, and translated here, in the
        # recipient's language.
        subject_text = " ".join((_(subject) % values).split())
        body = render_to_string(
            "tenants/email/access_changed.txt",
            {"name": user.name, "lines": [_(line) % values for line in lines], "url": workspace_url(state)},
        )
    _mail_on_commit(subject_text, body, user.email)


def _mail_on_commit(subject: str, body: str, to: str) -> None:
    # One line: names are free text, and a header cannot hold a line break.
    subject = " ".join(subject.split())
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))

"""Business operations on States and memberships. Each runs in one transaction."""

from __future__ import annotations

from django.db import transaction

from tenants.models import Membership, PlatformAuditEntry, Role, State, User
from tenants.scoping import state_context


@transaction.atomic
def state_create(
    *,
    name: str,
    slug: str,
    iso3: str,
    content_languages: list[str],
    default_language: str,
    portal_enabled: bool = False,
    admin_email: str | None = None,
    admin_name: str = "",
    actor: User | None = None,
) -> tuple[State, User | None]:
    """Create a State and, when an e-mail is given, its first administrator.

    The administrator's account is created without a usable password when new; they set one
    through the password-reset link (the platform page sends it). Returns the State and the
    administrator (or None).
    """
    state = State(
        name=name,
        slug=slug,
        iso3=iso3.upper(),
        content_languages=content_languages,
        default_language=default_language,
        portal_enabled=portal_enabled,
    )
    state.full_clean()
    state.save()
    admin = None
    if admin_email:
        admin = User.objects.filter(email__iexact=admin_email).first()
        if admin is None:
            admin = User.objects.create_user(admin_email, password=None, name=admin_name)
        membership_set(state=state, user=admin, role=Role.STATE_ADMIN)
    _audit(state=state, actor=actor, action=PlatformAuditEntry.Action.CREATE, admin=admin_email or "")
    return state, admin


def membership_set(*, state: State, user: User, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``state`` (creating or changing their membership)."""
    with state_context(state):
        membership, _ = Membership.objects.update_or_create(state=state, user=user, defaults={"role": role})
    return membership


class StateStatusError(Exception):
    """The State is not in a status the operation starts from."""


def _audit(*, state: State, actor: User | None, action: str, reason: str = "", **details) -> PlatformAuditEntry:
    return PlatformAuditEntry.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        state_ref=state.pk,
        state_name=state.name,
        reason=reason,
        details=details,
    )


@transaction.atomic
def state_suspend(*, state: State, actor: User | None, reason: str) -> State:
    """Suspend an active State: its members cannot enter it, its portal answers 404, its data stays.

    Side effects: an audit entry (who, why). StateStatusError unless the State is active.
    """
    state = State.objects.select_for_update().get(pk=state.pk)
    if state.status != State.Status.ACTIVE:
        raise StateStatusError(state.status)
    state.status = State.Status.SUSPENDED
    state.save(update_fields=["status"])
    _audit(state=state, actor=actor, action=PlatformAuditEntry.Action.SUSPEND, reason=reason)
    return state


@transaction.atomic
def state_resume(*, state: State, actor: User | None, reason: str = "") -> State:
    """Open a suspended State again, as it was. StateStatusError unless it is suspended."""
    state = State.objects.select_for_update().get(pk=state.pk)
    if state.status != State.Status.SUSPENDED:
        raise StateStatusError(state.status)
    state.status = State.Status.ACTIVE
    state.save(update_fields=["status"])
    _audit(state=state, actor=actor, action=PlatformAuditEntry.Action.RESUME, reason=reason)
    return state

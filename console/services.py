"""The hosting office's operations on States: create, suspend, resume, archive, delete, and
support mode. Each runs in one transaction and leaves an audit entry (``PlatformAuditEntry``)."""

from __future__ import annotations

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from console.models import PlatformAuditEntry
from tenants.history import HISTORY_TABLE
from tenants.models import Invitation, Role, State, SupportAccess, SupportSession, User
from tenants.people import invitation_create
from tenants.queries import active_support_sessions
from tenants.rls import state_owned_tables
from tenants.scoping import cross_state_access, current_connection, state_context


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
    admin_language: str = "",
    actor: User | None = None,
) -> tuple[State, Invitation | None]:
    """Create a State and, when an e-mail is given, invite its first administrator.

    The invitation (tenants.people) is e-mailed after commit, naming the State, the role and the
    hosting office's person who created it; its link makes the account (or asks to sign in to
    an existing one) and enters the new State. Returns the State and the invitation (or None).
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
    invitation = None
    if admin_email:
        invitation = invitation_create(
            state=state,
            email=admin_email,
            name=admin_name,
            role=Role.STATE_ADMIN,
            invited_by=actor,
            language=admin_language or default_language,
        )
    _audit(state=state, actor=actor, action=PlatformAuditEntry.Action.CREATE, admin=admin_email or "")
    return state, invitation


class StateStatusError(Exception):
    """The State is not in a status the operation starts from."""


class StateConfirmationError(Exception):
    """The typed confirmation does not match the State's slug."""


def platform_audit(*, state: State, actor: User | None, action: str, reason: str = "", **details) -> PlatformAuditEntry:
    """Record what the hosting office did to a State (for the console's pages that act through
    other apps' services: people, settings)."""
    return _audit(state=state, actor=actor, action=action, reason=reason, **details)


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
    # A State's row changes inside its own context (tenants.rls, STATE_TABLE_POLICIES).
    with state_context(state):
        state = State.objects.select_for_update().get(pk=state.pk)
        if state.status != State.Status.ACTIVE:
            raise StateStatusError(state.status)
        state.status = State.Status.SUSPENDED
        state.save(update_fields=["status"])
    _audit(state=state, actor=actor, action=PlatformAuditEntry.Action.SUSPEND, reason=reason)
    return state


@transaction.atomic
def state_resume(*, state: State, actor: User | None, reason: str = "") -> State:
    """Open a suspended or archived State again, as it was.

    Side effects: an audit entry. StateStatusError unless it is suspended or archived.
    """
    # A State's row changes inside its own context (tenants.rls, STATE_TABLE_POLICIES).
    with state_context(state):
        state = State.objects.select_for_update().get(pk=state.pk)
        if state.status not in (State.Status.SUSPENDED, State.Status.ARCHIVED):
            raise StateStatusError(state.status)
        state.status = State.Status.ACTIVE
        state.save(update_fields=["status"])
    _audit(state=state, actor=actor, action=PlatformAuditEntry.Action.RESUME, reason=reason)
    return state


@transaction.atomic
def state_archive(*, state: State, actor: User | None, reason: str) -> State:
    """Archive an active or suspended State: closed as a suspended one is, data kept, and the only
    status from which it may be deleted (``state_delete``). ``state_resume`` opens it again.

    Side effects: an audit entry (who, why). StateStatusError if it is archived already.
    """
    # A State's row changes inside its own context (tenants.rls, STATE_TABLE_POLICIES).
    with state_context(state):
        state = State.objects.select_for_update().get(pk=state.pk)
        if state.status not in (State.Status.ACTIVE, State.Status.SUSPENDED):
            raise StateStatusError(state.status)
        state.status = State.Status.ARCHIVED
        state.save(update_fields=["status"])
    _audit(state=state, actor=actor, action=PlatformAuditEntry.Action.ARCHIVE, reason=reason)
    return state


def _stored_files(state_id: int) -> list[str]:
    """The names of the files the State's rows keep in the storage (every FileField of a State-owned model)."""
    names: list[str] = []
    with cross_state_access():
        for model in apps.get_models():
            if not any(f.name == "state" and f.is_relation for f in model._meta.fields):
                continue
            for field in model._meta.fields:
                if isinstance(field, models.FileField):
                    names += [
                        n for n in model._base_manager.filter(state_id=state_id).values_list(field.name, flat=True) if n
                    ]
    return names


def _delete_stored_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # already gone, or the storage refuses: the rows are gone either way
            continue


@cross_state_access()
def state_delete(*, state: State, actor: User | None, confirm_slug: str, reason: str = "") -> PlatformAuditEntry:
    """Delete an archived State and every row it owns, for good.

    ``confirm_slug`` must be the State's slug exactly (StateConfirmationError otherwise); the
    State must be archived (StateStatusError otherwise).

    Side effects, in one transaction under ``cross_state_access`` (the platform's connection,
    which the lock on the State's row, the deletions and the audit entry share): every row of
    every State-owned table (those with ``state_id``, tenants.rls) is deleted, then the State; its history in
    ``nrtd_history`` is removed by the owner's function ``nrtd_purge_state_history`` (migration
    tenants 0005); an audit entry ``delete`` remains (no foreign key to the State) with its name,
    slug, ISO code and the number of rows deleted per table. People's accounts stay (they may
    belong to other States); only their memberships here go.
    """
    state = State.objects.select_for_update().get(pk=state.pk)
    if confirm_slug != state.slug:
        raise StateConfirmationError(confirm_slug)
    if state.status != State.Status.ARCHIVED:
        raise StateStatusError(state.status)
    state_id = state.pk
    rows: dict[str, int] = {}
    connection = current_connection()
    quote = connection.ops.quote_name
    stored = _stored_files(state_id)
    with connection.cursor() as cursor:
        # Foreign keys between the State's tables are deferred (Django creates them so), so the
        # order does not matter; they are checked before the State's own row goes.
        for table in state_owned_tables():
            if table == HISTORY_TABLE:
                continue
            cursor.execute(f"DELETE FROM {quote(table)} WHERE state_id = %s", [state_id])
            if cursor.rowcount:
                rows[table] = cursor.rowcount
        cursor.execute("DELETE FROM tenants_state WHERE id = %s", [state_id])
        # Check now, not at commit, that nothing outside the State pointed at what went.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SELECT nrtd_purge_state_history(%s)", [state_id])
        history_rows = cursor.fetchone()[0]
    # The files go once the rows are gone for good (after commit; a rollback keeps both).
    transaction.on_commit(lambda: _delete_stored_files(stored), using=connection.alias)
    return _audit(
        state=state,
        actor=actor,
        action=PlatformAuditEntry.Action.DELETE,
        reason=reason,
        slug=state.slug,
        iso3=state.iso3,
        rows=rows,
        history_rows=history_rows,
    )


@transaction.atomic
def support_start(*, state: State, actor: User, reason: str) -> SupportSession:
    """Enter support mode: ``actor``, a platform administrator, may read ``state``'s workspace as an
    observer until they leave or ``SUPPORT_SESSION_LENGTH`` has passed.

    Side effects: a ``SupportSession`` (any session of theirs still open there is ended first)
    and an audit entry ``support`` with the reason; both are shown to the State's administrators.
    PermissionError unless ``actor`` is a platform administrator; ValueError without a reason;
    StateStatusError unless the State is active.
    """
    if not (actor.is_active and actor.is_platform_admin):
        raise PermissionError("Only platform administrators enter support mode")
    if not reason.strip():
        raise ValueError("A reason is required")
    now = timezone.now()
    with state_context(state):
        state = State.objects.select_for_update().get(pk=state.pk)
        if state.status != State.Status.ACTIVE:
            raise StateStatusError(state.status)
        active_support_sessions(actor).update(ended_at=now)
        session = SupportSession.objects.create(
            state=state, user=actor, user_email=actor.email, reason=reason.strip(), started_at=now
        )
    _audit(
        state=state,
        actor=actor,
        action=PlatformAuditEntry.Action.SUPPORT,
        reason=session.reason,
        event="enter",
        session=session.pk,
        expires_at=session.expires_at.isoformat(),
    )
    return session


@transaction.atomic
def support_end(*, state: State, actor: User) -> SupportSession | None:
    """Leave support mode in ``state``: the actor's active session there ends now.

    Side effects: ``ended_at`` set, an audit entry ``support`` (event "leave"). Returns the
    session, or None (and records nothing) when none was active.
    """
    with state_context(state):
        session = active_support_sessions(actor).order_by("-started_at").first()
        if session is None:
            return None
        session.ended_at = timezone.now()
        session.save(update_fields=["ended_at"])
        pages = SupportAccess.objects.filter(session=session).count()
    _audit(
        state=state,
        actor=actor,
        action=PlatformAuditEntry.Action.SUPPORT,
        event="leave",
        session=session.pk,
        pages=pages,
    )
    return session

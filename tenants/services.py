"""Business operations on memberships, a State's settings, and the record of pages seen in support mode.

People (invitations, roles, deactivation) are ``tenants.people``.

A State's life cycle (create, suspend, resume, archive, delete) and entering or leaving support
mode are the hosting office's: ``console.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from tenants.models import Membership, State, SupportAccess, SupportSession, User
from tenants.scoping import state_context

# What other apps do when a State's settings change, with the State (as saved) and the names of
# the fields that changed: the portal forgets its cached pages when its texts change. Registered
# from their AppConfig.ready() (they sit above this app).
SETTINGS_CHANGED: list[Callable[[State, list[str]], None]] = []


def settings_changed_register(hook: Callable[[State, list[str]], None]) -> None:
    if hook not in SETTINGS_CHANGED:
        SETTINGS_CHANGED.append(hook)


def membership_set(*, state: State, user: User, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``state`` (creating or changing their membership)."""
    with state_context(state):
        membership, _ = Membership.objects.update_or_create(state=state, user=user, defaults={"role": role})
    return membership


@transaction.atomic
def state_settings_save(*, state: State, values: dict[str, Any]) -> list[str]:
    """Save some of a State's settings (field name → value) and return the names of those that
    changed. The State's row is locked while it is checked and saved (two administrators saving
    at once: the second sees the first's values), and checked as a whole (ValidationError: the
    default language must be a content language). The history trigger of the State's row
    (migration tenants 0009) records who changed what; the apps' hooks run in the same
    transaction."""
    # Inside the State's own context: the only place its row may change (tenants.rls).
    with state_context(state):
        current = State.objects.select_for_update().get(pk=state.pk)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(current, name, values[name])
        current.full_clean(exclude=["slug", "iso3"])
        # modeltranslation keeps the original column ("name") equal to the default language's.
        current.save()
        for name in changed:
            setattr(state, name, getattr(current, name))
        for hook in SETTINGS_CHANGED:
            hook(current, changed)
    return changed


def support_access_record(*, session: SupportSession, method: str, path: str) -> SupportAccess | None:
    """Log one page viewed in support mode, within the State's context (at most
    ``SUPPORT_ACCESS_LIMIT`` per session; beyond it, None and nothing written)."""
    if SupportAccess.objects.filter(session=session).count() >= settings.SUPPORT_ACCESS_LIMIT:
        return None
    return SupportAccess.objects.create(state_id=session.state_id, session=session, method=method, path=path[:500])

"""Business operations on memberships, and the record of pages seen in support mode.

A State's life cycle (create, suspend, resume, archive, delete) and entering or leaving support
mode are the hosting office's: ``console.services``.
"""

from __future__ import annotations

from django.conf import settings

from tenants.models import Membership, State, SupportAccess, SupportSession, User
from tenants.scoping import state_context


def membership_set(*, state: State, user: User, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``state`` (creating or changing their membership)."""
    with state_context(state):
        membership, _ = Membership.objects.update_or_create(state=state, user=user, defaults={"role": role})
    return membership


def support_access_record(*, session: SupportSession, method: str, path: str) -> SupportAccess | None:
    """Log one page viewed in support mode, within the State's context (at most
    ``SUPPORT_ACCESS_LIMIT`` per session; beyond it, None and nothing written)."""
    if SupportAccess.objects.filter(session=session).count() >= settings.SUPPORT_ACCESS_LIMIT:
        return None
    return SupportAccess.objects.create(state_id=session.state_id, session=session, method=method, path=path[:500])

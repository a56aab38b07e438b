"""Entering a State, and the one explicit way to work across States.

Both walls are raised together here: django-scopes in the application, and the transaction's
``nrtd.state_id`` setting that PostgreSQL's row-level security policies read (tenants.rls).
Every cross-State operation goes through ``cross_state_access``, so ``grep cross_state_access``
lists them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connections, transaction
from django_scopes import scope, scopes_disabled

if TYPE_CHECKING:
    from tenants.models import State

STATE_SETTING = "nrtd.state_id"
BYPASS_SETTING = "nrtd.bypass"


def _swap_settings(using: str, *, state_id: str, bypass: str) -> tuple[str, str]:
    """Set both settings for the current transaction; return the values they had."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), coalesce(current_setting(%s, true), ''),"
            " set_config(%s, %s, true), set_config(%s, %s, true)",
            [STATE_SETTING, BYPASS_SETTING, STATE_SETTING, state_id, BYPASS_SETTING, bypass],
        )
        previous_state, previous_bypass, _, _ = cursor.fetchone()
    return previous_state, previous_bypass


@contextmanager
def _database_context(using: str, *, state_id: str, bypass: str) -> Iterator[None]:
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        previous = _swap_settings(using, state_id=state_id, bypass=bypass)
        yield
        # A transaction-local setting outlives a released savepoint, so an inner context must
        # put back what the outer one had. (On an exception the savepoint's rollback does it.)
        if nested:
            _swap_settings(using, state_id=previous[0], bypass=previous[1])


@contextmanager
def state_context(state: State, *, using: str = "default") -> Iterator[State]:
    """Run the block as ``state``: scoped queries and row-level security see only its rows.

    Opens a transaction (a savepoint when one is open already).
    """
    if state is None or state.pk is None:
        raise ValueError("state_context needs a saved State")
    with _database_context(using, state_id=str(state.pk), bypass="off"), scope(state=state):
        yield state


@contextmanager
def cross_state_access(*, using: str = "default") -> Iterator[None]:
    """The explicit bypass of both walls, for work that spans States.

    For the platform console, provisioning, a person's list of their own States, and tests
    that plant data. Never for a request that serves one State.
    """
    with _database_context(using, state_id="", bypass="on"), scopes_disabled():
        yield

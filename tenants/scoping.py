"""Entering a State, and the one explicit way to work across States.

Both walls are raised together here: django-scopes in the application, and the transaction's
``nrtd.state_id`` setting that PostgreSQL's row-level security policies read (tenants.rls).
Every cross-State operation goes through ``cross_state_access``, so ``grep cross_state_access``
lists them all.

No setting lowers row-level security: the application's role sees only the rows of the State
its transaction names. Work across States runs on another connection, as the platform role,
which the policies let through (docs/tenancy.md, "Threat model").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

import pghistory.runtime
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django_scopes import scope, scopes_disabled

from nrtd.db import current_alias, current_connection, routed_to

if TYPE_CHECKING:
    from tenants.models import State

STATE_SETTING = "nrtd.state_id"

__all__ = ["STATE_SETTING", "cross_state_access", "cross_state_alias", "current_connection", "state_context"]


def cross_state_alias() -> str:
    """The connection cross-State work runs on (``settings.CROSS_STATE_DATABASE``)."""
    return settings.CROSS_STATE_DATABASE


def platform_role() -> str:
    """The role cross-State work runs as (the ``platform`` connection's)."""
    return settings.DATABASES["platform"]["USER"]


def _swap(using: str, *, state_id: str, role: str | None = None) -> tuple[str, str | None]:
    """Set the State (and, when given, the role) for the current transaction; return what they were."""
    with connections[using].cursor() as cursor:
        if role is None:
            cursor.execute(
                "SELECT coalesce(current_setting(%s, true), ''), NULL, set_config(%s, %s, true)",
                [STATE_SETTING, STATE_SETTING, state_id],
            )
        else:
            cursor.execute(
                "SELECT coalesce(current_setting(%s, true), ''), current_user::text,"
                " set_config(%s, %s, true), set_config('role', %s, true)",
                [STATE_SETTING, STATE_SETTING, state_id, role],
            )
        previous_state, previous_role = cursor.fetchone()[:2]
    return previous_state, previous_role


@contextmanager
def _database_context(using: str, *, state_id: str, role: str | None = None) -> Iterator[None]:
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        previous_state, previous_role = _swap(using, state_id=state_id, role=role)
        yield
        # A transaction-local setting outlives a released savepoint, so an inner context must
        # put back what the outer one had. (On an exception the savepoint's rollback does it.)
        if nested:
            _swap(using, state_id=previous_state, role=previous_role)


@contextmanager
def state_context(state: State, *, using: str | None = None) -> Iterator[State]:
    """Run the block as ``state``: scoped queries and row-level security see only its rows.

    Opens a transaction (a savepoint when one is open already) on the connection in use: inside
    ``cross_state_access`` that is the cross-State one, so that provisioning can create a State
    and fill it in one transaction.
    """
    if state is None or state.pk is None:
        raise ValueError("state_context needs a saved State")
    with _database_context(using or current_alias(), state_id=str(state.pk)), scope(state=state):
        yield state


def _history_context(execute, sql, params, many, context):
    """pghistory's context (who, which page or job) on the cross-State connection too: pghistory
    itself injects it on the default connection only."""
    if hasattr(pghistory.runtime._tracker, "value"):
        return pghistory.runtime._inject_history_context(execute, sql, params, many, context)
    return execute(sql, params, many, context)


@contextmanager
def cross_state_access() -> Iterator[None]:
    """The explicit way across both walls, for work that spans States.

    For the platform console, provisioning, a person's list of their own States, cross-State
    jobs and tests that plant data. Never for a request that serves one State. Every query of
    the block (the ORM's, and raw SQL through ``current_connection()``) goes to the cross-State
    connection, as the platform role, in one transaction; ``django.db.connection`` stays the
    application's and sees no more than before.
    """
    alias = cross_state_alias()
    # Tests only: the test's own connection, switched to the platform role for the transaction.
    role = platform_role() if alias == DEFAULT_DB_ALIAS else None
    with ExitStack() as stack:
        stack.enter_context(routed_to(alias))
        if alias != DEFAULT_DB_ALIAS and _history_context not in connections[alias].execute_wrappers:
            stack.enter_context(connections[alias].execute_wrapper(_history_context))
        stack.enter_context(_database_context(alias, state_id="", role=role))
        stack.enter_context(scopes_disabled())
        yield

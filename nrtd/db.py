"""Which database connection does what.

``default`` is the application's role, which row-level security holds to the transaction's
State; ``owner`` is the role that owns the tables; ``platform`` is the role of work that spans
States. Only migrations use ``owner`` (``manage.py migrate`` defaults to it, see
nrtd/management/commands/migrate.py). Every query of the running application goes to
``default``, except inside ``tenants.scoping.cross_state_access``, which names its connection
here (``settings.CROSS_STATE_DATABASE``: ``platform``, or ``default`` under the platform role in
tests) for the router to send every read and write to.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

UPDATE_CHUNK = 1000

# The connection cross-State work runs on while it runs (None: the application's own).
_CROSS_STATE_ALIAS: ContextVar[str | None] = ContextVar("nrtd_cross_state_alias", default=None)


def current_alias() -> str:
    """The alias the ORM's queries go to now: the cross-State one inside cross_state_access."""
    return _CROSS_STATE_ALIAS.get() or DEFAULT_DB_ALIAS


def current_connection():
    """The connection raw SQL must use to see what the ORM sees now (see ``current_alias``)."""
    return connections[current_alias()]


class OwnerMigratesRouter:
    def db_for_read(self, model, **hints):
        return current_alias()

    def db_for_write(self, model, **hints):
        return current_alias()

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "owner"


def update_by_id(table: str, columns: Sequence[str], rows: Sequence[Sequence], *, types: Sequence[str]) -> int:
    """Set ``columns`` of many rows of ``table`` at once: each row is ``(id, *values)``, ``types``
    the columns' SQL types (a VALUES list needs them). One ``UPDATE … FROM (VALUES …)`` per
    thousand rows: what Django's ``bulk_update`` does with a CASE per column, without its cost in
    Python (seconds for thousands of rows). Returns the number of rows updated."""
    connection = current_connection()
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = v.{quote(column)}" for column in columns)
    names = ", ".join(["id", *(quote(column) for column in columns)])
    row_sql = "(" + ", ".join(["%s::bigint", *(f"%s::{sql_type}" for sql_type in types)]) + ")"
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPDATE_CHUNK):
            part = rows[start : start + UPDATE_CHUNK]
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row_sql] * len(part))}) AS v({names}) WHERE t.id = v.id",
                [value for row in part for value in row],
            )
            updated += cursor.rowcount
    return updated


@contextmanager
def routed_to(alias: str) -> Iterator[None]:
    """Send the ORM's queries to ``alias`` for the block (tenants.scoping.cross_state_access)."""
    token = _CROSS_STATE_ALIAS.set(alias)
    try:
        yield
    finally:
        _CROSS_STATE_ALIAS.reset(token)

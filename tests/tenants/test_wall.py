"""The wall against SQL run as the application (issue 17): whatever the application's role runs
over its own connection, no row of another State is read or changed.

Each test opens a real connection as the application role itself (the production DATABASE_URL's
role, with no membership of any other role: not the test suite's own connection, which may take
on the platform role), works in one transaction and rolls it back. The data is the planted
States', committed at the start of the session (tests/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from psycopg import errors, sql

from tenants.rls import state_owned_tables

pytestmark = pytest.mark.django_db

# A setting that lowered row-level security before issue 17, tried whatever the policies read now.
OLD_BYPASS = "nrtd.bypass"
STATE_SETTING = "nrtd.state_id"
# How an owner's function refuses a State other than the transaction's (nrtd_require_state).
REFUSED = "is not this transaction's State"


def application_database() -> dict:
    """The application role's connection settings (in tests the suite's own connection logs in
    as another role: nrtd/settings.py)."""
    return getattr(settings, "APPLICATION_DATABASE", settings.DATABASES["default"])


@contextmanager
def as_application() -> Iterator[psycopg.Connection]:
    config = application_database()
    connection = psycopg.connect(
        dbname=settings.DATABASES["default"]["NAME"],
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        connect_timeout=10,
        application_name="test_wall",
    )
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()


def rows(connection, query, params=None) -> list[tuple]:
    return connection.execute(query, params or []).fetchall()


def policy_settings(connection) -> set[str]:
    """Every custom setting a row-level security policy reads."""
    found: set[str] = set()
    for using, check in rows(
        connection,
        "SELECT pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid) FROM pg_policy",
    ):
        for expression in (using or "", check or ""):
            found.update(re.findall(r"current_setting\('([^']+)'", expression))
    return found


def settings_to_try(connection) -> list[str]:
    """The settings an attacker would set: the old bypass, and every one the policies read but
    the State's own (the State of a transaction is the application's to set: docs/tenancy.md)."""
    return sorted((policy_settings(connection) | {OLD_BYPASS}) - {STATE_SETTING})


def set_everything(connection, *, value: str, local: bool) -> list[str]:
    names = settings_to_try(connection)
    for name in names:
        if local:
            connection.execute("SELECT set_config(%s, %s, true)", [name, value])
        else:
            connection.execute(sql.SQL("SET {} = {}").format(sql.Identifier(*name.split(".")), sql.Literal(value)))
    return names


def enter(connection, state_id: int | None) -> None:
    connection.execute("SELECT set_config(%s, %s, true)", [STATE_SETTING, "" if state_id is None else str(state_id)])


def count_of_state(connection, table: str, state_id: int) -> int:
    query = sql.SQL("SELECT count(*) FROM {} WHERE state_id = %s").format(sql.Identifier(table))
    return connection.execute(query, [state_id]).fetchone()[0]


def test_the_application_role_can_take_on_no_other_role(planted):
    with as_application() as connection:
        [(user, superuser, bypassrls)] = rows(
            connection, "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        assert (user, superuser, bypassrls) == (application_database()["USER"], False, False)
        assert rows(
            connection,
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = current_user",
        ) == [(0,)]
        for other in ("platform", "owner"):
            role = settings.DATABASES[other]["USER"]
            denied = pytest.raises(errors.InsufficientPrivilege, match="permission denied to set role")
            with denied, connection.transaction():
                connection.execute("SELECT set_config('role', %s, true)", [role])


@pytest.mark.parametrize("local", [True, False], ids=["set-local", "set-session"])
@pytest.mark.parametrize("value", ["on", "true", "1"])
@pytest.mark.parametrize("inside", ["no-state", "state-a"])
def test_no_setting_shows_another_states_rows(planted, local, value, inside):
    a, b = planted.a.state, planted.b.state
    with as_application() as connection:
        tables = state_owned_tables()
        enter(connection, a.pk if inside == "state-a" else None)
        tried = set_everything(connection, value=value, local=local)
        assert OLD_BYPASS in tried
        seen = {table: count_of_state(connection, table, b.pk) for table in tables}
        assert seen == {table: 0 for table in tables}
        # Nor by naming the other State's id as the value of every one of them.
        set_everything(connection, value=str(b.pk), local=local)
        assert {table: count_of_state(connection, table, b.pk) for table in tables} == {table: 0 for table in tables}
        # The rows are there: State A's own are seen.
        if inside == "state-a":
            assert count_of_state(connection, "recommendations_recommendation", a.pk) == 2


def test_no_setting_lets_a_write_reach_another_state(planted):
    a, b = planted.a.state, planted.b.state
    with as_application() as connection:
        enter(connection, a.pk)
        set_everything(connection, value="on", local=True)
        assert (
            rows(
                connection,
                "UPDATE recommendations_recommendation SET text = 'x' WHERE state_id = %s RETURNING id",
                [b.pk],
            )
            == []
        )
        assert rows(connection, "DELETE FROM recommendations_entity WHERE state_id = %s RETURNING id", [b.pk]) == []
        assert rows(connection, "DELETE FROM tenants_membership WHERE state_id = %s RETURNING id", [b.pk]) == []
        # Moving a row of one's own State into the other: refused by the policy's check.
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"), connection.transaction():
            connection.execute("UPDATE recommendations_entity SET state_id = %s WHERE state_id = %s", [b.pk, a.pk])
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"), connection.transaction():
            connection.execute(
                "INSERT INTO recommendations_recommendation (state_id, external_id, mechanism_id, symbol, paragraph,"
                " annotation_type, text, text_en, position, published, created_at, updated_at)"
                " SELECT %s, '', id, 'X', '1', 'recommendation', 'x', 'x', '', false, now(), now()"
                " FROM recommendations_mechanism LIMIT 1",
                [b.pk],
            )


@pytest.mark.parametrize("inside", ["no-state", "state-a"])
def test_a_states_own_row_changes_only_inside_its_own_context(planted, inside):
    """Every page reads the States' table; only a State's own context (or the platform) changes its row."""
    a, b = planted.a.state, planted.b.state
    with as_application() as connection:
        enter(connection, a.pk if inside == "state-a" else None)
        set_everything(connection, value="on", local=True)
        assert rows(connection, "SELECT count(*) FROM tenants_state WHERE id IN (%s, %s)", [a.pk, b.pk]) == [(2,)]
        for statement in (
            "UPDATE tenants_state SET status = 'archived', require_two_factor = false WHERE id = %s RETURNING id",
            "SELECT id FROM tenants_state WHERE id = %s FOR UPDATE",
            "DELETE FROM tenants_state WHERE id = %s RETURNING id",
        ):
            assert rows(connection, statement, [b.pk]) == [], statement
        # Moving one's own row onto another id is refused by the policy's check.
        if inside == "state-a":
            assert rows(connection, "UPDATE tenants_state SET portal_enabled = true WHERE id = %s RETURNING id", [a.pk])
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"), connection.transaction():
                connection.execute("UPDATE tenants_state SET id = %s WHERE id = %s", [b.pk + 1_000_000, a.pk])


def test_the_search_functions_refuse_another_states_rows(planted):
    """nrtd_search_refresh deleted another State's search documents, nrtd_search_bump raised its version."""
    a, b = planted.a.state, planted.b.state
    theirs, ours = planted.b.published.pk, planted.a.published.pk
    with as_application() as connection:
        version = rows(connection, "SELECT version FROM recommendations_searchversion WHERE state_id = %s", [b.pk])
        assert rows(connection, "SELECT count(*) FROM recommendations_searchdoc WHERE id = %s", [theirs]) == [(1,)]
        for state_id in (None, a.pk):
            enter(connection, state_id)
            set_everything(connection, value="on", local=True)
            for ids in ([theirs], [ours, theirs]):
                with pytest.raises(errors.InsufficientPrivilege, match=REFUSED), connection.transaction():
                    connection.execute("SELECT nrtd_search_refresh(%s::bigint[])", [ids])
            with pytest.raises(errors.InsufficientPrivilege, match=REFUSED), connection.transaction():
                connection.execute("SELECT nrtd_search_bump(%s::bigint[])", [[b.pk]])
        assert rows(connection, "SELECT count(*) FROM recommendations_searchdoc WHERE id = %s", [theirs]) == [(1,)]
        assert rows(connection, "SELECT version FROM recommendations_searchversion WHERE state_id = %s", [b.pk]) == (
            version
        )
        # Its own State's: allowed, as the triggers need.
        enter(connection, a.pk)
        connection.execute("SELECT nrtd_search_refresh(%s::bigint[])", [[ours]])
        connection.execute("SELECT nrtd_search_bump(%s::bigint[])", [[a.pk]])


def test_the_search_functions_read_our_tables_not_the_callers_temporary_ones(planted):
    """A temporary table of the caller's named like ours cannot stand in for it in an owner's function."""
    a, theirs = planted.a.state, planted.b.published.pk
    with as_application() as connection:
        enter(connection, a.pk)
        connection.execute(
            "CREATE TEMPORARY TABLE recommendations_recommendation AS"
            " SELECT * FROM public.recommendations_recommendation WHERE state_id = %s",
            [a.pk],
        )
        connection.execute("UPDATE pg_temp.recommendations_recommendation SET id = %s", [theirs])
        # Readable by the function's owner, so that only the search path can keep it out.
        connection.execute(
            sql.SQL("GRANT ALL ON pg_temp.recommendations_recommendation TO {}").format(
                sql.Identifier(settings.DATABASES["owner"]["USER"])
            )
        )
        with pytest.raises(errors.InsufficientPrivilege, match=REFUSED), connection.transaction():
            connection.execute("SELECT nrtd_search_refresh(%s::bigint[])", [[theirs]])


def test_purging_history_refuses_another_state(planted):
    """nrtd_purge_state_history removes only a deleted State's history: only the transaction's own."""
    a, b = planted.a.state, planted.b.state
    with as_application() as connection:
        enter(connection, a.pk)
        set_everything(connection, value="on", local=True)
        # Deleting State B's row first is refused too (0 rows), and the purge is refused before
        # it looks whether B still exists.
        assert rows(connection, "DELETE FROM tenants_state WHERE id = %s RETURNING id", [b.pk]) == []
        with pytest.raises(errors.InsufficientPrivilege, match=REFUSED), connection.transaction():
            connection.execute("SELECT nrtd_purge_state_history(%s)", [b.pk])
        with pytest.raises(errors.InsufficientPrivilege, match=REFUSED), connection.transaction():
            connection.execute("SELECT nrtd_purge_state_history(%s)", [b.pk + 1_000_000])


def test_every_owner_function_is_known_and_searches_its_own_schema_first():
    """A new SECURITY DEFINER function must be added to this file's tests (and check its State)."""
    with as_application() as connection:
        functions = dict(
            rows(
                connection,
                "SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = current_schema() AND p.prosecdef ORDER BY p.proname",
            )
        )
        assert set(functions) == {
            # Called with States or rows: checked above.
            "nrtd_purge_state_history",
            "nrtd_search_bump",
            "nrtd_search_refresh",
            # Triggers (not callable): the State's row's history, and whether a vocabulary entry is used.
            "nrtd_record_state_history",
            "nrtd_refuse_vocabulary_in_use",
            # No State, no row: refreshes the planner's statistics (pg_stats hides rows under RLS).
            "nrtd_analyze_recommendations",
        }
        for name, config in functions.items():
            assert "search_path=public, pg_catalog, pg_temp" in (config or []), name
        for trigger in ("nrtd_record_state_history", "nrtd_refuse_vocabulary_in_use"):
            with pytest.raises(errors.FeatureNotSupported), connection.transaction():
                connection.execute(sql.SQL("SELECT {}()").format(sql.Identifier(trigger)))

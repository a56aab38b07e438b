"""The database's wall: row-level security, checked from the catalogue and from the data."""

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django_scopes import ScopeError

from recommendations.models import Recommendation
from tenants.rls import POLICY_NAME, application_role, state_owned_tables
from tenants.scoping import cross_state_access, state_context

pytestmark = pytest.mark.django_db


def fetch(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def test_application_role_is_neither_superuser_nor_bypassrls_nor_owner():
    [(role, superuser, bypass)] = fetch(
        "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    assert (superuser, bypass) == (False, False)
    owned = fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s", [role])
    assert owned == []


def test_every_table_with_a_state_id_has_row_level_security_enabled_and_forced():
    tables = state_owned_tables()
    assert {"tenants_membership", "recommendations_recommendation", "recommendations_entity", "nrtd_history"} <= set(
        tables
    )
    rows = fetch(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
        ORDER BY c.relname
        """,
        [POLICY_NAME, tables],
    )
    assert rows == [(table, True, True, True) for table in sorted(tables)]


def test_without_a_state_every_state_owned_table_returns_nothing(planted):
    tables = state_owned_tables()
    with cross_state_access():
        present = {table: fetch(f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}
    # The planted data reaches every State-owned table: a new model must be planted too, or this
    # test cannot speak for it.
    assert {table for table, count in present.items() if count == 0} == set()
    visible = {table: fetch(f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}
    assert visible == {table: 0 for table in tables}


def test_inside_state_a_no_row_of_state_b_is_visible(planted):
    a, b = planted.a.state, planted.b.state
    with state_context(a):
        for table in state_owned_tables():
            counts = fetch(f'SELECT count(*) FILTER (WHERE state_id = %s), count(*) FROM "{table}"', [a.pk])[0]
            assert counts[0] == counts[1], table
            assert fetch(f'SELECT count(*) FROM "{table}" WHERE state_id = %s', [b.pk]) == [(0,)], table


def test_state_a_cannot_write_into_state_b(planted):
    a, b = planted.a.state, planted.b.state
    with state_context(a):
        assert (
            fetch("UPDATE recommendations_recommendation SET text = 'x' WHERE state_id = %s RETURNING id", [b.pk]) == []
        )
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            fetch(
                "INSERT INTO recommendations_recommendation (state_id, external_id, mechanism_id, symbol, paragraph,"
                " annotation_type, text, text_en, position, published, created_at, updated_at)"
                " SELECT %s, '', id, 'X', '1', 'recommendation', 'x', 'x', '', false, now(), now()"
                " FROM recommendations_mechanism LIMIT 1",
                [b.pk],
            )
    with cross_state_access():
        assert Recommendation.objects.get(pk=planted.b.published.pk).text == planted.b.published.text


def test_scoped_manager_refuses_to_query_without_a_state(planted):
    with pytest.raises(ScopeError):
        list(Recommendation.objects.all())
    with state_context(planted.a.state):
        assert set(Recommendation.objects.values_list("pk", flat=True)) == {
            planted.a.published.pk,
            planted.a.unpublished.pk,
        }


def test_nested_contexts_restore_the_outer_state(planted):
    with state_context(planted.a.state):
        with state_context(planted.b.state):
            assert fetch("SELECT current_setting('nrtd.state_id')") == [(str(planted.b.state.pk),)]
        assert fetch("SELECT current_setting('nrtd.state_id')") == [(str(planted.a.state.pk),)]
        with cross_state_access():
            # Tests share one connection: cross-State work takes on the platform role there.
            assert fetch("SELECT current_user, current_setting('nrtd.state_id')") == [
                (settings.DATABASES["platform"]["USER"], "")
            ]
        assert fetch("SELECT current_user, current_setting('nrtd.state_id')") == [
            (application_role(), str(planted.a.state.pk))
        ]


def test_only_the_derived_search_tables_go_without_row_level_security():
    """The portal's search documents (published data only, written by triggers) are the one exception."""
    from tenants.rls import DERIVED_TABLES

    with_state_id = fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attname = 'state_id'"
        " AND NOT a.attisdropped"
    )
    assert {row[0] for row in with_state_id} - set(state_owned_tables()) == DERIVED_TABLES
    writable = fetch(
        "SELECT table_name FROM information_schema.role_table_grants WHERE grantee = current_user"
        " AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE') AND table_name = ANY(%s)",
        [sorted(DERIVED_TABLES)],
    )
    assert writable == []

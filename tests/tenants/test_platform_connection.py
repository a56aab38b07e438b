"""Cross-State work as production runs it: on the platform role's own connection.

The rest of the suite shares one connection and switches it to the platform role
(docs/tenancy.md, "How the tests differ"); here ``settings.CROSS_STATE_DATABASE`` is the real
``platform`` alias, a second connection, so what the test reads must be committed: the planted
States are, and the archive round trip commits (``committed``).
"""

from __future__ import annotations

import io

import pytest
from django.db import connection, connections

from console.archive import state_export, state_import
from console.queries import state_figures
from console.services import state_archive, state_delete
from recommendations.models import Recommendation
from tenants.models import HistoryEntry, State
from tenants.rls import application_role
from tenants.scoping import cross_state_access, current_connection, state_context


def current_user(conn) -> str:
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


@pytest.fixture
def on_the_platform_connection(settings):
    settings.CROSS_STATE_DATABASE = "platform"


@pytest.mark.django_db(databases=["default", "platform"])
def test_cross_state_work_goes_to_the_platform_connection_and_the_application_sees_no_more(
    planted, on_the_platform_connection, settings
):
    a, b = planted.a.state, planted.b.state
    figures = state_figures()
    assert figures[a.pk]["recommendations"] == 2
    assert figures[b.pk]["recommendations"] == 2
    with cross_state_access():
        assert current_connection().alias == "platform"
        assert current_user(current_connection()) == settings.DATABASES["platform"]["USER"]
        assert Recommendation.objects.filter(state__in=[a, b]).count() == 4
        # The application's connection, meanwhile, is still the application's, in no State.
        assert current_user(connection) == application_role()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM recommendations_recommendation")
            assert cursor.fetchone()[0] == 0
    assert current_connection().alias == "default"


def test_a_state_goes_to_an_archive_is_deleted_and_comes_back_on_the_platform_connection(
    committed, on_the_platform_connection
):
    b = committed.b.state
    with state_context(b):
        recommendations = Recommendation.objects.count()
        history = HistoryEntry.objects.count()
    state_archive(state=b, actor=None, reason="test")
    archive = io.BytesIO()
    state_export(state=State.objects.get(pk=b.pk), fileobj=archive)
    entry = state_delete(state=State.objects.get(pk=b.pk), actor=None, confirm_slug=b.slug)
    assert entry.details["rows"]["recommendations_recommendation"] == recommendations
    assert entry.details["history_rows"] >= history
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM recommendations_recommendation WHERE state_id = %s", [b.pk])
        assert cursor.fetchone()[0] == 0
    archive.seek(0)
    back = state_import(fileobj=archive, slug="betaland-again")
    with state_context(back):
        assert Recommendation.objects.count() == recommendations
        # Its history came with it, and the import's own entries (the new State's row).
        assert HistoryEntry.objects.count() >= history

"""Every change to State data is kept, including bulk updates and raw SQL."""

import pghistory
import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from recommendations.models import Recommendation
from tenants.models import HistoryEntry
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def entries_for(recommendation):
    return list(
        HistoryEntry.objects.filter(table_name="recommendations_recommendation", row_id=str(recommendation.pk))
        .order_by("id")
        .values_list("operation", "before", "after")
    )


def test_orm_bulk_and_raw_changes_are_all_recorded_with_before_and_after(planted):
    recommendation = planted.a.published
    with state_context(planted.a.state):
        with pghistory.context(user_name="Tester"):
            Recommendation.objects.filter(pk=recommendation.pk).update(position="noted")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE recommendations_recommendation SET text_fr = 'Ratifier' WHERE id = %s", [recommendation.pk]
            )
        entries = entries_for(recommendation)
        assert [op for op, _, _ in entries] == ["I", "U", "U"]
        assert entries[1][1:] == ({"position": "supported"}, {"position": "noted"})
        assert entries[2][1:] == ({"text_fr": None}, {"text_fr": "Ratifier"})
        contexts = list(
            HistoryEntry.objects.filter(row_id=str(recommendation.pk), operation="U")
            .order_by("id")
            .values_list("context__metadata", flat=True)
        )
        assert contexts[0] == {"user_name": "Tester"}


def test_an_update_that_changes_nothing_leaves_no_entry(planted):
    with state_context(planted.a.state):
        before = len(entries_for(planted.a.published))
        Recommendation.objects.filter(pk=planted.a.published.pk).update(position="supported")
        assert len(entries_for(planted.a.published)) == before


def test_history_cannot_be_rewritten_by_the_application(planted):
    with state_context(planted.a.state):
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            HistoryEntry.objects.all().delete()
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            HistoryEntry.objects.update(after=None)

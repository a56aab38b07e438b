"""The recommendation list built for work: its filters, the natural order of paragraphs (read from
the order index), the bulk action bar, the confirmation above 50 recommendations, and undoing the
last bulk change from its message."""

import re

import pytest
from django.db import connection, transaction
from django.urls import reverse

from recommendations.curation import recommendations_assign, recommendations_bulk_undo
from recommendations.filters import RecommendationFilter
from recommendations.models import Entity, Mechanism, Recommendation
from tenants.models import HistoryEntry
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def make(state, paragraphs, symbol="A/HRC/50/9", **fields) -> list[Recommendation]:
    upr = Mechanism.objects.get(code="UPR")
    with state_context(state):
        return Recommendation.objects.bulk_create(
            Recommendation(state=state, mechanism=upr, symbol=symbol, paragraph=p, text=f"Ask {p}", **fields)
            for p in paragraphs
        )


def test_paragraphs_come_in_natural_order(client, planted):
    state = planted.a.state
    make(state, ["121.10", "121.2", "121.1", "9", "121.11", "12(b)", "12(a)", "A.10", "a.3"], symbol="Z/1")
    sign_in(client, planted.a.people["observer"])
    for sort in ("symbol", "-issued_on"):
        response = client.get(url("recommendation-list", state), {"q": "Z/1", "sort": sort})
        assert [r.paragraph for r in response.context["recommendations"]] == [
            "9",
            "12(a)",
            "12(b)",
            "121.1",
            "121.2",
            "121.10",
            "121.11",
            "a.3",
            "A.10",
        ]


def test_the_lists_order_is_read_from_the_order_index(planted):
    """Newest first, then symbol and paragraph in natural order: a page comes from the index, not a sort."""
    state = planted.a.state
    with state_context(state):
        queryset = RecommendationFilter(None, queryset=Recommendation.objects.all()).qs[:50]
        sql, params = queryset.query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            # The planted tables are tiny: tell the planner a sort or a sequential scan costs a lot.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "recommendation_order_idx" in plan, plan
    assert not re.search(r"\bSort\b", plan), plan


def test_first_row_of_filters_and_more_filters_closed_until_asked(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    response = client.get(url("recommendation-list", state))
    assert [field.name for field in response.context["main_filters"]] == [
        "q",
        "mechanism",
        "theme",
        "entity",
        "implementation_status",
    ]
    assert response.context["more_filters"][0].name == "sort"
    body = response.content.decode()
    assert '<details id="more-filters" data-url-param="more">' in body
    assert '<input type="hidden" name="more" value="1" disabled>' in body
    # A yes/no filter is Any / Yes / No, Any by default.
    assert re.findall(r'<input type="radio" name="unassigned" value="([a-z]*)"[^>]*?( checked)?>', body) == [
        ("", " checked"),
        ("true", ""),
        ("false", ""),
    ]
    # Open when the address says so, or when one of its filters is in use (and then counted).
    assert (
        '<details id="more-filters" data-url-param="more" open>'
        in client.get(url("recommendation-list", state), {"more": "1"}).content.decode()
    )
    opened = client.get(url("recommendation-list", state), {"unassigned": "true", "position": "noted"})
    assert opened.context["more_open"] and opened.context["more_active"] == 2
    assert [r.pk for r in opened.context["recommendations"]] == [planted.a.unpublished.pk]
    # The old "unknown" of yes/no filters is Any.
    assert len(client.get(url("recommendation-list", state), {"unassigned": "unknown"}).context["recommendations"]) == 2


def test_the_bulk_bar_follows_the_table_and_names_each_fields_actions(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    body = client.get(url("recommendation-list", planted.a.state)).content.decode()
    assert body.index('<table class="recommendations">') < body.index('id="bulk-form"')
    assert 'id="select-page"' in body
    assert '<div class="field" data-for-actions="assign_lead assign_supporting unassign">' in body
    assert '<div class="field" data-for-actions="cluster_add cluster_primary cluster_remove">' in body
    # A focal point has no bar and nothing to tick.
    sign_in(client, planted.a.people["focal_point"])
    body = client.get(url("recommendation-list", planted.a.state)).content.decode()
    assert 'id="bulk-form"' not in body and 'name="ids"' not in body


def test_more_than_50_asks_first_then_changes_and_the_message_undoes_it(client, planted):
    state = planted.a.state
    many = make(state, [f"3.{n}" for n in range(60)], upr_cycle=9)
    with state_context(state):
        ministry = Entity.objects.create(state=state, name="Ministry of Interior")
        # One of them had a lead already: undoing gives it back.
        Recommendation.objects.filter(pk=many[0].pk).update(lead_entity=planted.a.entity)
    sign_in(client, planted.a.people["secretariat"])
    fields = {"action": "assign_lead", "entity": ministry.pk, "scope": "all", "query": "upr_cycle=9"}

    asked = client.post(url("recommendation-bulk", state), fields)
    assert asked.status_code == 200
    assert asked.templates[0].name == "recommendations/bulk_confirm.html"
    body = asked.content.decode()
    assert "“Assign to an entity as lead” will change up to 60 recommendations." in body
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', body))
    hidden.pop("csrfmiddlewaretoken")
    assert hidden == {
        "action": "assign_lead",
        "entity": str(ministry.pk),
        "scope": "all",
        "query": "upr_cycle=9",
        "confirmed": "1",
    }
    with state_context(state):
        assert Recommendation.objects.filter(lead_entity=ministry).count() == 0

    done = client.post(url("recommendation-bulk", state), {**fields, "confirmed": "1"})
    assert done["Location"] == url("recommendation-list", state) + "?upr_cycle=9"
    with state_context(state):
        assert Recommendation.objects.filter(lead_entity=ministry).count() == 60
    listed = client.get(done["Location"])
    assert listed.context["last_bulk"]["count"] == 60
    body = listed.content.decode()
    assert "60 recommendations changed." in body
    assert f'action="{url("recommendation-bulk-undo", state)}"' in body
    # The message shows once.
    assert client.get(done["Location"]).context["last_bulk"] is None

    undone = client.post(url("recommendation-bulk-undo", state), follow=True)
    assert [str(m) for m in undone.context["messages"]] == ["Undone: 60 recommendations are back as they were."]
    with state_context(state):
        assert Recommendation.objects.filter(lead_entity=ministry).count() == 0
        assert Recommendation.objects.get(pk=many[0].pk).lead_entity == planted.a.entity
        assert Recommendation.objects.filter(pk__in=[r.pk for r in many[1:]], lead_entity=None).count() == 59
        # Both changes are in history: 60 assigned, 60 given back.
        entries = HistoryEntry.objects.filter(
            table_name="recommendations_recommendation", row_id=str(many[5].pk), operation="U"
        ).order_by("changed_at")
        assert [(e.before["lead_entity_id"], e.after["lead_entity_id"]) for e in entries] == [
            (None, ministry.pk),
            (ministry.pk, None),
        ]
    # Nothing left to undo.
    again = client.post(url("recommendation-bulk-undo", state), follow=True)
    assert [str(m) for m in again.context["messages"]] == ["There is no bulk change of yours to undo here."]


def test_fifty_or_fewer_change_at_once(client, planted):
    state = planted.a.state
    make(state, [f"4.{n}" for n in range(50)], upr_cycle=8)
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(
        url("recommendation-bulk", state), {"action": "publish", "scope": "all", "query": "upr_cycle=8"}
    )
    assert response.status_code == 302
    with state_context(state):
        assert Recommendation.objects.filter(upr_cycle=8, published=True).count() == 50


def test_undo_leaves_what_was_changed_again_since(planted):
    state = planted.a.state
    first, second = make(state, ["5.1", "5.2"])
    with state_context(state):
        import pghistory

        ministry = Entity.objects.create(state=state, name="Ministry of Interior")
        with pghistory.context(bulk_action="assign_lead") as history:
            changed = recommendations_assign(
                selection=Recommendation.objects.filter(pk__in=[first.pk, second.pk]), entity=ministry, lead=True
            )
        assert changed == 2
        # Someone assigns the second one again, by hand, afterwards (another request: another context).
        with pghistory.context(page="curation"):
            second.refresh_from_db()
            second.lead_entity = planted.a.entity
            second.save()
        # Another State's undo finds nothing of this one's.
        assert recommendations_bulk_undo(state=planted.b.state, context_id=history.id) == (0, 0)
        assert recommendations_bulk_undo(state=state, context_id=history.id) == (1, 1)
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.lead_entity_id, second.lead_entity_id) == (None, planted.a.entity.pk)


def test_an_action_of_another_app_is_done_without_an_undo(client, planted):
    """Linking to a plan's action (follow-up's bulk action) changes follow-up's records: no undo."""
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    action = planted.a.action
    done = client.post(
        url("recommendation-bulk", state),
        {"action": "link_action", "plan_action": action.pk, "scope": "selected", "ids": [planted.a.unpublished.pk]},
    )
    listed = client.get(done["Location"])
    assert listed.context["last_bulk"]["undoable"] is False
    assert (
        "recommendation-bulk-undo" not in listed.content.decode() and "Undo this change" not in listed.content.decode()
    )

"""The public search: languages, phrases, plurals, facets and their counts, published data only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from followup.models import ProgressUpdate
from portal import search
from portal.models import SearchDocument
from portal.search import Facet, SearchQuery
from recommendations.models import Recommendation, Theme
from tenants.models import State
from tenants.scoping import cross_state_access, state_context
from tests.portal.conftest import SECRET

pytestmark = pytest.mark.django_db


def found(data, text: str = "", language: str = "en", **params) -> set[str]:
    query = QueryDict(mutable=True)
    if text:
        query["q"] = text
    for key, values in params.items():
        for value in values if isinstance(values, list) else [values]:
            query.appendlist(key, str(value))
    with state_context(data.state):
        result = search.search(data.state.pk, SearchQuery.from_querydict(query, language))
    names = {rec.pk: key for key, rec in data.recs.items()}
    return {names[pk] for pk in result.ids}


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "violence", {"women"}),
        ("en", "woman", {"women"}),  # the plural is found from the singular
        ("en", "child", {"children"}),
        ("en", "investigating", {"torture"}),  # stemming
        ("fr", "femme", {"women"}),
        ("fr", "egalite", {"accents"}),  # accents ignored, in the query
        ("fr", "ÉGALITÉ", {"accents"}),  # and in the text
        ("fr", "éducation", {"accents", "children"}),  # the English "education" has the same stem
        ("es", "mujer", {"women"}),  # Spanish keeps "mujer"/"mujeres" apart: both are searched
        ("es", "violencias domésticas", {"women"}),
        ("ru", "женщина", {"women"}),
        ("ru", "насилие", {"women"}),
        ("ar", "المرأة", {"women"}),
        ("ar", "الطفل", {"children"}),  # "the child" finds "the children" (an irregular plural)
        ("ar", "والتعليم", {"children"}),  # "and the education": the joined article is taken off
        ("ar", "ضمانُ", {"children"}),  # diacritics ignored
        ("zh-hans", "家庭暴力", {"women"}),
        ("zh-hans", "儿童", {"children"}),
        ("zh-hans", "暴力犯罪", set()),  # pieces that are not next to each other: not a phrase match
        ("zh-hans", "妇", {"women"}),  # one character
    ],
)
def test_each_language(portal_data, language, text, expected):
    assert found(portal_data, text, language) == expected


def test_phrases_and_operators(portal_data):
    assert found(portal_data, '"domestic violence"') == {"women"}
    assert found(portal_data, "«violence domestique»", "fr") == {"women"}  # typographic quotes too
    assert found(portal_data, "“violence girls”") == set()
    assert found(portal_data, '"violence girls"') == set()
    assert found(portal_data, "law -girls") == set()
    assert found(portal_data, "torture OR education") == {"torture", "children", "accents"}
    assert found(portal_data, "police prosecute") == {"torture"}
    assert found(portal_data, "police education") == set()


def test_a_search_finds_the_text_in_another_language_of_the_same_recommendation(portal_data):
    # The French-only recommendation is found from the English interface by its French words.
    assert found(portal_data, "filles rurales", "en") == {"accents"}


def test_common_words_alone_do_not_empty_the_results(portal_data):
    with state_context(portal_data.state):
        result = search.search(portal_data.state.pk, SearchQuery.from_querydict(QueryDict("q=the+of"), "en"))
    assert result.ignored_text
    assert result.total == 4


def test_unpublished_recommendations_are_never_found(portal_data):
    assert "hidden" not in found(portal_data, "death penalty")
    assert found(portal_data, SECRET) == set()
    assert found(portal_data, position="pending") == set()
    assert found(portal_data, cycle=3) == set()
    with state_context(portal_data.state):
        result = search.search(portal_data.state.pk, SearchQuery())
    assert result.total == 4
    assert portal_data.recs["hidden"].pk not in result.ids
    counts = result.counts
    assert counts[Facet.POSITION].get(4) is None  # "pending": only the unpublished one
    assert counts[Facet.CYCLE] == {4: 2, 0: 2}


def test_another_states_recommendations_are_never_found(portal_data):
    assert found(portal_data, "defenders") == set()
    assert found(portal_data, "OTHERLAND-ONLY") == set()
    with state_context(portal_data.other):
        result = search.search(portal_data.other.pk, SearchQuery.from_querydict(QueryDict("q=women"), "en"))
    assert result.ids == [portal_data.recs["other"].pk]
    assert result.total == 1


def test_each_facet_filters_and_counts(portal_data):
    d = portal_data
    women = d.recs["women"]
    assert found(d, kind="treaty_body") == {"children", "accents"}
    assert found(d, kind="upr") == {"women", "torture"}
    assert found(d, body=women.mechanism_id) == {"women", "torture"}
    assert found(d, theme=women.theme_ids[0]) == {"women"}
    # A broad theme finds the recommendations of the themes under it.
    theme = Theme.objects.get(pk=women.theme_ids[0])
    assert theme.parent_id
    assert found(d, theme=theme.parent_id) == {"women"}
    goal_of_target = women.sdg_targets.first().goal_id
    assert found(d, goal=goal_of_target) == {"women"}  # a target's goal
    assert "women" in found(d, goal=women.sdg_goal_ids[0])  # a goal named on its own
    assert found(d, target=women.sdg_target_ids[0]) == {"women"}
    assert found(d, group=women.affected_group_ids[0]) == {"women"}
    assert found(d, position="supported") == {"women", "torture"}
    assert found(d, position=["noted", "partially_supported"]) == {"children", "accents"}
    assert found(d, status="implemented") == {"women"}  # the published update, not the later validated one
    assert found(d, status="none") == {"children", "torture", "accents"}
    assert found(d, entity=d.entities["education"].pk) == {"women", "children"}  # lead or supporting
    assert found(d, entity=d.entities["justice"].pk) == {"women"}
    assert found(d, cycle=4) == {"women", "torture"}
    assert found(d, year=2019) == {"children"}
    assert found(d, year=[2019, 2024]) == {"children", "torture"}
    # Three facets together, with a text.
    assert found(d, "law", kind="upr", position="supported", entity=d.entities["justice"].pk) == {"women"}


def test_counts_of_a_chosen_facet_leave_its_own_choice_out(portal_data):
    query = QueryDict("position=supported&kind=upr")
    with state_context(portal_data.state):
        result = search.search(portal_data.state.pk, SearchQuery.from_querydict(query, "en"))
    assert result.total == 2
    # Position counts with the kind chosen but not the position: what ticking another would add.
    assert result.counts[Facet.POSITION] == {1: 2}
    # Kind counts with the position chosen: the treaty bodies have no supported recommendation here.
    assert result.counts[Facet.KIND] == {1: 2}
    query = QueryDict("position=supported&position=noted")
    with state_context(portal_data.state):
        result = search.search(portal_data.state.pk, SearchQuery.from_querydict(query, "en"))
    assert result.total == 3
    assert result.counts[Facet.POSITION] == {1: 2, 2: 1, 3: 1}
    assert result.counts[Facet.KIND] == {1: 2, 2: 1}


def test_sorting(portal_data):
    with state_context(portal_data.state):
        newest = search.search(portal_data.state.pk, SearchQuery.from_querydict(QueryDict("sort=newest"), "en"))
        oldest = search.search(portal_data.state.pk, SearchQuery.from_querydict(QueryDict("sort=oldest"), "en"))
        relevant = search.search(
            portal_data.state.pk,
            SearchQuery.from_querydict(QueryDict("q=girls+OR+torture+OR+police+OR+prosecute"), "en"),
        )
    recs = portal_data.recs
    assert newest.ids == [recs[k].pk for k in ("torture", "women", "accents", "children")]
    assert oldest.ids == list(reversed(newest.ids))
    assert relevant.query.sort == "relevance"
    # Three of the words in one, one in the other.
    assert relevant.ids == [recs["torture"].pk, recs["women"].pk]


def test_two_queries_whatever_the_facets(portal_data):
    d = portal_data
    with state_context(d.state), CaptureQueriesContext(connection) as one:
        search.search(d.state.pk, SearchQuery.from_querydict(QueryDict("kind=upr"), "en"))
    with state_context(d.state), CaptureQueriesContext(connection) as many:
        search.search(
            d.state.pk,
            SearchQuery.from_querydict(
                QueryDict(f"kind=upr&position=supported&entity={d.entities['justice'].pk}&year=2022&cycle=4"), "en"
            ),
        )
    assert len(one) == len(many) == 2


def test_documents_follow_every_change(portal_data):
    d = portal_data
    with state_context(d.state):
        hidden = d.recs["hidden"]
        Recommendation.objects.filter(pk=hidden.pk).update(published=True)
        assert "hidden" in found(d, "penalty")
        # The published update on it now counts; an update unpublished takes its status away.
        assert "hidden" in found(d, status="in_progress")
        ProgressUpdate.objects.filter(recommendation=hidden).update(status=ProgressUpdate.Status.VALIDATED)
        assert "hidden" in found(d, status="none")
        Recommendation.objects.filter(pk=hidden.pk).update(text_en="Abolish capital punishment")
        assert found(d, "penalty") == set()
        assert "hidden" in found(d, "capital")
        Recommendation.objects.filter(pk=hidden.pk).update(published=False)
        assert found(d, "capital") == set()
        d.recs["torture"].delete()
        assert found(d, "torture") == set()
    with cross_state_access():
        assert not SearchDocument.objects.filter(pk__in=[d.recs["hidden"].pk, d.recs["torture"].pk]).exists()
        # The other documents of both States stay (the session's planted States have their own).
        kept = SearchDocument.objects.exclude(state_id__in=State.objects.filter(slug__in=["alpha", "beta"]))
        assert set(kept.values_list("state_id", flat=True)) == {d.state.pk, d.other.pk}


def test_the_search_version_rises_with_each_change(portal_data):
    from portal.models import SearchVersion

    def search_version(state_id: int) -> int:
        with cross_state_access():
            return SearchVersion.objects.filter(state_id=state_id).values_list("version", flat=True).first() or 0

    d = portal_data
    before = search_version(d.state.pk)
    other_before = search_version(d.other.pk)
    with state_context(d.state):
        Recommendation.objects.filter(pk=d.recs["torture"].pk).update(text_en="Investigate torture")
    assert search_version(d.state.pk) == before + 1
    assert search_version(d.other.pk) == other_before
    with state_context(d.state):
        # A change to an unpublished recommendation, or to a field the portal does not show: no change.
        Recommendation.objects.filter(pk=d.recs["hidden"].pk).update(text_en="Something else")
        Recommendation.objects.filter(pk=d.recs["torture"].pk).update(priority_score=3)
    assert search_version(d.state.pk) == before + 1


def test_the_application_cannot_write_search_documents(portal_data):
    from django.db import ProgrammingError, transaction

    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO recommendations_searchdoc (id, state_id, languages, keys, document, status)"
            " VALUES (%s, %s, '{}', '{}', 'x', '')",
            [d_pk := portal_data.recs["hidden"].pk, portal_data.state.pk],
        )
    assert d_pk


def test_query_parsing():
    groups = search.parse_terms('"a b" -c d OR e -"f g"')
    assert [[(t.text, t.phrase, t.negated) for t in g] for g in groups] == [
        [("a b", True, False)],
        [("c", False, True)],
        [("d", False, False), ("e", False, False)],
        [("f g", True, True)],
    ]
    raw = "q=x&kind=bogus&kind=upr&entity=12&entity=abc&page=-3&sort=nope"
    query = SearchQuery.from_querydict(QueryDict(raw), "en")
    assert query.filters == {Facet.KIND: [1], Facet.ENTITY: [12]}
    assert query.page == 1
    assert query.sort == "relevance"
    assert query.querystring() == "q=x&kind=upr&entity=12"
    assert query.querystring(page=3) == "q=x&kind=upr&entity=12&page=3"
    none = SearchQuery.from_querydict(QueryDict("position=none&sort=oldest"), "en")
    assert none.querystring() == "position=none&sort=oldest"

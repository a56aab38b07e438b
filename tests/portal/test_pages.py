"""The portal's pages, exports and public API: what they show, what they never show, limits, cache."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from recommendations.models import Mechanism, Position, Recommendation, RelatedGroup, SdgTarget
from tenants.scoping import cross_state_access, state_context
from tests.portal.conftest import SECRET, _rec

pytestmark = pytest.mark.django_db


def url(data, name="portal:home", **kwargs) -> str:
    return reverse(name, kwargs={"state_slug": data.state.slug, **kwargs})


def api_url(data, pk=None) -> str:
    if pk is None:
        return reverse("api:public-api:recommendation-list", kwargs={"state_slug": data.state.slug})
    return reverse("api:public-api:recommendation-detail", kwargs={"state_slug": data.state.slug, "pk": pk})


def text_of(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        workbook = load_workbook(io.BytesIO(response.content))
        return "\n".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row)
    return response.content.decode()


def test_search_page_with_facets_counts_marks_and_permalink(client, portal_data):
    response = client.get(url(portal_data), {"q": "violence", "lang": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 recommendation found" in page
    assert "<mark>violence</mark>" in page
    assert 'name="position" value="supported"' in page
    assert 'Ministry of Justice <span class="facet-count">(1)</span>' in page
    assert "q=violence&amp;lang=en" in page  # the permanent link
    assert "Download as CSV" in page
    # Without JavaScript: a plain GET form with a submit button.
    assert 'method="get"' in page and "Apply the filters" in page


def test_htmx_gets_the_results_region_only(client, portal_data):
    response = client.get(url(portal_data), {"q": "violence"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="portal-search">')
    assert "<html" not in page


def test_language_switch_and_original_text_notice(client, portal_data):
    page = client.get(url(portal_data), {"lang": "fr"}).content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "Les mots entre guillemets" in page  # the search help, translated
    assert "Adopter une loi" in page
    # The English-only one shows its original, saying so.
    assert "Investigate all allegations of torture" in page
    assert "Original text, in English" in page or "Texte original" in page
    # The choice is kept for the next pages.
    assert client.cookies["django_language"].value == "fr"
    page = client.get(
        url(portal_data, "portal:recommendation-detail", pk=portal_data.recs["women"].pk)
    ).content.decode()
    assert "Adopter une loi" in page
    page = client.get(url(portal_data), {"lang": "ar", "q": "المرأة"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "<mark>المرأة</mark>" in page
    page = client.get(url(portal_data), {"lang": "zh-hans", "q": "家庭暴力"}).content.decode()
    assert "<mark>家庭暴力</mark>" in page


def test_recommendation_page_shows_published_progress_and_entities(client, portal_data):
    women = portal_data.recs["women"]
    page = client.get(url(portal_data, "portal:recommendation-detail", pk=women.pk), {"lang": "en"}).content.decode()
    assert "The law was adopted by parliament" in page
    assert "Implemented" in page
    assert "Ministry of Justice (lead)" in page and "Ministry of Education" in page
    assert SECRET not in page
    assert portal_data.author_name not in page


@pytest.mark.parametrize("key", ["hidden", "other"])
def test_unpublished_and_other_states_recommendations_are_404(client, portal_data, key):
    pk = portal_data.recs[key].pk
    assert client.get(url(portal_data, "portal:recommendation-detail", pk=pk)).status_code == 404
    assert client.get(api_url(portal_data, pk)).status_code == 404


def test_a_state_without_portal_is_404(client, portal_data):
    with cross_state_access():
        type(portal_data.state).objects.filter(pk=portal_data.state.pk).update(portal_enabled=False)
    for address in (url(portal_data), url(portal_data, "portal:dashboard"), api_url(portal_data)):
        assert client.get(address).status_code == 404, address


def test_published_only_everywhere(client, portal_data):
    """Unpublished recommendations, updates that are not published, comments and names, submissions
    not accepted (pending, considered, rejected), contacts and the secretariat's notes: nowhere."""
    d = portal_data
    hidden = d.recs["hidden"]
    addresses = [
        (url(d), {}),
        (url(d), {"q": "death penalty"}),
        (url(d), {"q": "women"}),
        (url(d), {"position": "pending"}),
        (url(d), {"cycle": "3"}),
        (url(d), {"status": "not_applicable"}),
        (url(d), {"status": "in_progress"}),
        (url(d), {"entity": str(d.entities["justice"].pk)}),
        (url(d, "portal:dashboard"), {}),
        (url(d, "portal:recommendation-detail", pk=d.recs["women"].pk), {}),
        (url(d, "portal:export", format="csv"), {}),
        (url(d, "portal:export", format="xlsx"), {}),
        (url(d, "portal:export", format="csv"), {"q": "penalty"}),
        (api_url(d), {}),
        (api_url(d), {"q": "penalty"}),
        (api_url(d, d.recs["women"].pk), {}),
        # Consultations: what was sent is public only once accepted; the unpublished
        # recommendation of the consultation is never shown, nor offered in its form.
        (url(d, "portal:consultation-list"), {}),
        (url(d, "portal:consultation-detail", pk=d.consultation.pk), {}),
        (url(d, "portal:consultation-submit", pk=d.consultation.pk), {}),
        (url(d, "portal:consultation-submit", pk=d.consultation.pk), {"recommendation": hidden.pk}),
    ]
    for address, params in addresses:
        response = client.get(address, params)
        assert response.status_code == 200, address
        content = text_of(response)
        for forbidden in (
            SECRET,
            "Abolish the death penalty",
            d.author_name,
            "OTHERLAND-ONLY",
            "Reviewer comment",
            "shelter@example.org",
            f'value="{hidden.pk}"',
        ):
            assert forbidden not in content, (address, params, forbidden)
    # The accepted information is public, on its recommendation's page and in the API.
    page = client.get(url(d, "portal:recommendation-detail", pk=d.recs["women"].pk)).content.decode()
    assert "Shelters report fewer places since 2024" in page and "Shelter Network for Women" in page
    detail = client.get(api_url(d, d.recs["women"].pk)).json()
    assert [c["text"] for c in detail["contributions"]] == ["Shelters report fewer places since 2024"]
    # A search for the hidden words finds nothing (the page repeats the words asked, nothing else).
    page = client.get(url(d), {"q": SECRET}).content.decode()
    assert "0 recommendations found" in page
    assert "death penalty" not in page
    # Facets never offer a value only unpublished data has.
    page = client.get(url(d)).content.decode()
    assert 'value="pending"' not in page
    assert 'name="cycle" value="3"' not in page
    assert 'name="status" value="not_applicable"' not in page
    api = client.get(api_url(d), {"q": "penalty"}).json()
    assert api["count"] == 0
    assert hidden.pk not in [r["id"] for r in client.get(api_url(d)).json()["results"]]


def test_export_of_the_current_results_is_safe_against_formulas(client, portal_data):
    with state_context(portal_data.state):
        _rec(
            portal_data.state,
            "formula",
            text_en='=HYPERLINK("http://example.org","click") women',
            position=Position.SUPPORTED,
            symbol="@SUM(1)",
        )
    response = client.get(url(portal_data, "portal:export", format="csv"), {"q": "women", "lang": "en"})
    assert response["Content-Disposition"].startswith('attachment; filename="portalia-recommendations-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Document symbol"
    assert len(rows) == 3  # the header, "women" and the formula one
    formula = next(row for row in rows if "HYPERLINK" in row[4])
    assert formula[0] == "'@SUM(1)"
    assert formula[4].startswith("'=HYPERLINK")
    response = client.get(url(portal_data, "portal:export", format="xlsx"), {"q": "women"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)
    assert sheet.max_row == 3


def test_dashboard_counts_and_click_through(client, portal_data):
    page = client.get(url(portal_data, "portal:dashboard"), {"lang": "en"}).content.decode()
    assert "Portalia has published 4 recommendations." in page
    assert "<caption>Recommendations by implementation status</caption>" in page
    # Each figure links to the search behind it, whose count is the same.
    assert f'href="{url(portal_data)}?status=implemented">1</a>' in page
    assert f'href="{url(portal_data)}?kind=treaty_body">2</a>' in page
    listed = client.get(url(portal_data), {"kind": "treaty_body", "lang": "en"}).content.decode()
    assert "2 recommendations found" in listed


def test_query_count_does_not_grow_with_results_or_facets(client, portal_data, settings):
    settings.NRTD_PORTAL_CACHE_SECONDS = 0  # every page computed
    with state_context(portal_data.state):
        for number in range(30):
            _rec(portal_data.state, f"bulk-{number}", text_en=f"Protect women number {number}", upr_cycle=number % 4)

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(portal_data), params).status_code == 200
        return len(context)

    # Both show a recommendation with every vocabulary, one of them 30 more (the labels of the
    # global vocabularies are kept in the process once read).
    queries({"q": "violence"})
    few = queries({"q": "violence"})
    many = queries({"q": "women", "position": "supported", "kind": "upr", "cycle": ["0", "1", "2", "4"]})
    assert few == many
    # Served from the cache: the State, the search version, the cache.
    settings.NRTD_PORTAL_CACHE_SECONDS = 300
    queries({"q": "women"})
    assert queries({"q": "women"}) < few


def test_public_api_search_pagination_and_schema(client, portal_data):
    response = client.get(api_url(portal_data), {"q": "violence OR torture", "page_size": 1, "lang": "fr"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert body["next"].endswith("page=2") or "page=2" in body["next"]
    assert body["previous"] is None
    assert {"position", "kind", "entity"} <= set(body["facets"])
    women = client.get(api_url(portal_data), {"q": "violence", "lang": "fr"}).json()["results"][0]
    assert women["text"].startswith("Adopter une loi") and women["translated"] is True
    assert women["implementation_status"] == "implemented"
    assert women["lead_entity"] == "Ministry of Justice"
    detail = client.get(api_url(portal_data, portal_data.recs["torture"].pk), {"lang": "fr"}).json()
    assert detail["translated"] is False and detail["text_language"] == "en"
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/public/{state_slug}/recommendations/" in schema
    assert "public_recommendations_list" in schema


def test_rate_limits_answer_429(client, portal_data, settings):
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "search": (3, 60), "export": (1, 60), "api": (2, 60)}
    for _attempt in range(3):
        assert client.get(url(portal_data), {"q": "x"}).status_code == 200
    refused = client.get(url(portal_data), {"q": "y", "lang": "fr"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests" in refused.content.decode() or "Trop de" in refused.content.decode()
    assert client.get(url(portal_data, "portal:export", format="csv")).status_code == 200
    assert client.get(url(portal_data, "portal:export", format="csv")).status_code == 429
    assert client.get(api_url(portal_data)).status_code == 200
    assert client.get(api_url(portal_data)).status_code == 200
    refused = client.get(api_url(portal_data))
    assert refused.status_code == 429
    assert "detail" in refused.json() and int(refused["Retry-After"]) > 0
    # Another client is not held back.
    assert client.get(api_url(portal_data), REMOTE_ADDR="10.9.8.7").status_code == 200


def test_anonymous_pages_are_cached_until_published_data_changes(client, portal_data):
    first = client.get(url(portal_data), {"q": "torture"})
    assert first["X-Portal-Cache"] == "miss"
    second = client.get(url(portal_data), {"q": "torture"})
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == first.content
    with state_context(portal_data.state):
        Recommendation.objects.filter(pk=portal_data.recs["torture"].pk).update(published=False)
    third = client.get(url(portal_data), {"q": "torture"})
    assert third["X-Portal-Cache"] == "miss"
    assert "0 recommendations found" in third.content.decode()


def test_people_with_a_session_are_never_served_from_the_cache(client, portal_data):
    from tests.factories import UserFactory

    assert client.get(url(portal_data), {"q": "torture"})["X-Portal-Cache"] == "miss"
    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(url(portal_data), {"q": "torture"})
    assert response.status_code == 200
    assert "X-Portal-Cache" not in response
    assert "Sign out" in response.content.decode()


def test_the_excel_export_says_what_it_holds_and_is_ready_to_filter(client, portal_data):
    upr = Mechanism.objects.get(code="UPR")
    response = client.get(
        url(portal_data, "portal:export", format="xlsx"),
        {"q": "women", "body": upr.pk, "position": "supported", "lang": "en"},
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="portalia-recommendations-q-women-body-upr-position-supported-'
        f'{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[header.index("SDG targets") - 1] == "SDG goals"
    women = [cell.value for cell in sheet[2]]
    goal = SdgTarget.objects.order_by("pk").first().goal
    assert women[header.index("SDG goals")] == f"{goal.number}. {goal.name}; 5. Gender equality"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}2"
    assert sheet["A1"].font.b is True


def test_a_recommendation_shows_its_confirmed_related_recommendations_published_only(client, portal_data):
    recs = portal_data.recs
    with state_context(portal_data.state):
        group = RelatedGroup.objects.create(state=portal_data.state)
        Recommendation.objects.filter(pk__in=[recs["women"].pk, recs["accents"].pk, recs["hidden"].pk]).update(
            related_group=group
        )
    response = client.get(url(portal_data, "portal:recommendation-detail", pk=recs["women"].pk), {"lang": "en"})
    related = response.context["related"]
    # The unpublished member is never named; the French-only one in its own language.
    assert [(item.pk, text, language) for item, text, language in related] == [
        (recs["accents"].pk, "Garantir l'égalité d'accès à l'éducation pour les filles rurales", "fr")
    ]
    page = response.content.decode()
    link = url(portal_data, "portal:recommendation-detail", pk=recs["accents"].pk)
    assert f'<a href="{link}">CEDAW · A/HRC/52/accents ¶ 1</a>' in page
    assert SECRET not in page
    # Not in a group: no such section; the member's page names the other one back.
    children = client.get(url(portal_data, "portal:recommendation-detail", pk=recs["children"].pk))
    assert children.context["related"] == [] and "related-heading" not in children.content.decode()
    accents = client.get(url(portal_data, "portal:recommendation-detail", pk=recs["accents"].pk))
    assert [item.pk for item, _text, _language in accents.context["related"]] == [recs["women"].pk]

"""A visitor searches the portal, narrows with two facets, opens a recommendation and switches language."""

import re

import pytest
from django.db import connections
from playwright.sync_api import expect

from recommendations.models import Mechanism, Position, Recommendation
from tenants.scoping import state_context

pytestmark = pytest.mark.browser


def _published(state, mechanism, position, en, fr="", entity=None):
    rec = Recommendation(
        state=state,
        mechanism=Mechanism.objects.get(code=mechanism),
        symbol=f"A/HRC/77/{mechanism}",
        paragraph=str(Recommendation.objects.count() + 1),
        position=position,
        published=True,
        lead_entity=entity,
    )
    rec.text = en
    rec.save()
    Recommendation.objects.filter(pk=rec.pk).update(text_en=en, text_fr=fr)
    return rec


def test_search_narrow_open_and_switch_language(page, live_server_url, committed, django_db_blocker):
    state = committed.a.state
    with django_db_blocker.unblock():
        with state_context(state):
            _published(
                state,
                "UPR",
                Position.SUPPORTED,
                "Adopt a law on domestic violence against women",
                "Adopter une loi sur la violence domestique à l'égard des femmes",
                entity=committed.a.entity,
            )
            _published(state, "CRC", Position.NOTED, "Combat violence against children in schools")
            _published(state, "UPR", Position.NOTED, "Prevent violence against women in detention")
        connections.close_all()

    page.goto(f"{live_server_url}/{state.slug}/?lang=en")
    page.get_by_label("Search the recommendations").fill("violence")
    page.get_by_role("button", name="Search", exact=True).click()
    # The count, in the results htmx replaces, and announced by the page's stable live region.
    expect(page.locator(".result-count")).to_have_text("3 recommendations found")
    status = page.locator("#live-polite")
    expect(status).to_have_text("3 recommendations found")
    expect(page.locator("mark").first).to_have_text("violence")

    # Two facets: htmx replaces the results as each box is ticked, and the address follows.
    page.get_by_label(re.compile(r"^Universal Periodic Review \(2\)")).check()
    expect(page.locator("#live-polite")).to_have_text("2 recommendations found")
    page.get_by_label(re.compile(r"^Supported \(1\)")).check()
    expect(page.locator("#live-polite")).to_have_text("1 recommendation found")
    expect(page).to_have_url(re.compile(r"kind=upr.*position=supported"))

    page.get_by_role("link", name="A/HRC/77/UPR").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A/HRC/77/UPR")
    expect(page.locator("blockquote")).to_have_text("Adopt a law on domestic violence against women")
    expect(page.get_by_text(re.compile("Ministry of Justice of Alphaland.*\\(lead\\)"))).to_be_visible()

    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("blockquote")).to_have_text("Adopter une loi sur la violence domestique à l'égard des femmes")
    # Back to the search: still in French, the English-only ones say they are not translated.
    page.get_by_role("navigation", name=re.compile("Portail|Portal")).get_by_role("link").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

"""The secretariat filters the list, selects everything it matches, assigns it to a ministry, and sees it."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_filter_select_all_assign_and_see_it_on_the_page_and_in_history(page, live_server_url, committed):
    page.goto(f"{live_server_url}/accounts/login/?next=/alpha/workspace/recommendations/")
    page.get_by_label("E-mail address").fill("secretariat@alpha.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations")

    # Filter: the noted recommendations (one of the two), nobody responsible for them yet; these
    # filters are under "More filters", which the address then keeps open.
    filters = page.get_by_role("search", name="Filter the recommendations")
    filters.get_by_text("More filters").click()
    expect(page).to_have_url(re.compile(r"more=1"))
    filters.get_by_role("group", name="Position").get_by_label("Noted").check()
    filters.get_by_role("group", name="Without a responsible entity").get_by_label("Yes").check()
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_role("heading", name="1 recommendation", exact=True)).to_be_visible()
    expect(page.locator("#more-filters")).to_have_attribute("open", "")

    # The bar appears once something is ticked: every recommendation the filters match, to the
    # Ministry of Education as lead.
    bulk = page.locator("#bulk-form")
    expect(bulk).to_be_hidden()
    page.get_by_label("Select all the recommendations on this page").check()
    expect(bulk).to_be_visible()
    expect(bulk).to_contain_text("Recommendations selected: 1")
    bulk.get_by_label(re.compile(r"^Action:?$")).select_option(label="Assign to an entity as lead")
    bulk.get_by_label("Entity").select_option(label="Ministry of Education of Alphaland")
    bulk.get_by_label(re.compile("Every recommendation matching the filters")).check()
    bulk.get_by_role("button", name="Run the action").click()
    expect(page.get_by_text("1 recommendation changed.")).to_be_visible()
    # Still filtered on "without a responsible entity": nothing left.
    expect(page.get_by_role("heading", name="0 recommendations", exact=True)).to_be_visible()

    page.get_by_role("link", name="Clear all filters").click()
    page.get_by_role("link", name=re.compile("Strengthen the national human rights institution")).click()
    curation = page.get_by_role("region", name="Curation")
    expect(curation.get_by_role("link", name="Ministry of Education of Alphaland")).to_be_visible()
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("listitem").first).to_contain_text("secretariat of Alphaland")
    expect(history.get_by_role("listitem").first).to_contain_text("Lead entity")

"""A person signs in with a real browser, reaches their workspace, and switches language."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_reach_the_workspace_and_switch_to_arabic(page, live_server_url, committed):
    page.goto(f"{live_server_url}/alpha/workspace/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/alpha/workspace/$"))

    # Keyboard only: the e-mail field has the focus, Tab moves to the password, Enter sends.
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.keyboard.type("focal_point@alpha.example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server_url}/alpha/workspace/")
    # The first Tab on a page reaches the skip link, which moves the focus to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alphaland")
    expect(page.get_by_text("You are signed in as Focal point.")).to_be_visible()
    expect(page.get_by_text(committed.a.entity.name, exact=True)).to_be_visible()

    page.get_by_role("link", name="Browse the recommendations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations")
    expect(page.get_by_role("cell", name=re.compile("Ratify the Convention"))).to_be_visible()

    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page).to_have_url(f"{live_server_url}/alpha/workspace/recommendations/")


def test_another_states_workspace_is_not_found(page, live_server_url, committed):
    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@beta.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server_url}/")
    response = page.goto(f"{live_server_url}/alpha/workspace/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")

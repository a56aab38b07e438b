"""A State's administrator invites a secretariat officer, who follows the e-mailed link, chooses a
password and lands in the workspace; the administrator makes them an observer (they can no longer
edit), then deactivates them (their next request is refused); the last administrator cannot demote
themself."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long and new passphrase for Alphaland"


def sign_in(page, base: str, email: str, password: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def person_card(page, text: str):
    return page.locator("li.person").filter(has_text=text)


def test_invite_join_change_the_role_deactivate(browser, page, live_server_url, committed, settings):
    settings.SITE_URL = live_server_url
    base = live_server_url

    # The administrator invites a secretariat officer from the people page.
    sign_in(page, base, "admin@alpha.example.org", PASSWORD, "/alpha/workspace/")
    page.get_by_role("link", name="People").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_label("E-mail address:").fill("ana.perez@example.org")
    page.get_by_label("Name:", exact=True).fill("Ana Pérez")
    page.get_by_label("Role:", exact=True).select_option("secretariat")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation was sent to ana.perez@example.org as Secretariat officer")).to_be_visible()
    expect(page.get_by_role("heading", name="Invited, not joined yet")).to_be_visible()

    # The e-mail names the State, the role and the inviter, with a link built on SITE_URL.
    (invitation,) = [m for m in mail.outbox if m.to == ["ana.perez@example.org"]]
    assert invitation.subject == "admin of Alphaland invites you to Alphaland as Secretariat officer"
    link = re.search(rf"{re.escape(base)}/alpha/invitation/\S+/", invitation.body).group(0)

    # The officer follows it, chooses a password, and lands in the workspace, signed in.
    officer = browser.new_context(locale="en-GB").new_page()
    officer.goto(link)
    expect(officer.get_by_role("heading", level=1)).to_have_text("Join Alphaland")
    expect(officer.get_by_label("Your name:")).to_have_value("Ana Pérez")
    officer.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    officer.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    officer.get_by_role("button", name="Save the password and join Alphaland").click()
    expect(officer).to_have_url(f"{base}/alpha/workspace/")
    expect(officer.get_by_text("Welcome to Alphaland. You are Secretariat officer.")).to_be_visible()
    expect(officer.get_by_text("You are signed in as Secretariat officer.")).to_be_visible()
    officer.goto(f"{base}/alpha/workspace/recommendations/new/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("New recommendation")
    # The link works once.
    officer.goto(link)
    expect(officer.get_by_text("This invitation has been used already.")).to_be_visible()

    # The administrator makes them an observer: they can no longer edit.
    page.reload()
    card = person_card(page, "Ana Pérez")
    expect(card.locator("dd").get_by_text("Secretariat officer", exact=True)).to_be_visible()
    card.get_by_label("Role", exact=True).select_option("observer")
    card.get_by_role("button", name="Change the role").click()
    expect(page.get_by_text("Ana Pérez is now Observer.")).to_be_visible()
    response = officer.goto(f"{base}/alpha/workspace/recommendations/new/")
    assert response.status == 403
    officer.goto(f"{base}/alpha/workspace/")
    expect(officer.get_by_text("You are signed in as Observer.")).to_be_visible()

    # Then deactivates them: their next request is refused, and says why.
    person_card(page, "Ana Pérez").get_by_role("button", name="Deactivate").click()
    # A destructive action asks first (static/js/nrtd.js).
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_contain_text("Deactivate Ana Pérez?")
    dialog.get_by_role("button", name="Deactivate").click()
    expect(
        page.get_by_text("Ana Pérez can no longer enter Alphaland; what they did stays in its history.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Deactivated")).to_be_visible()
    response = officer.goto(f"{base}/alpha/workspace/")
    assert response.status == 403
    expect(officer.get_by_text("Your access to Alphaland has ended")).to_be_visible()
    expect(officer.get_by_role("link", name="admin@alpha.example.org")).to_be_visible()
    officer.context.close()

    # The last administrator cannot demote themself: no role form on their card, and why.
    mine = person_card(page, "admin@alpha.example.org")
    expect(
        mine.get_by_text("The last administrator: make someone else an administrator before changing this role.")
    ).to_be_visible()
    expect(mine.get_by_role("button", name="Change the role")).to_have_count(0)

    # All of it is in the State's log.
    page.goto(f"{base}/alpha/workspace/log/?kind=tenants_membership")
    expect(page.get_by_role("heading", level=1)).to_have_text("The State's log")
    expect(page.locator(".history-line").filter(has_text="Ana Pérez").first).to_contain_text("admin of Alphaland")

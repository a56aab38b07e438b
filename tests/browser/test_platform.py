"""The hosting office creates a State; its new administrator accepts the invitation, sets up two-factor
sign-in, and signs in again with a code."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.two_factor_helpers import code_for, code_from_secret, give_two_factor, next_code_from_secret

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long and new passphrase for Freedonia"


def sign_in(page, base: str, email: str, password: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_create_a_state_accept_the_invitation_set_up_two_factor_and_sign_in_with_a_code(
    browser, page, live_server_url, committed, django_db_blocker, settings
):
    # Links in e-mails are built on SITE_URL: here, the live server.
    settings.SITE_URL = live_server_url
    admin = committed.platform_admin
    with django_db_blocker.unblock():
        device = give_two_factor(admin)

    # The hosting office, signed in with its code, creates the State.
    sign_in(page, live_server_url, admin.email, PASSWORD, "/platform/")
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_server_url}/platform/")
    page.get_by_role("link", name="Create a State").click()
    page.get_by_label("Name:", exact=True).fill("Freedonia")
    page.get_by_label("Short name in addresses").fill("freedonia")
    page.get_by_label("ISO 3166 alpha-3 code").fill("FRD")
    page.get_by_label("First administrator's e-mail address").fill("chief@freedonia.example.org")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Freedonia was created. chief@freedonia.example.org has been invited")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Freedonia")

    # The invitation: a link to join, which makes the account.
    (invitation,) = [m for m in mail.outbox if m.to == ["chief@freedonia.example.org"]]
    link = re.search(r"https?://\S+/freedonia/invitation/\S+/", invitation.body).group(0)

    newcomer = browser.new_context(locale="en-GB").new_page()
    newcomer.goto(link)
    newcomer.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Save the password and join Freedonia").click()

    # Signed in at once, in the new State's workspace; then sets up two-factor sign-in.
    expect(newcomer).to_have_url(f"{live_server_url}/freedonia/workspace/")
    expect(newcomer.get_by_text("You are signed in as State administrator.")).to_be_visible()
    newcomer.goto(f"{live_server_url}/accounts/two-factor/set-up/?next=/freedonia/workspace/")
    secret = newcomer.locator("#two-factor-secret").inner_text()
    newcomer.get_by_label("Code").fill(code_from_secret(secret))
    newcomer.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(newcomer.locator(".recovery-codes li")).to_have_count(10)

    # Signs in again: the password is not enough any more.
    newcomer.get_by_role("button", name="Sign out").click()
    sign_in(newcomer, live_server_url, "chief@freedonia.example.org", NEW_PASSWORD, "/freedonia/workspace/")
    expect(newcomer).to_have_url(re.compile(r"/accounts/two-factor/code/"))
    newcomer.get_by_label("Code").fill(next_code_from_secret(secret, "chief@freedonia.example.org", django_db_blocker))
    newcomer.get_by_role("button", name="Verify").click()
    expect(newcomer).to_have_url(f"{live_server_url}/freedonia/workspace/")
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Freedonia")
    newcomer.context.close()

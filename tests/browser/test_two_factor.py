"""A platform administrator sets up two-factor sign-in in a real browser, then signs in with a code."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.two_factor_helpers import code_from_secret, next_code_from_secret

pytestmark = pytest.mark.browser


def test_platform_admin_sets_up_two_factor_and_signs_in_with_a_code(
    page, live_server_url, committed, django_db_blocker
):
    page.goto(f"{live_server_url}/accounts/login/?next=/platform/")
    page.get_by_label("E-mail address").fill(committed.platform_admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # No device yet: every page sends to the set-up, which shows a QR code and the secret.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/\?next=%2Fplatform%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text()
    page.get_by_label("Code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(f"{live_server_url}/platform/")

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server_url}/accounts/login/?next=/platform/")
    page.get_by_label("E-mail address").fill(committed.platform_admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server_url}/accounts/two-factor/code/")
    # The code of the next period: the one given at set-up cannot be used twice.
    page.get_by_label("Code").fill(next_code_from_secret(secret, committed.platform_admin.email, django_db_blocker))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_server_url}/platform/")

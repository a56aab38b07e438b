"""A consultation in a browser: the secretariat opens it on a cluster, a visitor sends information
with a PDF on a recommendation of the portal, the secretariat accepts it and it shows on the public
page; a second visitor's spam (the trap filled, then over the limit) never reaches the review list."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from consultation.models import Submission
from tenants.scoping import cross_state_access
from tests.factories import PASSWORD, PLANTED_PDF

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_consultation_submission_review_publication_and_spam(
    browser, page, live_server_url, committed, tmp_path, django_db_blocker, settings
):
    base = live_server_url
    # Each address may post twice an hour here: the visitors below share 127.0.0.1.
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "submit": (2, 3600)}
    closes = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

    # The secretariat opens a consultation on the cluster "Justice and the rule of law".
    secretariat = page
    sign_in(secretariat, base, "secretariat@alpha.example.org", "/alpha/workspace/consultations/new/")
    secretariat.get_by_label("Title in English").fill("Enforced disappearance: what do you know?")
    secretariat.get_by_label("Introduction in English").fill("Send us what you know of the bill.")
    secretariat.get_by_label("Cluster:", exact=True).select_option(label="Justice and the rule of law")
    secretariat.get_by_label("Closes on").fill(closes)
    secretariat.get_by_role("button", name="Open the consultation").click()
    expect(secretariat.get_by_role("heading", level=1)).to_have_text("Enforced disappearance: what do you know?")
    consultation_url = secretariat.url

    # A visitor finds it on a recommendation of the portal and sends information with a PDF,
    # by keyboard alone once on the form.
    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(f"{base}/alpha/?lang=en")
    visitor.get_by_role("link", name=re.compile("99.XAA")).first.click()
    call = visitor.locator("p.consultation-call", has_text="Enforced disappearance: what do you know?")
    call.get_by_role("link", name="Send information on this recommendation").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Send information")
    expect(visitor.get_by_role("checkbox", name=re.compile("Ratify the Convention"))).to_be_checked()
    pdf = tmp_path / "hearing-minutes.pdf"
    pdf.write_bytes(PLANTED_PDF)
    visitor.get_by_label("Name of the organisation").fill("Families of the Disappeared")
    visitor.keyboard.press("Tab")
    visitor.keyboard.type("families@example.org")
    expect(visitor.get_by_label(re.compile("^Contact"))).to_have_value("families@example.org")
    visitor.get_by_label("Information:", exact=True).fill("The bill was debated in two public hearings.")
    visitor.get_by_label("A file (optional)").set_input_files(str(pdf))
    visitor.get_by_label("The name of my organisation may be published with my information").check()
    visitor.get_by_role("button", name="Send").focus()
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("status")).to_contain_text("Your information was received.")

    # A second visitor: a robot that fills the trap is thanked, then held back by the limit.
    robot = browser.new_context(locale="en-GB").new_page()
    robot.goto(visitor.url)
    robot.get_by_label("Name of the organisation").fill("Cheap pills")
    robot.get_by_label(re.compile("^Contact")).fill("pills@spam.example.com")
    robot.get_by_role("checkbox", name=re.compile("Ratify the Convention")).check()
    robot.get_by_label("Information:", exact=True).fill("SPAM-TEXT buy now")
    robot.locator("input[name=website]").fill("http://spam.example.com", force=True)
    robot.get_by_role("button", name="Send").click()
    expect(robot.get_by_role("status")).to_contain_text("Your information was received.")
    robot.go_back()
    robot.locator("input[name=website]").fill("", force=True)
    robot.get_by_label("Information:", exact=True).fill("SPAM-TEXT second try")
    response = robot.request.post(robot.url)  # no token: refused before anything else
    assert response.status == 403
    robot.get_by_role("button", name="Send").click()
    expect(robot.get_by_role("heading", level=1)).to_contain_text("Too many requests")

    # The secretariat reviews: the visitor's information is there, the spam is not; accepts it.
    secretariat.goto(consultation_url)
    listing = secretariat.get_by_role("region", name="Submissions")
    expect(listing.get_by_role("row")).to_have_count(2)  # the header and the visitor's
    expect(listing).to_contain_text("Families of the Disappeared")
    expect(listing).not_to_contain_text("SPAM-TEXT")
    listing.get_by_role("link").filter(has_text=re.compile(r"\d")).last.click()
    expect(secretariat.get_by_role("link", name="hearing-minutes.pdf")).to_be_visible()
    secretariat.get_by_role("radio", name=re.compile("^Accept")).check()
    secretariat.get_by_role("button", name="Record the decision").click()
    expect(secretariat.get_by_text("The submission is now: Accepted (public).")).to_be_visible()

    # It shows on the public page, with the organisation's name; never the contact or the file.
    visitor.goto(f"{base}/alpha/")
    visitor.get_by_role("link", name=re.compile("99.XAA")).first.click()
    section = visitor.get_by_role(
        "region", name="Information from civil society and the national human rights institution"
    )
    expect(section).to_contain_text("Families of the Disappeared")
    expect(section).to_contain_text("The bill was debated in two public hearings.")
    expect(visitor.locator("main")).not_to_contain_text("families@example.org")
    expect(visitor.locator("main")).not_to_contain_text("hearing-minutes")

    with django_db_blocker.unblock(), cross_state_access():
        assert not Submission.objects.filter(text__contains="SPAM-TEXT").exists()
        assert Submission.objects.get(organisation="Families of the Disappeared").status == "accepted"

"""The whole follow-up loop in a browser: a round opened, an update with a file submitted, returned,
corrected, validated and published, and the recommendation's status following it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from followup.models import ProgressUpdate
from tenants.scoping import cross_state_access
from tests.factories import PASSWORD, PLANTED_PDF

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_round_update_return_correct_validate_publish(
    browser, page, live_server_url, committed, tmp_path, django_db_blocker
):
    base = live_server_url
    # The planted draft of the ministry would be offered to continue; this loop starts afresh.
    with django_db_blocker.unblock(), cross_state_access():
        ProgressUpdate.objects.filter(status=ProgressUpdate.Status.DRAFT).delete()

    # The secretariat opens a round on the cluster "Justice and the rule of law".
    secretariat = page
    sign_in(secretariat, base, "secretariat@alpha.example.org", "/alpha/workspace/rounds/new/")
    deadline = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    secretariat.get_by_label("Title:", exact=True).fill("Mid-term report 2027")
    secretariat.get_by_label("Instructions").fill("Say what changed since the review.")
    secretariat.get_by_label("Deadline:", exact=True).fill(deadline)
    secretariat.get_by_label("Recommendations in the cluster").select_option(label="Justice and the rule of law")
    secretariat.get_by_role("button", name="Open the round").click()
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text("Mid-term report 2027")

    # The ministry's focal point finds the task on "My work" and reports, with a file.
    context = browser.new_context(locale="en-GB")
    focal = context.new_page()
    sign_in(focal, base, "focal_point@alpha.example.org", "/alpha/workspace/")
    focal.get_by_role("link", name=re.compile("^My work")).first.click()
    round_heading = focal.get_by_role("heading", name="Mid-term report 2027")
    expect(round_heading).to_be_visible()
    focal.get_by_role("table", name="Mid-term report 2027").get_by_role("link", name=re.compile("^Report")).click()
    focal.get_by_label("Implementation status").select_option("in_progress")
    focal.get_by_label("What was done").fill("The bill was sent to parliament.")
    evidence = tmp_path / "Committee minutes.pdf"
    evidence.write_bytes(PLANTED_PDF)
    focal.get_by_label("Evidence file").set_input_files(str(evidence))
    focal.get_by_role("button", name="Save and submit for review").click()
    expect(focal.get_by_text("Your update was submitted to the secretariat for review.")).to_be_visible()
    expect(focal.get_by_role("link", name="Committee minutes.pdf")).to_be_visible()
    update_url = focal.url

    # The secretariat returns it with a comment.
    secretariat.goto(f"{base}/alpha/workspace/my-work/")
    secretariat.get_by_role("link", name="A/HRC/99/XAA 1.1").first.click()
    expect(secretariat).to_have_url(update_url)
    secretariat.get_by_label("Decision").select_option("return")
    secretariat.get_by_label("Comment").fill("Give the number of the bill.")
    secretariat.get_by_role("button", name="Record the decision").click()
    expect(secretariat.get_by_text("The update was returned to Ministry of Justice of Alphaland.")).to_be_visible()

    # The focal point sees it returned, corrects it and submits it again.
    focal.goto(f"{base}/alpha/workspace/my-work/")
    returned = focal.get_by_role("region", name="Updates returned for correction")
    expect(returned).to_contain_text("Give the number of the bill.")
    returned.get_by_role("link").first.click()
    focal.get_by_role("link", name="Edit", exact=True).click()
    expect(focal.get_by_text("Give the number of the bill.")).to_be_visible()
    focal.get_by_label("What was done").fill("Bill 123/2026 was sent to parliament.")
    focal.get_by_role("button", name="Save and submit for review").click()
    expect(focal.get_by_text("Your update was submitted to the secretariat for review.")).to_be_visible()

    # The secretariat validates it, then publishes it.
    secretariat.goto(update_url)
    expect(secretariat.get_by_text("Bill 123/2026 was sent to parliament.").first).to_be_visible()
    secretariat.get_by_label("Decision").select_option("validate")
    secretariat.get_by_role("button", name="Record the decision").click()
    expect(secretariat.get_by_text("The update was validated")).to_be_visible()
    secretariat.get_by_role("button", name="Publish").click()
    expect(secretariat.get_by_text("The update was published.")).to_be_visible()

    # The recommendation's status follows, and its timeline tells the story.
    secretariat.get_by_role("link", name="A/HRC/99/XAA 1.1").first.click()
    implementation = secretariat.get_by_role("region", name="Implementation")
    expect(implementation).to_contain_text("In progress")
    history = secretariat.get_by_role("region", name="History")
    expect(history).to_contain_text("Published")
    expect(history).to_contain_text("Returned")
    # The task left the focal point's work, and the round shows it answered.
    focal.goto(f"{base}/alpha/workspace/my-work/")
    expect(focal.get_by_role("heading", name="Mid-term report 2027")).to_have_count(0)
    focal.goto(f"{base}/alpha/workspace/rounds/")
    focal.get_by_role("link", name="Mid-term report 2027").click()
    expect(focal.get_by_role("main")).to_contain_text("Published")
    context.close()

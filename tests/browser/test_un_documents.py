"""The secretariat imports Slovenia's real UPR report (PDF) and then its addendum, in a browser.

Nothing is given: the symbol, date, session and cycle are read from the report itself. The
addendum's preview then shows the positions it changes. The jobs go through Redis to a real
Celery worker, as in test_import.
"""

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from recommendations.models import Recommendation
from tenants.scoping import state_context
from tests.celery_helpers import celery_worker
from tests.factories import PASSWORD
from tests.imports.helpers import sample_file

pytestmark = [pytest.mark.browser, pytest.mark.broker]
REPORT = sample_file("upr34-slovenia-wg-report-A-HRC-43-15.pdf")
ADDENDUM = sample_file("upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf")


def test_report_pdf_then_addendum_positions_in_the_preview(
    page, live_server_url, committed, celery_queue, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    page.goto(f"{live_server_url}/accounts/login/?next=/alpha/workspace/imports/")
    page.get_by_label("E-mail address").fill("secretariat@alpha.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import recommendations")

    with celery_worker(celery_queue):
        # The report: format recognised, nothing given.
        page.get_by_label("File").set_input_files(str(REPORT))
        page.get_by_role("button", name="Preview the import").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Preview of {REPORT.name}")
        expect(page.get_by_role("status")).to_have_text("If you import this file:", timeout=30_000)
        facts = page.locator("dl.facts").first
        expect(facts).to_contain_text("Records read215")
        expect(facts).to_contain_text("Created215")
        expect(facts).to_contain_text("Rejected0")
        # What the report says of itself, read from its first page.
        described = page.locator("dl[aria-labelledby=document-details]")
        expect(described).to_contain_text("Document symbolA/HRC/43/15")
        expect(described).to_contain_text("Session34")
        expect(described).to_contain_text("UPR cycle3")
        page.get_by_role("button", name="Import it").click()
        expect(page.get_by_text("The import is finished:")).to_be_visible(timeout=30_000)

        # The addendum: its preview shows what changes, before anything is written.
        page.goto(f"{live_server_url}/alpha/workspace/imports/")
        page.get_by_label("File").set_input_files(str(ADDENDUM))
        page.get_by_role("button", name="Preview the import").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Preview of {ADDENDUM.name}")
        expect(page.get_by_role("status")).to_have_text(
            "If you confirm, the addendum sets these positions on the recommendations of A/HRC/43/15:",
            timeout=30_000,
        )
        expect(page.get_by_role("heading", name="157 positions change")).to_be_visible()
        first_change = page.get_by_role("row").filter(has_text="122.1 Complete the process of ratification")
        expect(first_change).to_contain_text("Pending")
        expect(first_change).to_contain_text("Supported")
        expect(page.get_by_role("row").filter(has_text="122.2 Ratify the International Convention")).to_contain_text(
            "Noted"
        )
        with state_context(committed.a.state):
            assert Recommendation.objects.filter(symbol="A/HRC/43/15", position="pending").count() == 157

        page.get_by_role("button", name="Set these positions").click()
        expect(
            page.get_by_text("The addendum's positions are set on the recommendations of A/HRC/43/15:")
        ).to_be_visible(timeout=30_000)
    with state_context(committed.a.state):
        positions = dict(
            Recommendation.objects.filter(symbol="A/HRC/43/15")
            .order_by()
            .values_list("position")
            .annotate(count=Count("id"))
        )
    assert positions == {"supported": 182, "noted": 33}

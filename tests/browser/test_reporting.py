"""The secretariat asks for a draft report in a real browser, watches its progress, downloads it.

The job goes through Redis to a real Celery worker, which starts only once the page shows the
draft waiting: the page must then follow the job by itself (htmx polling), without a reload.
"""

import re

import docx
import pytest
from playwright.sync_api import expect

from tests.celery_helpers import celery_worker
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def test_ask_for_a_draft_report_watch_it_and_download_it(
    page, live_server_url, committed, celery_queue, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    page.goto(f"{live_server_url}/accounts/login/?next=/alpha/workspace/drafts/")
    page.get_by_label("E-mail address").fill("secretariat@alpha.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report drafts")

    page.get_by_role("link", name="Draft report to a mechanism").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft report to a mechanism")
    page.get_by_label("Mechanism:", exact=True).select_option(label="UPR")
    page.get_by_label("By theme").check()
    page.get_by_label("Title:", exact=True).fill("Mid-term report 2027")
    page.get_by_role("button", name="Assemble the draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mid-term report 2027")
    # No worker yet: the draft waits, and the page says so with a progress bar.
    expect(page.get_by_role("status")).to_have_text("Waiting for its turn…")
    expect(page.get_by_role("progressbar", name="Progress of the draft")).to_be_visible()
    page.evaluate("window.nrtdSamePage = true")

    with celery_worker(celery_queue):
        expect(page.get_by_text("The draft is ready")).to_be_visible(timeout=20_000)
    assert page.evaluate("window.nrtdSamePage") is True, "the page reloaded instead of following the job"

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download mid-term-report-2027")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    document = docx.Document(str(download.path()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([*(p.text for p in document.paragraphs), *cells])
    assert document.paragraphs[0].text == "Mid-term report 2027"
    assert "Ratify the Convention against enforced disappearance (Alphaland)" in text
    assert "The bill was sent to parliament" in text
    assert "BETA-ONLY" not in text

    page.get_by_role("link", name="Preview it as a web page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mid-term report 2027")
    expect(page.get_by_text("The bill was sent to parliament")).to_be_visible()

    page.goto(f"{live_server_url}/alpha/workspace/drafts/")
    drafts = page.get_by_role("table", name="Drafts")
    expect(drafts).to_contain_text("Mid-term report 2027")
    expect(drafts).to_contain_text("by theme")
    expect(drafts).to_contain_text("secretariat of Alphaland")

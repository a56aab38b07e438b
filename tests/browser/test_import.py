"""The secretariat imports a file in a real browser: upload, preview, confirm, watch, find.

The jobs go through Redis to a real Celery worker, which starts only once the page shows the
job waiting: the page must then follow the job by itself (htmx polling), without a reload.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.celery_helpers import celery_worker
from tests.factories import PASSWORD
from tests.imports.test_jobs import uhri_record

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def test_upload_preview_confirm_watch_and_find(page, live_server_url, committed, celery_queue, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    export = tmp_path / "alphaland-export.json"
    records = [uhri_record(n, Countries=["Alphaland"]) for n in (1, 2, 3)]
    records.append(uhri_record(4, Countries=["Alphaland"], Text="<p> </p>"))
    export.write_text(json.dumps(records))

    page.goto(f"{live_server_url}/accounts/login/?next=/alpha/workspace/imports/")
    page.get_by_label("E-mail address").fill("secretariat@alpha.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import recommendations")

    page.get_by_label("File").set_input_files(str(export))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of alphaland-export.json")
    # No worker yet: the job waits, and the page says so with a progress bar.
    expect(page.locator("#job-status").get_by_text("Waiting for its turn…")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Progress of the import")).to_be_visible()
    page.evaluate("window.nrtdSamePage = true")

    with celery_worker(celery_queue):
        # The swapped part says it, and the page's stable live region announces it.
        expect(page.locator("#live-polite")).to_have_text("If you import this file:", timeout=20_000)
        expect(page.locator("#job-status").get_by_text("If you import this file:")).to_be_visible()
        assert page.evaluate("window.nrtdSamePage") is True, "the page reloaded instead of following the job"
        facts = page.locator("dl.facts")
        expect(facts).to_contain_text("Created3")
        expect(facts).to_contain_text("Rejected1")
        expect(page.get_by_role("cell", name="The record has no text.")).to_be_visible()

        page.get_by_role("button", name="Import it").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Import of alphaland-export.json")
        expect(page.locator("#job-status").get_by_text("The import is finished:")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="See the recommendations").click()

    page.get_by_label("Search").fill("121.2")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 recommendation", exact=True)).to_be_visible()
    page.get_by_role("link", name="121.2 Continue its efforts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("UPR · A/HRC/59/15 ¶ 121.2")
    expect(page.get_by_text("Equality & non-discrimination")).to_be_visible()

    page.goto(f"{live_server_url}/alpha/workspace/imports/")
    history = page.get_by_role("table")
    expect(history).to_contain_text("alphaland-export.json")
    expect(history).to_contain_text("secretariat")

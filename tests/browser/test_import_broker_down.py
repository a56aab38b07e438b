"""An upload while the broker is down, in a real browser: the page says why at once, and "Start
again" runs it once the broker is back (a private Redis, killed and started again)."""

import json

import pytest
from playwright.sync_api import expect

from tests.celery_helpers import celery_worker
from tests.factories import PASSWORD
from tests.imports.test_jobs import uhri_record

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def test_an_upload_while_the_broker_is_down_says_so_and_starts_again(
    page, live_server_url, committed, private_redis, private_queue, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    export = tmp_path / "alphaland-export.json"
    export.write_text(json.dumps([uhri_record(n, Countries=["Alphaland"]) for n in (1, 2, 3)]))

    page.goto(f"{live_server_url}/accounts/login/?next=/alpha/workspace/imports/")
    page.get_by_label("E-mail address").fill("secretariat@alpha.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import recommendations")

    private_redis.kill()
    page.get_by_label("File").set_input_files(str(export))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of alphaland-export.json")
    status = page.locator("#job-status")
    expect(status).to_contain_text("The job could not be queued: the service that runs jobs is not answering.")
    expect(status.get_by_role("button", name="Start again")).to_be_visible()
    page.screenshot(path=str(tmp_path / "broker-down.png"), full_page=True)

    private_redis.start()
    with celery_worker(private_queue):
        status.get_by_role("button", name="Start again").click()
        expect(page.locator("#job-status").get_by_text("If you import this file:")).to_be_visible(timeout=20_000)
    expect(page.locator("dl.facts")).to_contain_text("Created3")

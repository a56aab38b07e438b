"""Fetching a State's records from the UHRI API (a local fake server), preview, import, resume."""

from __future__ import annotations

import collections
import io
import json
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from imports.models import ImportJob
from imports.uhri_client import UhriApiClient
from imports.uhri_fetch import uhri_fetch_confirm, uhri_fetch_resume, uhri_fetch_run
from recommendations.models import Recommendation
from tenants.scoping import cross_state_access, state_context
from tests.factories import StateFactory

pytestmark = pytest.mark.django_db
SLOVENIA, PAKISTAN = "c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002"
THEME = "70000000-0000-4000-8000-000000000001"


def api_record(number: int, country: str = SLOVENIA) -> dict:
    return {
        "annotationId": f"e0a1b2c3-0000-4000-8000-{number:012d}",
        "symbol": "A/HRC/43/6",
        "countryIds": [country],
        "themesIds": [THEME],
        "uprPositionIds": [],
        "en": f"127.{number} Continue its efforts to combat discrimination (Pakistan);",
    }


class FakeUhri:
    """Records of two countries, five for Slovenia; pages of ``pageSize``; scripted failures."""

    def __init__(self):
        self.records = [*(api_record(n) for n in range(1, 6)), api_record(9, PAKISTAN)]
        self.failures: dict[int, int] = collections.defaultdict(int)  # page -> answers 500 this many times
        self.pages: list[int] = []

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/api/filterlists/countries":
            return self.send(handler, 200, [{"id": SLOVENIA, "text": "Slovenia"}, {"id": PAKISTAN, "text": "Pakistan"}])
        if url.path == "/api/filterlists/themes":
            return self.send(handler, 200, [{"id": THEME, "text": "Equality & non-discrimination"}])
        if url.path.startswith("/api/filterlists/"):
            return self.send(handler, 404, {"error": "no such list"})
        page, size = int(query["page"]), int(query["pageSize"])
        if self.failures[page]:
            self.failures[page] -= 1
            return self.send(handler, 500, {"error": "busy"})
        self.pages.append(page)
        chosen = [r for r in self.records if query["countryIds"] in r["countryIds"]]
        return self.send(handler, 200, {"items": chosen[page * size : (page + 1) * size], "total": len(chosen)})

    @staticmethod
    def send(handler, status: int, body) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


@pytest.fixture
def fake_api(settings, tmp_path, monkeypatch):
    fake = FakeUhri()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fake.answer(self)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    settings.UHRI_API_URL = f"http://127.0.0.1:{server.server_address[1]}/api/"
    settings.UHRI_API_TOKEN = "token-for-tests"
    settings.UHRI_API_PAGE_SIZE = 2
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield fake
    server.shutdown()
    server.server_close()


def client_for(settings) -> UhriApiClient:
    return UhriApiClient(
        settings.UHRI_API_URL,
        "token-for-tests",
        page_size=2,
        max_retries=1,
        backoff=0.01,
        session=urllib.request.build_opener(urllib.request.ProxyHandler({})),
        sleep=lambda seconds: None,
    )


def new_job(state, dry_run: bool) -> ImportJob:
    with state_context(state):
        return ImportJob.objects.create(state=state, format="uhri-api", filename="UHRI API", dry_run=dry_run)


def test_preview_then_confirm_imports_what_the_preview_fetched(
    fake_api, settings, slovenia, django_capture_on_commit_callbacks
):
    job = uhri_fetch_run(state=slovenia, job_id=new_job(slovenia, dry_run=True).pk, client=client_for(settings))
    assert (job.status, job.format, job.created, job.rejected) == ("succeeded", "uhri-api", 5, 0)
    assert fake_api.pages == [0, 1, 2]
    with state_context(slovenia):
        assert not Recommendation.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = uhri_fetch_confirm(preview=job, user=None)
        confirmed.refresh_from_db()
        assert (confirmed.status, confirmed.created) == ("succeeded", 5)
        themes = {theme.name for r in Recommendation.objects.all() for theme in r.themes}
    assert themes == {"Equality & non-discrimination"}
    assert fake_api.pages == [0, 1, 2], "the confirmation imported the preview's records without fetching again"


def test_a_page_that_keeps_failing_stops_the_job_and_resuming_goes_on_from_it(
    fake_api, settings, slovenia, django_capture_on_commit_callbacks
):
    fake_api.failures[1] = 2  # more than max_retries=1
    job = uhri_fetch_run(state=slovenia, job_id=new_job(slovenia, dry_run=False).pk, client=client_for(settings))
    assert job.status == "failed"
    assert "HTTP 500" in job.failure and "page 1" in job.failure
    with state_context(slovenia):
        assert not Recommendation.objects.exists()
    assert fake_api.pages == [0]

    with state_context(slovenia), django_capture_on_commit_callbacks(execute=True):
        uhri_fetch_resume(job=job, user=None)  # the task, with the configured client
    # The eager run used settings' client (page size 2): page 0 was not fetched again.
    assert fake_api.pages == [0, 1, 2]
    with state_context(slovenia):
        job.refresh_from_db()
        assert (job.status, job.created, job.rejected) == ("succeeded", 5, 0)
        assert Recommendation.objects.count() == 5


def test_a_state_missing_from_the_countries_list_fails_with_its_name(fake_api, settings, db):
    with cross_state_access():
        state = StateFactory(name="Atlantis", slug="atlantis", iso3="")
    job = uhri_fetch_run(state=state, job_id=new_job(state, dry_run=True).pk, client=client_for(settings))
    assert job.status == "failed"
    assert "no entry for Atlantis" in job.failure


def test_workspace_button_fetches_a_preview(client, fake_api, planted, settings, django_capture_on_commit_callbacks):
    with cross_state_access():
        planted.a.state.name = "Slovenia"
        planted.a.state.save()
    client.force_login(planted.a.people["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("workspace:import-list", kwargs={"state_slug": planted.a.state.slug}))
    assert "Fetch and preview" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workspace:import-uhri-fetch", kwargs={"state_slug": planted.a.state.slug}))
    with state_context(planted.a.state):
        job = ImportJob.objects.get(format="uhri-api")
    assert response["Location"] == reverse(
        "workspace:import-detail", kwargs={"state_slug": planted.a.state.slug, "pk": job.pk}
    )
    assert (job.status, job.dry_run, job.created) == ("succeeded", True, 5)


def test_without_an_api_address_there_is_no_button_and_no_fetch(client, planted, settings):
    settings.UHRI_API_URL = ""
    client.force_login(planted.a.people["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("workspace:import-list", kwargs={"state_slug": planted.a.state.slug}))
    assert "Fetch and preview" not in page.content.decode()
    response = client.post(reverse("workspace:import-uhri-fetch", kwargs={"state_slug": planted.a.state.slug}))
    assert response.status_code == 404


def test_command_prints_the_counts(fake_api, slovenia):
    out = io.StringIO()
    call_command("fetch_uhri", "--state", "slovenia", "--json", stdout=out)
    outcome = json.loads(out.getvalue())
    assert (outcome["status"], outcome["created"], outcome["by_position"]["supported"]) == ("succeeded", 5, 0)
    with pytest.raises(CommandError, match="No State"):
        call_command("fetch_uhri", "--state", "nowhere")

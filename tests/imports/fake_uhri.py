"""A local fake of the UHRI API for the tests (the real one is never called): filter lists,
records of two countries paged by ``pageSize``, and failures on demand. The ``fake_api`` fixture
(tests/imports/conftest.py) serves it on 127.0.0.1 and points the settings at it."""

from __future__ import annotations

import collections
import json
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from imports.uhri_client import UhriApiClient

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


def serve(settings, tmp_path, monkeypatch):
    """Serve a FakeUhri until the generator is closed (the ``fake_api`` fixture)."""
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

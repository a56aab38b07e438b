"""Every workspace, console, portal and account page in a real browser: in English and Arabic, on a
1,366-pixel desktop and a 320-pixel phone. On each: no answer of 500 or more, no script error or
Content-Security-Policy refusal, no horizontal scrolling of the page at 320 pixels (WCAG 1.4.10;
a wide table scrolls in its own region), and no axe-core violation (WCAG 2.0 and 2.1, A and AA,
and axe's best practices) at either width.

The pages are those of the isolation sweep's ROUTES (tests/test_isolation_sweep.py): every GET
route of a page, each opened once as the persona who sees the most on it (a State's
administrator, unless the page refuses them; the hosting office on the console; nobody signed
in on the portal). A page added to ROUTES is swept without a line here. Answers that are not
HTML (downloads, feeds, the API) are left out, by their Content-Type.

Marked ``sweep`` (and ``browser``): ``pytest -m "not sweep"`` leaves it out of a quick run;
``make test`` runs it. It takes two to three minutes on the shared two-core machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import _plant_and_commit, _planted_copy, _truncate_everything, signed_in_session
from tests.factories import PlantedData
from tests.test_isolation_sweep import ROUTES, Route, url_for
from tests.two_factor_helpers import NRTDClient

# It commits (the planted data, read by the live server): "commits" like the tests on `committed`.
pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.commits]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 320, "height": 800}
LANGUAGES = ("en", "ar")

# Not pages of the site: health probes, the API's schema and its documentation (Swagger UI's own),
# and the API, whose browsable pages are Django REST framework's (the public API is a "portal"
# route of ROUTES).
NOT_PAGES = frozenset({"healthz", "readyz", "api-schema", "api-docs"})
# Files to download, not pages (tested where they are made: their contents and their permissions).
DOWNLOADS = frozenset(
    {
        "portal:export",
        "workspace:attachment-download",
        "workspace:draft-download",
        "workspace:evidence-download",
        "workspace:recommendation-discussion-export",
        "workspace:recommendation-export",
        "workspace:state-log-export",
        "workspace:submission-file",
    }
)


def is_api(name: str) -> bool:
    return name.startswith("api:")


SWEPT_KINDS = frozenset({"workspace", "platform", "portal", "public", "account"})
MEMBERS = ("a_admin", "a_secretariat", "a_focal_point", "a_observer", "a_nhri")


def persona_for(route: Route) -> str:
    """Who sees the most on the page: a State administrator (every right in the workspace) unless
    the page refuses or hides it from them, then the next role down."""
    if route.kind == "platform":
        return "platform_admin"
    if route.kind in ("portal", "public"):
        return "anonymous"
    if route.kind == "account":
        return "a_admin"
    return next(persona for persona in MEMBERS if persona not in route.refused | route.hidden)


PAGES = sorted(
    name
    for name, route in ROUTES.items()
    if route.method == "get" and route.kind in SWEPT_KINDS and name not in NOT_PAGES | DOWNLOADS and not is_api(name)
)


@dataclass
class Site:
    url: str
    planted: PlantedData
    sessions: dict[str, str]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The planted data (committed), a live server, and a signed-in session for each persona.
    Pages are only read; the data is planted again afterwards all the same."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make static` installs the front-end packages (npm ci)")
    with django_db_blocker.unblock():
        connections.close_all()
        planted = _planted_copy()
        sessions = {persona: signed_in_session(planted.persona(persona)) for persona in MEMBERS}
        console = NRTDClient()
        console.force_login(planted.platform_admin)  # verified with two-factor sign-in, as required
        sessions["platform_admin"] = console.cookies[settings.SESSION_COOKIE_NAME].value
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield Site(f"http://127.0.0.1:{thread.port}", planted, sessions)
        finally:
            thread.terminate()
            connections.close_all()
            _truncate_everything()
            _plant_and_commit()


AXE_START = """tags => {
  window.nrtdAxe = axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
}"""


def axe_start(page) -> None:
    """Start axe-core on the page without waiting: the pages of both languages are checked at
    once, each in its own renderer process."""
    page.evaluate(AXE_START, AXE_TAGS)


def axe_violations(page) -> list[str]:
    """The violations axe-core found (started by ``axe_start``, or started here)."""
    if not page.evaluate("() => Boolean(window.nrtdAxe)"):
        axe_start(page)
    result = page.evaluate("() => window.nrtdAxe.finally(() => { window.nrtdAxe = null; })")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


class Visitor:
    """One browser context per persona and language, kept for the whole sweep (its cookies and
    axe-core loaded once); each page opens in a new tab of it."""

    def __init__(self, browser, site: Site):
        self.browser, self.site, self.contexts = browser, site, {}

    def context(self, persona: str, language: str):
        key = (persona, language)
        if key not in self.contexts:
            context = self.browser.new_context(viewport=DESKTOP, locale="en-GB")
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.site.url}]
            if persona in self.site.sessions:
                session = self.site.sessions[persona]
                cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.site.url})
            context.add_cookies(cookies)
            # An init script runs before the page's own, outside the page's Content-Security-Policy.
            context.add_init_script(path=str(AXE))
            self.contexts[key] = context
        return self.contexts[key]

    def close(self):
        for context in self.contexts.values():
            context.close()

    def open(self, persona: str, language: str, problems: list[str]):
        """A new tab of the persona's context in ``language``, reporting what goes wrong in it."""
        page = self.context(persona, language).new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(f"[{language}] console: {message.text}")
                if message.type == "error" and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"[{language}] script error: {error}"))
        page.on(
            "response",
            lambda response: (
                problems.append(f"[{language}] {response.status} {response.url}")
                if response.status >= 500 or (response.status >= 400 and response.request.resource_type != "document")
                else None
            ),
        )
        return page

    def sweep(self, path: str, persona: str) -> list[str] | None:
        """Open ``path`` as ``persona`` in each language, at both widths: what is wrong, in words
        (None when the address is not a page: a download, a feed, data). The two languages' tabs
        are open side by side, so each check runs in both at once."""
        problems: list[str] = []
        pages = {language: self.open(persona, language, problems) for language in LANGUAGES}
        try:
            for language, page in pages.items():
                try:
                    response = page.goto(self.site.url + path)
                except PlaywrightError as error:
                    if "Download is starting" in str(error):
                        return None
                    raise
                if not response.headers.get("content-type", "").startswith("text/html"):
                    return None
                if page.evaluate("document.documentElement.lang") != language:
                    problems.append(f"[{language}] the page is not in {language}")
                problems += [f"[{language}] {problem}" for problem in page.evaluate(REFERENCES)]
                axe_start(page)
            for language, page in pages.items():
                problems += [f"[{language} 1366] {v}" for v in axe_violations(page)]
            for language, page in pages.items():
                page.set_viewport_size(PHONE)
                page.evaluate("() => window.NRTD && window.NRTD.fitTables()")  # at once, not after the pause
                width, room = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                if width > room:
                    wide = page.evaluate(WIDEST_ELEMENTS)
                    problems.append(f"[{language} 320] the page is {width}px wide: {json.dumps(wide)}")
                axe_start(page)
            for language, page in pages.items():
                problems += [f"[{language} 320] {v}" for v in axe_violations(page)]
        finally:
            for page in pages.values():
                page.close()
        return problems


@pytest.fixture(scope="module")
def visitor(browser, site):
    visitor = Visitor(browser, site)
    yield visitor
    visitor.close()


# Every id once; every id an attribute points at (aria-describedby, a label's for...) there.
REFERENCES = """() => {
  const problems = [];
  const seen = new Map();
  for (const element of document.querySelectorAll('[id]')) seen.set(element.id, (seen.get(element.id) || 0) + 1);
  for (const [id, count] of seen) if (count > 1) problems.push(`id "${id}" is used ${count} times`);
  const attributes = [
    'aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-activedescendant', 'for', 'form', 'list',
  ];
  for (const name of attributes) {
    for (const element of document.querySelectorAll(`[${name}]`)) {
      for (const id of element.getAttribute(name).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          problems.push(`${element.tagName.toLowerCase()}[${name}] points at a missing id "${id}"`);
        }
      }
    }
  }
  return problems;
}"""


# What sticks out at 320 pixels, to say where the overflow comes from.
WIDEST_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if ((box.right > width + 1 || box.left < -1) && box.width > 0) {
      const inside = element.parentElement && element.parentElement.closest('.table-scroll');
      const classes = element.className ? '.' + String(element.className).split(' ').join('.') : '';
      const where = `${Math.round(box.left)}..${Math.round(box.right)}`;
      if (!inside) out.push(`${element.tagName.toLowerCase()}${classes} ${where}`);
    }
    if (out.length > 6) break;
  }
  return out;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_page(visitor, site, name):
    route = ROUTES[name]
    persona = persona_for(route)
    obj = getattr(site.planted.a, route.obj) if route.obj else None
    path = url_for(name, route, state=site.planted.a.state, obj=obj)
    problems = visitor.sweep(path, persona)
    assert problems is not None, f"{path} is not a page (a download, a feed or data): add {name} to DOWNLOADS"
    assert problems == [], f"{name} as {persona}: {path}"


def test_the_not_found_page(visitor):
    assert visitor.sweep("/no-such-page/", "a_admin") == []


def test_the_list_with_its_bulk_bar_open_on_a_phone(visitor, site):
    """The bar shows only once something is ticked, so the sweep above never sees it: it is
    opened here, an action with its fields chosen, at 320 pixels in both languages."""
    path = url_for("workspace:recommendation-list", ROUTES["workspace:recommendation-list"], state=site.planted.a.state)
    problems = []
    for language in LANGUAGES:
        page = visitor.context("a_admin", language).new_page()
        try:
            page.set_viewport_size(PHONE)
            page.goto(site.url + path)
            for box in page.locator("input[name=ids]").all():
                box.check()
            page.locator("#bulk_action").select_option("assign_lead")
            assert page.locator("#bulk-form").is_visible() and page.locator("#bulk_entity").is_visible()
            width, room = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if width > room:
                problems.append(
                    f"[{language}] the page is {width}px wide: {json.dumps(page.evaluate(WIDEST_ELEMENTS))}"
                )
            problems += [f"[{language}] {violation}" for violation in axe_violations(page)]
        finally:
            page.close()
    assert problems == []

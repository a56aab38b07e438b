"""Every URL of the site, for every persona, with data planted in two States.

``ROUTES`` says, for every named URL pattern, what kind of page it is and how to fill its
arguments. ``test_every_url_pattern_is_in_the_sweep`` fails when a pattern is added without an
entry here, so no later feature can skip the sweep.

What must hold:
- another State's object, under either State's address, is 404 for everyone;
- a workspace or State API address of State A is 404 to anyone who is not a member of A
  (platform administrators included: none has a support session here, tests/tenants/
  test_support_mode.py), and sends anonymous visitors to sign in (HTML) or answers 401 (API),
  whether or not the State exists;
- no page or API answer of State A ever contains State B's marker text;
- the portal shows published data only, and only for a State whose portal is on;
- the platform console is 404 to everyone but platform administrators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import signed_in_session
from tests.factories import A_UNPUBLISHED_MARKER, B_MARKER, PASSWORD

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "a_admin",
    "a_secretariat",
    "a_focal_point",
    "a_observer",
    "a_nhri",
    "b_admin",
    "platform_admin",
    "outsider",
]
A_MEMBERS = {"a_admin", "a_secretariat", "a_focal_point", "a_observer", "a_nhri"}


@dataclass(frozen=True)
class Route:
    # public, account (a page of one's own account: anonymous visitors sign in first; signed-in
    # people get it or are sent on, such as to set up two-factor sign-in), authenticated (API),
    # platform, workspace, state-api, portal
    kind: str
    # Which planted object fills <pk> ("published", "import_job", "column_mapping"); None when there is no <pk>.
    obj: str | None = None
    # The URL argument the object fills; a platform route whose object is not the State itself
    # names the object by another argument ("job_id") and the State by <pk>.
    obj_kwarg: str = "pk"
    # Personas (members of A) for whom the role check refuses the page with 403.
    refused: frozenset[str] = frozenset()
    # Personas (members of A) who may not see the object at all, so get 404 (an observer and a
    # draft progress update).
    hidden: frozenset[str] = frozenset()
    # Extra URL arguments that are not State or object ids.
    kwargs: tuple[tuple[str, str], ...] = ()
    method: str = "get"
    # What a permitted persona gets (a form that is posted answers with a redirect).
    ok: int = 200
    # An NHRI account reads what an observer reads: it gets the observer's answer, unless the
    # route says otherwise (None: ``refused`` and ``hidden`` name it, or it is let in).
    nhri_as: str | None = "a_observer"


# Pages of the secretariat's work: focal points and observers are refused.
CURATORS_ONLY = frozenset({"a_focal_point", "a_observer"})
OBSERVER = frozenset({"a_observer"})
# Only State administrators.
ADMINS_ONLY = frozenset({"a_secretariat", "a_focal_point", "a_observer"})
A_MEMBERS_BUT_SECRETARIAT = A_MEMBERS - {"a_secretariat"}

ROUTES: dict[str, Route] = {
    "home": Route("public"),
    "healthz": Route("public"),
    "readyz": Route("public"),
    "set_language": Route("public", method="post"),
    "accounts:login": Route("public"),
    "accounts:logout": Route("public", method="post"),
    "accounts:password_reset": Route("public"),
    "accounts:password_reset_done": Route("public"),
    "accounts:password_reset_confirm": Route("public", kwargs=(("uidb64", "MQ"), ("token", "set-password"))),
    "accounts:password_reset_complete": Route("public"),
    # The code step of signing in: without a pending sign-in it sends to the sign-in page.
    "accounts:two-factor-verify": Route("public"),
    "accounts:two-factor": Route("account"),
    "accounts:two-factor-setup": Route("account"),
    "accounts:two-factor-recovery-codes": Route("account"),
    "accounts:two-factor-disable": Route("account"),
    "api-schema": Route("public"),
    "api-docs": Route("public"),
    "api:me": Route("authenticated"),
    "platform:home": Route("platform"),
    "platform:state-create": Route("platform"),
    "platform:state-detail": Route("platform", obj="state"),
    "platform:state-status": Route("platform", obj="state", method="post", ok=302),
    "platform:state-export": Route("platform", obj="state", method="post"),
    # Posted empty: refused with a message and sent back (the flows: tests/tenants/).
    "platform:state-archive": Route("platform", obj="state", method="post", ok=302),
    "platform:state-delete": Route("platform", obj="state", method="post", ok=302),
    "platform:support-start": Route("platform", obj="state", method="post", ok=302),
    "platform:support-end": Route("platform", obj="state", method="post", ok=302),
    "platform:state-import": Route("platform", obj="state"),
    # Starts a fetch job, queued on commit (never run here: these tests roll back).
    "platform:state-uhri-fetch": Route("platform", obj="state", method="post", ok=302),
    "platform:state-import-detail": Route("platform", obj="import_job", obj_kwarg="job_id"),
    "platform:statistics": Route("platform"),
    # A State's people and settings, for the hosting office (the flows: tests/console/test_people.py).
    "platform:state-people": Route("platform", obj="state"),
    # Posted empty: refused with a message and sent back; another State's member or invitation is 404.
    "platform:state-member": Route("platform", obj="observer_membership", obj_kwarg="member_id", method="post", ok=302),
    "platform:state-invitation": Route("platform", obj="invitation", obj_kwarg="invitation_id", method="post", ok=302),
    "platform:state-settings": Route("platform", obj="state"),
    "workspace:home": Route("workspace"),
    "workspace:member-list": Route("workspace", refused=frozenset({"a_focal_point", "a_observer"})),
    # People (tests/tenants/test_people.py): administrators only. Posted empty: the invitation
    # form comes back with its errors; a change or an invitation's action is refused with a
    # message and sent back. Another State's member or invitation is 404.
    "workspace:member-invite": Route("workspace", method="post", refused=ADMINS_ONLY),
    "workspace:member-change": Route(
        "workspace", obj="observer_membership", method="post", ok=302, refused=ADMINS_ONLY
    ),
    "workspace:invitation-change": Route("workspace", obj="invitation", method="post", ok=302, refused=ADMINS_ONLY),
    # An invitation's link: the token is the key, whoever opens it (a signed-in stranger is told
    # to sign out); another State's token, under this State's address, is 404.
    "invitation:accept": Route("feed", obj="invitation_token", obj_kwarg="token"),
    # Settings and the State's log: administrators only (tests/tenants/test_state_settings.py,
    # test_state_log.py). The former security page now sends to the settings' section.
    "workspace:state-settings": Route("workspace", refused=ADMINS_ONLY),
    "workspace:security": Route("workspace", refused=ADMINS_ONLY, ok=302),
    "workspace:state-log": Route("workspace", refused=ADMINS_ONLY),
    "workspace:state-log-export": Route("workspace", refused=ADMINS_ONLY),
    # Only State administrators: what the hosting office did in support mode.
    "workspace:support-log": Route("workspace", refused=frozenset({"a_secretariat", "a_focal_point", "a_observer"})),
    "workspace:recommendation-list": Route("workspace"),
    "workspace:recommendation-detail": Route("workspace", obj="published"),
    "workspace:recommendation-create": Route("workspace", refused=frozenset({"a_focal_point", "a_observer"})),
    "workspace:recommendation-edit": Route(
        "workspace", obj="published", refused=frozenset({"a_focal_point", "a_observer"})
    ),
    "workspace:import-list": Route("workspace", refused=frozenset({"a_focal_point", "a_observer"})),
    "workspace:import-uhri-fetch": Route(
        "workspace", method="post", ok=302, refused=frozenset({"a_focal_point", "a_observer"})
    ),
    "workspace:import-detail": Route("workspace", obj="import_job", refused=frozenset({"a_focal_point", "a_observer"})),
    "workspace:import-uhri-schedule": Route("workspace", refused=frozenset({"a_focal_point", "a_observer"})),
    "workspace:mapping-list": Route("workspace", refused=frozenset({"a_focal_point", "a_observer"})),
    "workspace:mapping-create": Route("workspace", refused=frozenset({"a_focal_point", "a_observer"})),
    "workspace:mapping-edit": Route(
        "workspace", obj="column_mapping", refused=frozenset({"a_focal_point", "a_observer"})
    ),
    "workspace:mapping-delete": Route(
        "workspace", obj="column_mapping", refused=frozenset({"a_focal_point", "a_observer"})
    ),
    "workspace:recommendation-curate": Route("workspace", obj="published", refused=CURATORS_ONLY),
    "workspace:recommendation-unrelate": Route(
        "workspace", obj="published", method="post", ok=302, refused=CURATORS_ONLY
    ),
    "workspace:recommendation-bulk": Route("workspace", method="post", ok=302, refused=CURATORS_ONLY),
    # Without a bulk change of one's own in the session: a message, and back to the list.
    "workspace:recommendation-bulk-undo": Route("workspace", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:recommendation-export": Route("workspace"),
    "workspace:saved-view-create": Route("workspace", method="post", ok=302),
    "workspace:saved-view-delete": Route("workspace", obj="saved_view", method="post", ok=302),
    "workspace:entity-list": Route("workspace"),
    "workspace:entity-create": Route("workspace", refused=CURATORS_ONLY),
    "workspace:entity-detail": Route("workspace", obj="entity"),
    "workspace:entity-edit": Route("workspace", obj="entity", refused=CURATORS_ONLY),
    "workspace:entity-delete": Route("workspace", obj="entity", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:focal-point-invite": Route("workspace", obj="entity", refused=CURATORS_ONLY),
    "workspace:focal-point-remove": Route("workspace", obj="focal_point", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:cluster-list": Route("workspace"),
    "workspace:cluster-create": Route("workspace", refused=CURATORS_ONLY),
    "workspace:cluster-merge": Route("workspace", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:cluster-seed": Route("workspace", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:cluster-edit": Route("workspace", obj="cluster", refused=CURATORS_ONLY),
    "workspace:cluster-delete": Route("workspace", obj="cluster", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:cluster-move": Route("workspace", obj="cluster", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:related-list": Route("workspace", refused=CURATORS_ONLY),
    "workspace:related-find": Route("workspace", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:related-confirm": Route(
        "workspace", obj="related_suggestion", method="post", ok=302, refused=CURATORS_ONLY
    ),
    "workspace:related-reject": Route(
        "workspace", obj="related_suggestion", method="post", ok=302, refused=CURATORS_ONLY
    ),
    # Follow-up. The planted focal point reports for the entity that leads the published
    # recommendation and the planted action; the draft update is that entity's.
    "workspace:plan-list": Route("workspace"),
    "workspace:plan-create": Route("workspace", refused=CURATORS_ONLY),
    "workspace:plan-detail": Route("workspace", obj="plan"),
    "workspace:plan-edit": Route("workspace", obj="plan", refused=CURATORS_ONLY),
    "workspace:action-create": Route("workspace", obj="plan", refused=CURATORS_ONLY),
    "workspace:action-detail": Route("workspace", obj="action"),
    "workspace:action-edit": Route("workspace", obj="action", refused=CURATORS_ONLY),
    "workspace:action-indicator-create": Route("workspace", obj="action", refused=CURATORS_ONLY),
    "workspace:recommendation-indicator-create": Route("workspace", obj="published", refused=CURATORS_ONLY),
    "workspace:indicator-detail": Route("workspace", obj="indicator"),
    "workspace:indicator-edit": Route("workspace", obj="indicator", refused=CURATORS_ONLY),
    # Posted empty: the indicator's page again, with the form's errors.
    "workspace:measurement-add": Route("workspace", obj="indicator", method="post", refused=OBSERVER),
    "workspace:measurement-delete": Route("workspace", obj="measurement", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:update-list": Route("workspace"),
    "workspace:update-publish-bulk": Route("workspace", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:recommendation-update-create": Route("workspace", obj="published", refused=OBSERVER),
    "workspace:action-update-create": Route("workspace", obj="action", refused=OBSERVER),
    "workspace:update-detail": Route("workspace", obj="progress_update"),
    "workspace:update-edit": Route("workspace", obj="draft_update", hidden=OBSERVER),
    # Posted without the version the person saw: refused as stale, with a message, and sent back.
    "workspace:update-submit": Route("workspace", obj="draft_update", method="post", ok=302, hidden=OBSERVER),
    "workspace:update-review": Route("workspace", obj="progress_update", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:update-publish": Route("workspace", obj="progress_update", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:update-delete": Route("workspace", obj="draft_update", method="post", ok=302, hidden=OBSERVER),
    "workspace:evidence-add": Route("workspace", obj="draft_update", method="post", ok=302, hidden=OBSERVER),
    "workspace:evidence-download": Route("workspace", obj="evidence", hidden=OBSERVER),
    "workspace:evidence-remove": Route("workspace", obj="evidence", method="post", ok=302, hidden=OBSERVER),
    "workspace:round-list": Route("workspace", refused=OBSERVER),
    "workspace:round-create": Route("workspace", refused=CURATORS_ONLY),
    "workspace:round-detail": Route("workspace", obj="data_round", refused=OBSERVER),
    "workspace:round-close": Route("workspace", obj="data_round", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:my-work": Route("workspace"),
    "workspace:notification-list": Route("workspace"),
    "workspace:notification-read": Route("workspace", method="post", ok=302),
    # Dashboard: every member, on the whole State; the overdue round tasks list is the
    # secretariat's (tests/reporting/test_dashboard.py checks the figures and other States' ids).
    "workspace:dashboard": Route("workspace"),
    "workspace:dashboard-updates": Route("workspace"),
    "workspace:dashboard-overdue-actions": Route("workspace"),
    "workspace:dashboard-overdue-tasks": Route("workspace", refused=CURATORS_ONLY),
    # Calendar of obligations: every member reads it and may get a feed address (the POST
    # answers with the address, shown once); the secretariat and administrators manage it.
    "workspace:calendar": Route("workspace"),
    "workspace:obligation-create": Route("workspace", refused=CURATORS_ONLY),
    "workspace:obligation-detail": Route("workspace", obj="obligation"),
    "workspace:obligation-edit": Route("workspace", obj="obligation", refused=CURATORS_ONLY),
    "workspace:obligation-delete": Route("workspace", obj="obligation", method="post", ok=302, refused=CURATORS_ONLY),
    # Posted empty: the obligation's page again, with the form's errors.
    "workspace:obligation-status": Route("workspace", obj="obligation", method="post", refused=CURATORS_ONLY),
    "workspace:calendar-feed-token": Route("workspace", method="post"),
    # The iCalendar feed: the secret token in the address is the key, whoever asks (the token
    # rules: tests/reporting/test_calendar.py).
    "feed:calendar": Route("feed", obj="feed_token", obj_kwarg="token"),
    # Report drafts: the secretariat's and administrators' only (focal points and observers are
    # refused, their own entity's packs included). The planted draft is a finished mechanism report.
    "workspace:draft-list": Route("workspace", refused=CURATORS_ONLY),
    "workspace:draft-create": Route("workspace", refused=CURATORS_ONLY, kwargs=(("kind", "mechanism_report"),)),
    "workspace:draft-detail": Route("workspace", obj="report_draft", refused=CURATORS_ONLY),
    "workspace:draft-download": Route("workspace", obj="report_draft", refused=CURATORS_ONLY),
    "workspace:draft-preview": Route("workspace", obj="report_draft", refused=CURATORS_ONLY),
    # Queues a new draft on commit (never run here: these tests roll back).
    "workspace:draft-regenerate": Route("workspace", obj="report_draft", method="post", ok=302, refused=CURATORS_ONLY),
    # Information request packs brought back: the secretariat's and the entity's focal point's (the
    # planted one is the focal point's entity's); an observer may not upload, nor open one (404).
    "workspace:pack-return-list": Route("workspace", refused=OBSERVER),
    "workspace:pack-return-detail": Route("workspace", obj="pack_return", hidden=OBSERVER),
    # Makes the planted preview's draft update (rolled back with the test).
    "workspace:pack-return-apply": Route("workspace", obj="pack_return", method="post", ok=302, hidden=OBSERVER),
    # Consultation. The discussion: the planted focal point's entity leads the published
    # recommendation and the action, and reported the validated update, so it reads and writes
    # their discussions; observers (and NHRI accounts) read them. Posted empty: the form again.
    "workspace:recommendation-comment-create": Route("workspace", obj="published", method="post", refused=OBSERVER),
    "workspace:action-comment-create": Route("workspace", obj="action", method="post", refused=OBSERVER),
    "workspace:update-comment-create": Route("workspace", obj="progress_update", method="post", refused=OBSERVER),
    # The planted comment is the secretariat's (the edit window is long here: _comment_edit_window).
    "workspace:comment-edit": Route("workspace", obj="comment", refused=frozenset(A_MEMBERS_BUT_SECRETARIAT)),
    "workspace:recommendation-discussion-export": Route("workspace", obj="published"),
    # Messages to the network: the focal point's entity was written to; observers never see a thread.
    "workspace:message-list": Route("workspace", refused=OBSERVER),
    "workspace:message-create": Route("workspace", refused=CURATORS_ONLY),
    "workspace:message-detail": Route("workspace", obj="message", hidden=OBSERVER),
    # Posted empty: the thread again, with the reply form's errors.
    "workspace:message-reply": Route("workspace", obj="message", method="post", hidden=OBSERVER),
    "workspace:attachment-download": Route("workspace", obj="attachment", hidden=OBSERVER),
    # Public consultations, the secretariat's side (the submission is the pending one, with a file).
    "workspace:consultation-list": Route("workspace", refused=CURATORS_ONLY),
    "workspace:consultation-create": Route("workspace", refused=CURATORS_ONLY),
    "workspace:consultation-detail": Route("workspace", obj="consultation", refused=CURATORS_ONLY),
    "workspace:consultation-close": Route(
        "workspace", obj="consultation", method="post", ok=302, refused=CURATORS_ONLY
    ),
    "workspace:submission-detail": Route("workspace", obj="submission", refused=CURATORS_ONLY),
    # Posted empty: refused with a message and sent back.
    "workspace:submission-review": Route("workspace", obj="submission", method="post", ok=302, refused=CURATORS_ONLY),
    "workspace:submission-file": Route("workspace", obj="submission", refused=CURATORS_ONLY),
    # The NHRI's assessment: its accounts only. The settings: State administrators only.
    "workspace:assessment-edit": Route(
        "workspace", obj="published", refused=frozenset(A_MEMBERS - {"a_nhri"}), nhri_as=None
    ),
    "workspace:consultation-settings": Route("workspace", refused=ADMINS_ONLY),
    "api:state-api:recommendation-list": Route("state-api"),
    "api:state-api:recommendation-detail": Route("state-api", obj="published"),
    "portal:home": Route("portal"),
    "portal:recommendation-detail": Route("portal", obj="published"),
    "portal:dashboard": Route("portal"),
    "portal:export": Route("portal", kwargs=(("format", "csv"),)),
    "api:public-api:recommendation-list": Route("portal"),
    "api:public-api:recommendation-detail": Route("portal", obj="published"),
    "portal:consultation-list": Route("portal"),
    "portal:consultation-detail": Route("portal", obj="consultation"),
    # The submission form (a GET shows it; posting is tested in tests/portal/test_consultations.py).
    "portal:consultation-submit": Route("portal", obj="consultation"),
}


def all_url_names(resolver=None, prefix: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= all_url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            names.add(f"{prefix}{pattern.name}" if pattern.name else f"{prefix}<unnamed {pattern.pattern}>")
    return names


@pytest.fixture(autouse=True)
def _comment_edit_window(settings):
    # The planted comment stays its author's to change however long the session has run.
    settings.NRTD_COMMENT_EDIT_WINDOW = datetime.timedelta(days=3650)


@pytest.fixture(autouse=True)
def _uhri_api_configured(settings):
    # The fetch button is there only with an API address; its jobs never run here (they are
    # queued on commit, and these tests roll back).
    settings.UHRI_API_URL = "http://127.0.0.1:9/api/"


def test_every_url_pattern_is_in_the_sweep():
    assert all_url_names() - set(ROUTES) == set(), "add the new URL patterns to ROUTES"
    assert set(ROUTES) - all_url_names() == set(), "remove patterns that no longer exist"


def login(client, planted, persona: str):
    user = planted.persona(persona)
    if user is None:
        return user
    session = signed_in_session(user)
    if session is not None:
        # The member's session planted with the data (as force_login would make it, unwritten here).
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    else:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def url_for(name: str, route: Route, *, state, obj=None) -> str:
    kwargs = dict(route.kwargs)
    if route.kind in {"workspace", "state-api", "portal", "feed"}:
        kwargs["state_slug"] = state.slug
    if route.obj:
        kwargs[route.obj_kwarg] = obj if isinstance(obj, str) else obj.pk
    if route.kind == "platform" and route.obj_kwarg != "pk":
        kwargs["pk"] = state.pk
    return reverse(name, kwargs=kwargs)


def expected_status(route: Route, persona: str) -> int | str:
    if route.kind == "public":
        return "ok"
    if route.kind == "account":
        return "login" if persona == "anonymous" else "ok"
    if route.kind == "authenticated":
        return 401 if persona == "anonymous" else 200
    if route.kind == "platform":
        return "login" if persona == "anonymous" else (route.ok if persona == "platform_admin" else 404)
    if persona == "a_nhri" and route.nhri_as:
        persona = route.nhri_as
    if route.kind == "workspace":
        if persona == "anonymous":
            return "login"
        if persona not in A_MEMBERS or persona in route.hidden:
            return 404
        return 403 if persona in route.refused else route.ok
    if route.kind == "state-api":
        if persona == "anonymous":
            return 401
        if persona not in A_MEMBERS:
            return 404
        return 403 if persona in route.refused else 200
    if route.kind in {"portal", "feed"}:
        return 200
    raise AssertionError(route.kind)


def body_of(response) -> str:
    """The answer's text, whether sent whole or streamed (a file download)."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode(errors="replace")


def check(response, expected) -> None:
    if expected == "ok":
        assert response.status_code < 400, response.status_code
    elif expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_state_a_addresses(client, planted, name, persona):
    """A's own addresses: the right door for each persona, and never a trace of B."""
    route = ROUTES[name]
    login(client, planted, persona)
    obj = getattr(planted.a, route.obj) if route.obj else None
    response = getattr(client, route.method)(url_for(name, route, state=planted.a.state, obj=obj))
    check(response, expected_status(route, persona))
    body = body_of(response)
    assert B_MARKER not in body
    if route.kind == "portal":
        assert A_UNPUBLISHED_MARKER not in body


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.obj and r.obj != "state"))
def test_another_states_object_is_404(client, planted, name, persona):
    """B's object under A's address (A's id on the console), and B's unpublished object on the portal: 404."""
    route = ROUTES[name]
    login(client, planted, persona)
    response = getattr(client, route.method)(
        url_for(name, route, state=planted.a.state, obj=getattr(planted.b, route.obj))
    )
    expected = expected_status(route, persona)
    if expected in (200, 403, route.ok):
        expected = 404
    check(response, expected)
    assert B_MARKER not in body_of(response)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind in {"workspace", "state-api", "portal"}))
def test_state_b_addresses_refuse_state_a_people(client, planted, name, persona):
    """B's addresses with B's objects: its portal is off, and A's people are strangers there."""
    route = ROUTES[name]
    login(client, planted, persona)
    obj = getattr(planted.b, route.obj) if route.obj else None
    response = getattr(client, route.method)(url_for(name, route, state=planted.b.state, obj=obj))
    if route.kind == "portal":
        check(response, 404)
    elif persona == "anonymous":
        check(response, "login" if route.kind == "workspace" else 401)
    elif persona == "b_admin":
        # B's administrator gets what A's gets at A's address.
        check(response, 403 if "a_admin" in route.refused else route.ok)
    else:
        check(response, 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.kind in {"workspace", "state-api", "portal"}))
def test_unknown_state_looks_like_any_state_to_strangers(client, planted, name, persona):
    route = ROUTES[name]
    login(client, planted, persona)
    kwargs = dict(route.kwargs, state_slug="no-such-state")
    if route.obj:
        kwargs["pk"] = getattr(planted.a, route.obj).pk
    response = client.get(reverse(name, kwargs=kwargs))
    if persona == "anonymous" and route.kind == "workspace":
        check(response, "login")
    elif persona == "anonymous" and route.kind == "state-api":
        check(response, 401)
    else:
        check(response, 404)


def test_portal_shows_only_published_recommendations(client, planted):
    response = client.get(reverse("portal:home", kwargs={"state_slug": planted.a.state.slug}))
    assert [hit.recommendation.pk for hit in response.context["hits"]] == [planted.a.published.pk]
    response = client.get(reverse("api:public-api:recommendation-list", kwargs={"state_slug": planted.a.state.slug}))
    assert [row["id"] for row in response.json()["results"]] == [planted.a.published.pk]
    response = client.get(
        reverse(
            "portal:recommendation-detail", kwargs={"state_slug": planted.a.state.slug, "pk": planted.a.unpublished.pk}
        )
    )
    assert response.status_code == 404


def test_workspace_list_shows_exactly_the_states_own_rows(client, planted):
    login(client, planted, "a_observer")
    response = client.get(reverse("workspace:recommendation-list", kwargs={"state_slug": planted.a.state.slug}))
    assert sorted(r.pk for r in response.context["recommendations"]) == sorted(
        [planted.a.published.pk, planted.a.unpublished.pk]
    )


def test_api_list_shows_exactly_the_states_own_rows(client, planted):
    login(client, planted, "b_admin")
    response = client.get(reverse("api:state-api:recommendation-list", kwargs={"state_slug": planted.b.state.slug}))
    assert sorted(row["id"] for row in response.json()["results"]) == sorted(
        [planted.b.published.pk, planted.b.unpublished.pk]
    )


def test_api_token_authentication_is_isolated_too(client, planted):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=planted.a.people["admin"])
    headers = {"Authorization": f"Token {token.key}"}
    own = client.get(reverse("api:state-api:recommendation-list", kwargs={"state_slug": "alpha"}), headers=headers)
    other = client.get(reverse("api:state-api:recommendation-list", kwargs={"state_slug": "beta"}), headers=headers)
    assert (own.status_code, other.status_code) == (200, 404)
    assert own.json()["count"] == 2


def test_sign_in_with_the_password_reaches_the_workspace(client, planted):
    response = client.post(
        reverse("accounts:login"),
        {"username": "admin@alpha.example.org", "password": PASSWORD, "next": "/alpha/workspace/"},
        follow=True,
    )
    assert response.redirect_chain == [("/alpha/workspace/", 302)]
    assert response.context["current_state"] == planted.a.state

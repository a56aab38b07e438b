"""Links in e-mails from SITE_URL, and the throttles of sign-in, password links, anonymous pages,
exports and the State API (nrtd.ratelimit, tenants.views.passwords)."""

import re
from ipaddress import ip_network

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from nrtd.ratelimit import client_ip
from tests.factories import PASSWORD
from tests.test_isolation_sweep import login

pytestmark = pytest.mark.django_db

RESET = "accounts:password_reset"
# A window no test crosses the edge of (the limits count in fixed windows).
WINDOW = 10**6


def test_a_password_link_is_on_site_url_whatever_the_host(client, planted, settings):
    settings.SITE_URL = "https://nrtd.example.org/"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    response = client.post(
        reverse(RESET), {"email": "admin@alpha.example.org"}, headers={"Host": "localhost:31337"}, secure=False
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    links = re.findall(r"\S+://\S+", message.body)
    assert links and all(link.startswith("https://nrtd.example.org/accounts/reset/") for link in links), links
    assert "31337" not in message.body and "localhost" not in message.body


def test_an_invited_administrators_password_link_too(client, planted, settings):
    """An invited administrator (no password yet) gets the same link on SITE_URL."""
    settings.SITE_URL = "https://nrtd.example.org"
    settings.ALLOWED_HOSTS = ["localhost"]
    user = planted.a.people["admin"]
    user.set_unusable_password()
    user.save()
    client.post(reverse(RESET), {"email": user.email}, headers={"Host": "localhost:31337"})
    (message,) = mail.outbox
    assert "https://nrtd.example.org/accounts/reset/" in message.body
    assert "31337" not in message.body


def test_password_links_to_one_address_are_limited(client, planted, settings):
    settings.NRTD_RATE_LIMITS = {
        **settings.NRTD_RATE_LIMITS,
        "reset_address": (3, WINDOW),
        "reset_client": (100, WINDOW),
    }
    for _ in range(3):
        assert client.post(reverse(RESET), {"email": "admin@alpha.example.org"}).status_code == 302
    refused = client.post(reverse(RESET), {"email": "ADMIN@alpha.example.org"})
    assert refused.status_code == 429
    assert "Too many password links were sent to this e-mail address" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Another address is not concerned.
    assert client.post(reverse(RESET), {"email": "observer@alpha.example.org"}).status_code == 302
    assert len(mail.outbox) == 4


def test_password_links_from_one_client_are_limited(client, planted, settings):
    settings.NRTD_RATE_LIMITS = {
        **settings.NRTD_RATE_LIMITS,
        "reset_address": (100, WINDOW),
        "reset_client": (5, WINDOW),
    }
    for number in range(5):
        assert client.post(reverse(RESET), {"email": f"nobody{number}@example.org"}).status_code == 302
    refused = client.post(reverse(RESET), {"email": "admin@alpha.example.org"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert mail.outbox == []
    # From another address, it is sent.
    other = client.post(reverse(RESET), {"email": "admin@alpha.example.org"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302
    assert len(mail.outbox) == 1


def test_sign_in_failures_across_user_names_are_limited(client, planted, settings):
    """Password spraying: one wrong password for each of many names, from one address."""
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "signin_failures": (20, 900)}
    url = reverse("accounts:login")
    for number in range(20):
        response = client.post(url, {"username": f"someone{number}@example.org", "password": "wrong"})
        assert response.status_code == 200
    refused = client.post(url, {"username": "admin@alpha.example.org", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many failed sign-ins from this address" in refused.content.decode()
    assert refused["Retry-After"] == "900"
    # Another address signs in.
    other = client.post(url, {"username": "admin@alpha.example.org", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("portal:recommendation-detail", "published"),
        ("portal:dashboard", None),
        ("portal:consultation-list", None),
        ("accounts:login", None),
        ("api-schema", None),
    ],
)
def test_every_anonymous_page_is_limited(client, planted, settings, name, kwargs):
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "page": (4, WINDOW)}
    args = {}
    if name.startswith("portal:"):
        args["state_slug"] = planted.a.state.slug
    if kwargs:
        args["pk"] = getattr(planted.a, kwargs).pk
    url = reverse(name, kwargs=args)
    for _ in range(4):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # The health checks are never limited.
    assert client.get(reverse("healthz")).status_code == 200
    # A signed-in person is not counted page by page.
    login(client, planted, "a_observer")
    assert client.get(url).status_code == 200


def test_the_workspace_export_is_limited(client, planted, settings):
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "workspace_export": (2, WINDOW)}
    login(client, planted, "a_secretariat")
    url = reverse("workspace:recommendation-export", kwargs={"state_slug": planted.a.state.slug})
    for _ in range(2):
        assert client.get(url, {"format": "csv"}).status_code == 200
    assert client.get(url, {"format": "csv"}).status_code == 429


def test_the_state_api_is_limited(client, planted, settings):
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "state_api": (3, WINDOW)}
    login(client, planted, "a_admin")
    url = reverse("api:state-api:recommendation-list", kwargs={"state_slug": planted.a.state.slug})
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert client.get(reverse("api:me")).status_code == 429


@pytest.mark.parametrize(
    "count,trusted,peer,forwarded,expected",
    [
        (0, [], "198.51.100.1", "203.0.113.5", "198.51.100.1"),  # no proxy: the header is the client's word
        (1, [], "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, [], "10.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # what the client wrote is ignored
        (2, [], "10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (1, [], "10.0.0.1", "", "10.0.0.1"),  # no header: the peer
        (1, [], "10.0.0.1", "not-an-address", "10.0.0.1"),
        (1, [], "10.0.0.1", "[2001:db8::1]:4711", "2001:db8::1"),
        (1, [], "10.0.0.1", "203.0.113.5:4711", "203.0.113.5"),
        (1, ["10.0.0.0/8"], "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, ["10.0.0.0/8"], "198.51.100.1", "203.0.113.5", "198.51.100.1"),  # an untrusted peer's header
    ],
)
def test_the_client_address(settings, count, trusted, peer, forwarded, expected):
    settings.NRTD_TRUSTED_PROXY_COUNT = count
    settings.NRTD_TRUSTED_PROXIES = [ip_network(network) for network in trusted]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_axes_reads_the_same_client_address(client, planted, settings):
    """Behind one proxy, axes locks the client named by X-Forwarded-For, not the proxy."""
    settings.NRTD_TRUSTED_PROXY_COUNT = 1
    url = reverse("accounts:login")
    wrong = {"username": "admin@alpha.example.org", "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, wrong, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    right = {"username": "admin@alpha.example.org", "password": PASSWORD}
    assert client.post(url, right, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.post(url, right, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302

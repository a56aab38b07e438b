"""Sessions end after NRTD_SESSION_IDLE_MINUTES without a request (tenants.middleware.IdleSessionMiddleware)."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tenants.middleware import idle_key
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client) -> None:
    response = client.post(reverse("accounts:login"), {"username": "admin@alpha.example.org", "password": PASSWORD})
    assert response.status_code == 302


def idle_for(client, seconds: int) -> None:
    """As if the session's last request was ``seconds`` ago."""
    cache.set(idle_key(client.session.session_key), int(time.time()) - seconds)


def test_an_idle_session_lands_on_sign_in_with_a_message(client, planted, settings):
    settings.NRTD_SESSION_IDLE_MINUTES = 30
    sign_in(client)
    workspace = reverse("workspace:home", kwargs={"state_slug": planted.a.state.slug})
    assert client.get(workspace).status_code == 200
    idle_for(client, 31 * 60)
    response = client.get(workspace, follow=True)
    assert response.redirect_chain[0] == (f"{reverse('accounts:login')}?next={workspace}", 302)
    assert "signed out after 30 minutes without activity" in response.content.decode()
    # Signed out for good: the next page asks again.
    assert client.get(workspace).status_code == 302


def test_a_session_in_use_stays(client, planted, settings):
    settings.NRTD_SESSION_IDLE_MINUTES = 30
    sign_in(client)
    workspace = reverse("workspace:home", kwargs={"state_slug": planted.a.state.slug})
    idle_for(client, 29 * 60)
    assert client.get(workspace).status_code == 200
    # That request counted as activity: the clock starts again.
    assert int(time.time()) - cache.get(idle_key(client.session.session_key)) < 5
    assert client.get(workspace).status_code == 200


def test_the_api_answers_401_after_the_idle_time(client, planted, settings):
    settings.NRTD_SESSION_IDLE_MINUTES = 30
    sign_in(client)
    url = reverse("api:me")
    assert client.get(url).status_code == 200
    idle_for(client, 31 * 60)
    assert client.get(url).status_code == 401


def test_the_message_is_in_the_persons_language(client, planted, settings):
    settings.NRTD_SESSION_IDLE_MINUTES = 30
    sign_in(client)
    idle_for(client, 31 * 60)
    workspace = reverse("workspace:home", kwargs={"state_slug": planted.a.state.slug})
    response = client.get(workspace, follow=True, headers={"Accept-Language": "fr"})
    assert "inactivité" in response.content.decode()

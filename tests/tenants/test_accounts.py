"""Signing in and its throttling."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_is_throttled_after_repeated_failures(client, planted, settings):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "admin@alpha.example.org", "password": "wrong"})
        assert response.status_code == 200
        assert response.context["form"].errors["__all__"] == [
            "Please enter a correct e-mail address and password. Note that both fields may be case-sensitive."
        ]
    locked = client.post(url, {"username": "admin@alpha.example.org", "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Even the right password waits for the cool-off now.
    again = client.post(url, {"username": "admin@alpha.example.org", "password": PASSWORD})
    assert again.status_code == 429
    # Another account from the same address is not locked.
    other = client.post(url, {"username": "observer@alpha.example.org", "password": PASSWORD})
    assert (other.status_code, other["Location"]) == (302, reverse("home"))

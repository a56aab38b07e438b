"""Signing in, throttling, password links, and the platform's State creation."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import Recommendation
from tenants.history_display import render
from tenants.models import HistoryEntry, Invitation, Membership, Role, State, User
from tenants.scoping import state_context
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


def test_platform_admin_creates_a_state_and_its_first_administrator_joins_by_the_invitation(
    client, planted, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://nrtd.example.org"
    client.force_login(planted.platform_admin, backend="django.contrib.auth.backends.ModelBackend")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("platform:state-create"),
            {
                "name": "Gammaland",
                "slug": "gamma",
                "iso3": "xgg",
                "content_languages": ["en", "ar"],
                "default_language": "en",
                "portal_enabled": "on",
                "admin_email": "New.Admin@gamma.example.org",
                "admin_name": "New Admin",
            },
        )
    state = State.objects.get(slug="gamma")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("platform:state-detail", kwargs={"pk": state.pk}),
    )
    assert (state.name, state.iso3, state.content_languages, state.default_language, state.portal_enabled) == (
        "Gammaland",
        "XGG",
        ["en", "ar"],
        "en",
        True,
    )
    # Nobody is a member, and no account exists, until the invitation is accepted.
    assert not User.objects.filter(email="new.admin@gamma.example.org").exists()
    with state_context(state):
        assert not Membership.objects.exists()
        assert list(Invitation.objects.values_list("email", "role", "invited_by")) == [
            ("new.admin@gamma.example.org", Role.STATE_ADMIN, planted.platform_admin.pk)
        ]
    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["new.admin@gamma.example.org"],
        "Platform admin invites you to Gammaland as State administrator",
    )
    link = re.search(r"https://nrtd\.example\.org(/gamma/invitation/\S+/)", message.body).group(1)

    client.logout()
    form = client.get(link)
    assert form.context["form"]["name"].value() == "New Admin"
    new_password = "a long and new passphrase 42"
    joined = client.post(link, {"name": "New Admin", "new_password1": new_password, "new_password2": new_password})
    assert joined["Location"] == "/gamma/workspace/"
    assert client.get("/gamma/workspace/").status_code == 200
    admin = User.objects.get(email="new.admin@gamma.example.org")
    assert (admin.name, admin.check_password(new_password)) == ("New Admin", True)
    with state_context(state):
        assert list(Membership.objects.values_list("user__email", "role", "is_active")) == [
            (admin.email, Role.STATE_ADMIN, True)
        ]
    # Signing in again works with the password chosen.
    client.logout()
    signed_in = client.post(
        reverse("accounts:login"), {"username": admin.email, "password": new_password, "next": "/gamma/workspace/"}
    )
    assert signed_in["Location"] == "/gamma/workspace/"


def test_state_form_explains_its_refusals(client, planted):
    client.force_login(planted.platform_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("platform:state-create"),
        {
            "name": "Dup",
            "slug": "alpha",
            "iso3": "X1",
            "content_languages": ["en"],
            "default_language": "fr",
            "admin_email": "not-an-address",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "slug": ["Another State already uses this short name."],
        "iso3": ["Three letters, such as SVN."],
        "default_language": ["The default language must be one of the content languages."],
        "admin_email": ["Enter a valid email address."],
    }


def test_reserved_slugs_are_refused(client, planted):
    client.force_login(planted.platform_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("platform:state-create"), {"slug": "platform"})
    assert response.context["form"].errors["slug"] == ["“platform” is reserved by the site."]


def test_create_state_command(planted, capsys, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://nrtd.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_state",
            "--name", "Deltaland", "--slug", "delta", "--iso3", "XDD", "--languages", "fr,en",
            "--admin-email", "chef@delta.example.org",
        )  # fmt: skip
    state = State.objects.get(slug="delta")
    assert (state.content_languages, state.default_language) == (["fr", "en"], "fr")
    assert capsys.readouterr().out == (
        "Created Deltaland (delta) at https://nrtd.example.org/delta/; chef@delta.example.org is invited to be its "
        "administrator\n"
    )
    assert [message.to for message in mail.outbox] == [["chef@delta.example.org"]]
    # The State's log says a command of the hosting office's created it.
    with state_context(state):
        [created] = HistoryEntry.objects.filter(table_name="tenants_state")
        [line] = render([created], state=state)
    assert (line.kind, line.title, line.action, line.who) == (
        "State",
        "Deltaland",
        "created",
        "The State's creation on the server",
    )


def test_load_demo_is_idempotent(db):
    call_command("load_demo")
    call_command("load_demo")
    # Beside the two planted States of the test session.
    assert sorted(State.objects.exclude(slug__in=["alpha", "beta"]).values_list("slug", flat=True)) == [
        "arcadia",
        "borealia",
    ]
    arcadia = State.objects.get(slug="arcadia")
    with state_context(arcadia):
        assert Recommendation.objects.count() == 4
        assert sorted(Membership.objects.values_list("role", flat=True)) == sorted(Role.values)

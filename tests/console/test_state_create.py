"""The hosting office creates a State and invites its first administrator (page and command)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tenants.history_display import render
from tenants.models import HistoryEntry, Invitation, Membership, Role, State, User
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


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

"""The hosting office creates a State and invites its first administrator (page and command)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tenants.models import Membership, Role, State, User
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def test_platform_admin_creates_a_state_and_its_admin_gets_a_password_link(client, planted):
    client.force_login(planted.platform_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("platform:state-create"),
        {
            "name": "Gammaland",
            "slug": "gamma",
            "iso3": "xgg",
            "content_languages": ["en", "ar"],
            "default_language": "ar",
            "portal_enabled": "on",
            "admin_email": "new.admin@gamma.example.org",
            "admin_name": "New Admin",
        },
    )
    assert (response.status_code, response["Location"]) == (302, reverse("platform:home"))
    state = State.objects.get(slug="gamma")
    assert (state.name, state.iso3, state.content_languages, state.default_language, state.portal_enabled) == (
        "Gammaland",
        "XGG",
        ["en", "ar"],
        "ar",
        True,
    )
    admin = User.objects.get(email="new.admin@gamma.example.org")
    assert not admin.has_usable_password()
    with state_context(state):
        assert list(Membership.objects.values_list("user__email", "role")) == [(admin.email, Role.STATE_ADMIN)]
    [message] = mail.outbox
    assert message.to == [admin.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    client.logout()
    form = client.get(link, follow=True)
    assert form.context["validlink"] is True
    new_password = "a long and new passphrase 42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    signed_in = client.post(
        reverse("accounts:login"), {"username": admin.email, "password": new_password, "next": "/gamma/workspace/"}
    )
    assert signed_in["Location"] == "/gamma/workspace/"
    assert client.get("/gamma/workspace/").status_code == 200


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


def test_create_state_command(planted, capsys):
    call_command(
        "create_state",
        "--name", "Deltaland", "--slug", "delta", "--iso3", "XDD", "--languages", "fr,en",
        "--admin-email", "chef@delta.example.org",
    )  # fmt: skip
    state = State.objects.get(slug="delta")
    assert (state.content_languages, state.default_language) == (["fr", "en"], "fr")
    assert capsys.readouterr().out.startswith("Created Deltaland (delta)")

"""Two-factor sign-in: set-up, the code step, recovery codes, who must have it, sessions that end."""

import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Membership, State
from tenants.scoping import state_context
from tests.factories import PASSWORD
from tests.two_factor_helpers import code_for, code_from_secret, give_two_factor, verify_session

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SETUP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/code/"


def password_step(client, email, next_url="/alpha/workspace/"):
    return client.post(LOGIN, {"username": email, "password": PASSWORD, "next": next_url})


def recovery_codes_of(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


def test_set_up_shows_a_secret_and_qr_code_and_a_code_confirms_it(client, planted):
    user = planted.a.people["focal_point"]
    client.force_login(user)
    page = client.get(SETUP)
    assert page.status_code == 200
    body = page.content.decode()
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', body).group(1)
    assert 'src="data:image/svg+xml;base64,' in body
    # The same secret until it is confirmed (a reload does not change what the app was given).
    assert secret in client.get(SETUP).content.decode()

    wrong = client.post(SETUP, {"code": "000000" if code_from_secret(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [
        "That code is not right. Check that your device's clock is right, and try again."
    ]
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    # django-otp throttles after a wrong code: the next try waits a second.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post(SETUP, {"code": code_from_secret(secret)})
    assert done.status_code == 200
    assert done["Cache-Control"] == "no-store"
    codes = recovery_codes_of(done)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(codes)
    # The session that set it up is verified.
    assert client.get("/accounts/two-factor/").context["verified"] is True


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client, planted, settings):
    user = planted.a.people["observer"]
    device = give_two_factor(user)
    response = password_step(client, user.email)
    assert response["Location"] == VERIFY
    # Not signed in yet: the workspace sends to sign in.
    assert client.get("/alpha/workspace/")["Location"].startswith(LOGIN)

    wrong = client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    # Too soon after a wrong code: refused without being checked, even the right code.
    throttled = client.post(VERIFY, {"code": code_for(device)})
    assert throttled.context["form"].errors["code"] == ["Too many wrong codes. Wait a few seconds, then try again."]
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timezone.timedelta(minutes=5)
    )
    right = client.post(VERIFY, {"code": code_for(device)})
    assert right["Location"] == "/alpha/workspace/"
    assert client.get("/alpha/workspace/").status_code == 200
    assert client.get("/accounts/two-factor/").context["verified"] is True
    # The same code is not accepted twice (another sign-in with it fails).
    client.logout()
    password_step(client, user.email)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 200


def test_without_a_device_the_password_is_enough(client, planted):
    response = password_step(client, planted.a.people["observer"].email)
    assert response["Location"] == "/alpha/workspace/"


def test_the_code_step_needs_the_password_step_first(client, planted):
    assert client.get(VERIFY)["Location"] == LOGIN
    assert client.post(VERIFY, {"code": "123456"})["Location"] == LOGIN


def test_a_recovery_code_works_once(client, planted):
    user = planted.a.people["admin"]
    client.force_login(user, verified=True)
    codes = recovery_codes_of(client.post("/accounts/two-factor/recovery-codes/"))
    assert len(codes) == 10
    client.logout()

    password_step(client, user.email)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/alpha/workspace/"
    assert "You signed in with a recovery code; 9 left." in response.content.decode()
    client.logout()

    password_step(client, user.email)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()


def test_new_recovery_codes_replace_the_old_ones(client, planted):
    user = planted.a.people["admin"]
    client.force_login(user, verified=True)
    first = recovery_codes_of(client.post("/accounts/two-factor/recovery-codes/"))
    second = recovery_codes_of(client.post("/accounts/two-factor/recovery-codes/"))
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(second)
    assert not set(first) & set(second)


def test_recovery_codes_and_turning_off_need_a_verified_session(client, planted):
    user = planted.a.people["admin"]
    give_two_factor(user)
    client.force_login(user, verified=False)
    for url in ("/accounts/two-factor/recovery-codes/", "/accounts/two-factor/turn-off/"):
        response = client.post(url, {"code": "123456"})
        assert response["Location"].startswith(VERIFY + "?next=")
    assert TOTPDevice.objects.filter(user=user).exists()


def test_turning_off_needs_a_current_code(client, planted):
    user = planted.a.people["admin"]
    client.force_login(user, verified=True)
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/two-factor/turn-off/", {"code": "abc"}).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post("/accounts/two-factor/turn-off/", {"code": code_for(device)})
    assert response["Location"] == "/accounts/two-factor/"
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Signing in needs the password only again.
    client.logout()
    assert password_step(client, user.email)["Location"] == "/alpha/workspace/"


def test_a_platform_admin_is_sent_to_set_up_two_factor(client, planted):
    admin = planted.platform_admin
    client.force_login(admin, verified=False)
    for url in ("/platform/", "/", "/alpha/", "/accounts/two-factor/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"{SETUP}?next={url.replace('/', '%2F')}")
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]
    # What stays open: set-up, the code step, signing out, the language.
    assert client.get(SETUP).status_code == 200
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/"}).status_code == 302

    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', client.get(SETUP).content.decode()).group(1)
    client.post(SETUP, {"code": code_from_secret(secret)})
    assert client.get("/platform/").status_code == 200


def test_a_platform_admin_with_a_device_signs_in_with_a_code(client, planted):
    admin = planted.platform_admin
    device = give_two_factor(admin)
    assert password_step(client, admin.email, "/platform/")["Location"] == VERIFY
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == "/platform/"
    assert client.get("/platform/").status_code == 200


def test_an_unverified_session_of_a_platform_admin_with_a_device_is_asked_for_a_code(client, planted):
    admin = planted.platform_admin
    device = give_two_factor(admin)
    client.force_login(admin, verified=False)
    response = client.get("/platform/")
    assert response["Location"] == f"{VERIFY}?next=%2Fplatform%2F"
    assert client.post(response["Location"], {"code": code_for(device), "next": "/platform/"})["Location"] == (
        "/platform/"
    )
    assert client.get("/platform/").status_code == 200


def require_two_factor(state: State) -> None:
    state.require_two_factor = True
    with state_context(state):
        state.save(update_fields=["require_two_factor"])


@pytest.mark.parametrize(
    ("role", "must"), [("admin", True), ("secretariat", True), ("focal_point", False), ("observer", False)]
)
def test_a_state_that_requires_two_factor_asks_its_staff_only(client, planted, role, must):
    require_two_factor(planted.a.state)
    user = planted.a.people[role]
    client.force_login(user, verified=False)
    workspace = client.get("/alpha/workspace/recommendations/")
    api = client.get("/api/v1/states/alpha/recommendations/")
    if must:
        assert workspace["Location"] == f"{SETUP}?next=%2Falpha%2Fworkspace%2Frecommendations%2F"
        assert api.status_code == 403
        assert api.json()["detail"].startswith(
            "This State requires two-factor sign-in for administrators and secretariat officers."
        )
    else:
        assert (workspace.status_code, api.status_code) == (200, 200)
    # Another State without the requirement is not affected.
    beta_admin = planted.b.people["admin"]
    client.force_login(beta_admin, verified=False)
    assert client.get("/beta/workspace/").status_code == 200


def test_staff_of_such_a_state_enter_with_a_verified_session(client, planted):
    require_two_factor(planted.a.state)
    user = planted.a.people["secretariat"]
    client.force_login(user, verified=False)
    device = give_two_factor(user)
    # With a device but an unverified session: the code step, then in.
    response = client.get("/alpha/workspace/")
    assert response["Location"] == f"{VERIFY}?next=%2Falpha%2Fworkspace%2F"
    assert client.post(response["Location"], {"code": code_for(device), "next": "/alpha/workspace/"})["Location"] == (
        "/alpha/workspace/"
    )
    assert client.get("/alpha/workspace/").status_code == 200
    assert client.get("/api/v1/states/alpha/recommendations/").status_code == 200


def test_api_tokens_of_staff_are_refused_where_two_factor_is_required(client, planted):
    from rest_framework.authtoken.models import Token

    require_two_factor(planted.a.state)
    token = Token.objects.create(user=planted.a.people["admin"])
    response = client.get("/api/v1/states/alpha/recommendations/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


@pytest.mark.parametrize("role", ["secretariat", "focal_point", "observer"])
def test_only_state_admins_see_the_security_page(client, planted, role):
    client.force_login(planted.a.people[role], verified=True)
    assert client.get("/alpha/workspace/security/").status_code == 403
    assert client.get("/alpha/workspace/settings/").status_code == 403
    assert client.post("/alpha/workspace/security/", {"require_two_factor": "on"}).status_code == 403
    assert (
        client.post(
            "/alpha/workspace/settings/", {"section": "security", "security-require_two_factor": "on"}
        ).status_code
        == 403
    )
    planted.a.state.refresh_from_db()
    assert planted.a.state.require_two_factor is False


def test_a_state_admin_turns_the_requirement_on_and_off(client, planted):
    admin = planted.a.people["admin"]
    client.force_login(admin, verified=False)
    # The former security page is the settings page's section now; its address keeps working.
    assert client.get("/alpha/workspace/security/")["Location"] == "/alpha/workspace/settings/#settings-security"
    assert client.get("/alpha/workspace/settings/").status_code == 200
    # Not before they have it themselves: they would lock themselves out.
    refused = client.post("/alpha/workspace/settings/", {"section": "security", "security-require_two_factor": "on"})
    assert refused.status_code == 200
    forms = {section.key: form for section, form in refused.context["sections"]}
    assert forms["security"].errors == {
        "require_two_factor": [
            "Set up two-factor sign-in for yourself first, and sign in with a code: otherwise you would be locked out."
        ]
    }
    planted.a.state.refresh_from_db()
    assert planted.a.state.require_two_factor is False

    verify_session(client, admin)
    response = client.post("/alpha/workspace/settings/", {"section": "security", "security-require_two_factor": "on"})
    assert response["Location"] == "/alpha/workspace/settings/#settings-security"
    planted.a.state.refresh_from_db()
    assert planted.a.state.require_two_factor is True
    # A form of the former page, posted to its address, still works.
    response = client.post("/alpha/workspace/security/", {})
    assert response["Location"] == "/alpha/workspace/settings/#settings-security"
    planted.a.state.refresh_from_db()
    assert planted.a.state.require_two_factor is False


def test_a_disabled_person_is_signed_out_at_the_next_request(client, planted):
    user = planted.a.people["secretariat"]
    client.force_login(user)
    assert client.get("/alpha/workspace/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/alpha/workspace/")
    assert response["Location"].startswith(LOGIN + "?next=")
    assert client.get("/api/v1/me/").status_code == 401


def test_a_disabled_person_cannot_finish_a_pending_sign_in(client, planted):
    user = planted.a.people["admin"]
    device = give_two_factor(user)
    password_step(client, user.email)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == LOGIN
    assert client.get("/alpha/workspace/")["Location"].startswith(LOGIN)


def test_removing_a_membership_closes_the_workspace_at_once(client, planted):
    user = planted.a.people["focal_point"]
    client.force_login(user)
    assert client.get("/alpha/workspace/").status_code == 200
    with state_context(planted.a.state):
        Membership.objects.filter(user=user).delete()
    assert client.get("/alpha/workspace/").status_code == 404
    assert client.get("/api/v1/states/alpha/recommendations/").status_code == 404


def test_a_platform_administrators_token_is_refused_without_a_verified_session(planted):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=planted.platform_admin)
    response = Client().get("/api/v1/me/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 403
    assert "API tokens cannot be used for this account" in response.json()["detail"]

"""Two-factor sign-in in tests: a confirmed authenticator device, its codes, a verified session."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def give_two_factor(user) -> TOTPDevice:
    """The person's confirmed authenticator device (created when missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` periods later: a code is accepted
    once, and the device allows one period of clock difference either way)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits)
    return f"{code:0{device.digits}d}"


def code_from_secret(secret: str, steps_ahead: int = 0) -> str:
    """The code for a secret as the set-up page shows it (base32, in groups)."""
    import base64

    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, t0=-steps_ahead * 30):06d}"


def next_code_from_secret(secret: str, email: str, django_db_blocker) -> str:
    """The code to sign in with right after setting up with ``code_from_secret(secret)``: a
    later one (each is accepted once), inside the window the device keeps now. When setting up
    crossed a 30-second step (a loaded machine), the device learnt a drift of one step back
    (django-otp's OTP_TOTP_SYNC) and its window moved with it: the next step is then the
    current one."""
    with django_db_blocker.unblock():
        drift = TOTPDevice.objects.get(user__email=email).drift
    return code_from_secret(secret, steps_ahead=1 + drift)


def verify_session(client: Client, user) -> TOTPDevice:
    """Mark the client's signed-in session as verified with the person's device, as the code step does."""
    device = give_two_factor(user)
    session = client.session
    assert session[SESSION_KEY] == str(user.pk)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


class NRTDClient(Client):
    """The test client, whose ``force_login`` also verifies a platform administrator's session
    (they cannot use the site otherwise). ``verified=True`` verifies anyone's; ``verified=False``
    nobody's (to test the enforcement itself)."""

    def force_login(self, user, backend=None, *, verified: bool | None = None):
        super().force_login(user, backend=backend or MODEL_BACKEND)
        if verified if verified is not None else user.is_platform_admin:
            verify_session(self, user)

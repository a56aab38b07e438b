"""Two-factor sign-in: a code from an authenticator app (TOTP), or a one-time recovery code.

Built on django-otp. A person has two-factor sign-in when they have a *confirmed* TOTP device;
their recovery codes are the tokens of one static device. A session is *verified* when a code
was given in it (``django_otp.login`` records the device in the session, and ``OTPMiddleware``
makes ``request.user.is_verified()`` true). See docs/security.md.

Who must have it: platform administrators always (tenants.middleware.PlatformTwoFactorMiddleware),
and the State administrators and secretariat officers of a State that turns
``State.require_two_factor`` on (tenants.middleware.StateMiddleware, tenants.api.IsStateMember).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Role

RECOVERY_CODE_COUNT = 10
# The roles a State's requirement applies to: the people who manage the State's data.
STAFF_ROLES = frozenset({Role.STATE_ADMIN, Role.SECRETARIAT})


def has_two_factor(user) -> bool:
    """Whether the person has set up an authenticator app (a confirmed TOTP device)."""
    return bool(user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def is_verified(user) -> bool:
    """Whether this request's session was verified with a code.

    Only a session can be verified: an API token never is (``is_verified`` is what
    ``OTPMiddleware`` installs on the session's user).
    """
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())


def state_requires_two_factor(state, membership) -> bool:
    """Whether this membership must be verified to enter this State's workspace and API."""
    return bool(state is not None and state.require_two_factor and membership and membership.role in STAFF_ROLES)


def pending_device(user) -> TOTPDevice:
    """The person's unconfirmed TOTP device, created when missing (the secret shown at set-up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI (drawn here: nothing is fetched, no inline script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with ten new ones, and return them (shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def confirm_device(user, device: TOTPDevice, code: str) -> bool:
    """Confirm the set-up with a first code from the app; the person's older devices go."""
    if not device.verify_token(normalise(code)):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def normalise(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


@dataclass(frozen=True)
class CodeCheck:
    device: TOTPDevice | StaticDevice | None = None
    # When the person must wait after too many wrong codes.
    locked_until: datetime | None = None


def check_code(user, code: str) -> CodeCheck:
    """Check a six-digit code from the app, or a recovery code (which is then used up).

    Wrong codes are throttled by django-otp on the device: after each one, the next try must
    wait 1, 2, 4, 8... seconds (``OTP_TOTP_THROTTLE_FACTOR``); a try that comes too soon is
    refused without being checked.
    """
    code = normalise(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.filter(user=user, confirmed=True).select_for_update())
        for device in devices:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                return CodeCheck(locked_until=(details or {}).get("locked_until"))
        for device in devices:
            if device.verify_token(code):
                return CodeCheck(device=device)
    return CodeCheck()

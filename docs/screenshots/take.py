"""The README's screenshots: the recommendation list, a recommendation, the dashboard and the
platform console, in English and Arabic, on a 1,366-pixel desktop and a 320-pixel phone.

Run it against the demo, from a second terminal while `make run` serves it:

    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8000

It opens the same database as `make run` (DATABASE_URL, or the embedded PostgreSQL in .data/),
signs the demo's people in by writing their sessions there (the platform administrator's
verified by an authenticator device made for the run), drives Debian's chromium, and removes
the sessions and the device afterwards. Each screenshot is the first screen of the page (what
a visitor sees before scrolling), as PNG in docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))

from nrtd import devtools  # noqa: E402

OUT = Path(__file__).resolve().parent
SIZES = {"1366": {"width": 1366, "height": 860}, "320": {"width": 320, "height": 720}}
LANGUAGES = ("en", "ar")


def main(base: str) -> None:
    extra, server = devtools.prepare_database()
    os.environ.update(extra)
    os.environ.setdefault("NRTD_MODE", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import sync_playwright

    from recommendations.models import Recommendation
    from tenants.models import State, User
    from tenants.scoping import state_context

    officer = User.objects.get(email="officer@arcadia.example")
    platform = User.objects.get(email="platform@nrtd.example")
    had_device = TOTPDevice.objects.filter(user=platform).exists()
    device = TOTPDevice.objects.filter(user=platform).first() or TOTPDevice.objects.create(
        user=platform, name="screenshots", confirmed=True
    )
    sessions = []

    def session_of(user, verified=False) -> str:
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        if verified:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        sessions.append(session)
        return session.session_key

    arcadia = State.objects.get(slug="arcadia")
    with state_context(arcadia):
        shown = Recommendation.objects.get(symbol="A/HRC/43/6", paragraph="127.2")
    # Sessions first: Playwright's sync API keeps an event loop in this thread, where Django
    # refuses database work.
    secretariat, console = session_of(officer), session_of(platform, verified=True)
    pages = [
        ("list", secretariat, "/arcadia/workspace/recommendations/", "tick"),
        ("recommendation", secretariat, f"/arcadia/workspace/recommendations/{shown.pk}/", ""),
        ("dashboard", secretariat, "/arcadia/workspace/dashboard/", ""),
        ("console", console, "/platform/", ""),
    ]
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--headless=new", "--no-sandbox"])
            for name, key, path, action in pages:
                for language in LANGUAGES:
                    for size, viewport in SIZES.items():
                        context = browser.new_context(viewport=viewport)
                        context.add_cookies(
                            [
                                {"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base},
                                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base},
                            ]
                        )
                        page = context.new_page()
                        page.goto(base + path)
                        if action == "tick" and size == "1366":
                            # Two recommendations ticked: the bulk action bar, kept in view (on
                            # a phone it stays after the table, and the first screen is shown).
                            for box in page.locator("input[name=ids]").all()[:2]:
                                box.check()
                        target = OUT / f"{name}-{language}-{size}.png"
                        page.screenshot(path=str(target))
                        print(f"{target.relative_to(BASE_DIR)}: {target.stat().st_size // 1024} KB")
                        context.close()
            browser.close()
    finally:
        for session in sessions:
            session.delete()
        if not had_device:
            device.delete()
        del server


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")

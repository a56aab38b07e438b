"""Health probes, the security headers, and the layout in every language."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from nrtd.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_readyz_names_the_failing_part(client):
    assert client.get("/readyz").json() == {"status": "ok"}
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app._pool = None
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = saved
        app._pool = None
    # The site serves without the broker (jobs wait): degraded, not unavailable.
    assert (response.status_code, response.json()) == (
        200,
        {"status": "degraded", "failing": {"broker": "OperationalError"}},
    )


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_has_inline_script_or_style():
    """The CSP forbids inline code; this finds it before a browser would refuse it."""
    offenders = []
    for path in BASE_DIR.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text()
        import re

        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or "<style" in text:
            offenders.append(f"{path}: inline <script> or <style>")
        if re.search(r"\sstyle=", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path}: style= or on*= attribute")
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("code", [code for code, _ in settings.LANGUAGES])
def test_every_language_renders_with_its_direction(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    body = client.get(reverse("accounts:login")).content.decode()
    direction = "rtl" if code == "ar" else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "sign_in"),
    [
        ("en", "Sign in"),
        ("fr", "Se connecter"),
        ("es", "Iniciar sesión"),
        ("ar", "تسجيل الدخول"),
        ("ru", "Войти"),
        ("zh-hans", "登录"),
    ],
)
def test_interface_is_translated(client, code, sign_in):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    body = client.get(reverse("accounts:login")).content.decode()
    assert f"<h1>{sign_in}</h1>" in body

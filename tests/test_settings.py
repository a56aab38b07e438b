"""Production settings: refuse to start without secrets, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "NRTD_MODE": "production",
    "SECRET_KEY": "x7#kq!v2m9$w4z8p1r6t0y3u5i7o9a2s4d6f8g1h3j5k7l9-Qm3vT8wZ",
    "ALLOWED_HOSTS": "nrtd.example.org",
    "DATABASE_URL": "postgresql://nrtd_app:secret@db.example.org:5432/nrtd",
    "DATABASE_OWNER_URL": "postgresql://nrtd_owner:secret@db.example.org:5432/nrtd",
    "DATABASE_PLATFORM_URL": "postgresql://nrtd_platform:secret@db.example.org:5432/nrtd",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NRTD_", "DATABASE", "SECRET", "ALLOWED", "CELERY", "DEBUG", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert (result.returncode, result.stdout.strip(), result.stderr.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
        "",
    )


def test_production_refuses_to_start_without_each_required_setting():
    for missing, message in (
        ("SECRET_KEY", "SECRET_KEY (or SECRET_KEY_FILE) must be set in production"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must list the host names the site is served on"),
        ("DATABASE_URL", "DATABASE_URL must be set in production"),
        ("DATABASE_OWNER_URL", "DATABASE_OWNER_URL and DATABASE_PLATFORM_URL must be set in production"),
        ("DATABASE_PLATFORM_URL", "DATABASE_OWNER_URL and DATABASE_PLATFORM_URL must be set in production"),
        ("CELERY_BROKER_URL", "CELERY_BROKER_URL must be set in production (redis://...)"),
    ):
        env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
        result = manage("check", env=env)
        assert result.returncode != 0, missing
        assert f"ImproperlyConfigured: {message}" in result.stderr, missing


def test_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION_ENV["SECRET_KEY"] + "\n")
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env={**env, "SECRET_KEY_FILE": str(secret_file)})
    assert result.returncode == 0, result.stderr


def test_production_refuses_an_application_role_that_crosses_states():
    """The application's role may be neither the owner nor the platform role (docs/tenancy.md)."""
    for other in ("DATABASE_OWNER_URL", "DATABASE_PLATFORM_URL"):
        result = manage("check", env={**PRODUCTION_ENV, other: PRODUCTION_ENV["DATABASE_URL"]})
        assert result.returncode != 0, other
        assert "DATABASE_URL must name a role of its own" in result.stderr, other


def test_debug_cannot_be_switched_on_in_production():
    result = manage("check", env={**PRODUCTION_ENV, "DEBUG": "on"})
    assert "ImproperlyConfigured: DEBUG cannot be on in production mode" in result.stderr


def test_a_bad_boolean_is_named():
    result = manage("check", env={**PRODUCTION_ENV, "EMAIL_USE_TLS": "perhaps"})
    assert "EMAIL_USE_TLS must be one of" in result.stderr

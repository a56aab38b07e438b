"""Test database, personas and planted data shared by the whole suite.

The test database is created and migrated by the owner role (the ``owner`` connection), exactly
as production migrates; the tests then connect as the application role, so row-level security
binds every query a test makes, as it binds the running site.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from tests.celery_helpers import celery_forget_connections
from tests.factories import PlantedData, plant
from tests.two_factor_helpers import NRTDClient


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    with django_db_blocker.unblock():
        owner = connections["owner"]
        original_name = owner.settings_dict["NAME"]
        test_name = owner.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        default = connections["default"]
        default.close()
        default.settings_dict["NAME"] = test_name
        settings.DATABASES["default"]["NAME"] = test_name
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            connections[alias].close()
        with owner.cursor() as cursor:
            cursor.execute(
                "SELECT usename, application_name, state, backend_type FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            lingering = cursor.fetchall()
        owner.close()
        assert lingering == [], f"sessions still open on the test database: {lingering}"
        owner.creation.destroy_test_db(original_name, verbosity=0, keepdb=False)


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fresh_test(settings, media_root):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Stored files (evidence, imports) go to a directory of the test session, not the data directory.
    settings.MEDIA_ROOT = str(media_root)
    # A request's LocaleMiddleware leaves its language active in the thread; each test starts
    # in English, as a new process would.
    translation.activate(settings.LANGUAGE_CODE)
    # Rate-limit counters and cached portal pages live in the cache: each test starts without them.
    cache.clear()
    yield
    translation.deactivate()


@pytest.fixture
def client() -> NRTDClient:
    """Django's test client, whose ``force_login`` gives platform administrators a session verified
    with two-factor sign-in, as the site requires of them (tests/two_factor_helpers.py)."""
    return NRTDClient()


@pytest.fixture
def planted(db) -> PlantedData:
    """Two States with entities, people in every role and recommendations (in the test's transaction)."""
    return plant()


def _truncate_everything() -> None:
    """Remove committed test data through the owner (TRUNCATE bypasses RLS, so only it may)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "TRUNCATE tenants_state, tenants_user, nrtd_history, pghistory_context, axes_accessattempt,"
            " axes_accesslog, axes_accessfailurelog, django_session CASCADE"
        )
    # Closed here, in the context that opened them: under Playwright's event loop, Django keeps
    # connections per asyncio context, and the session's teardown would not see these.
    connections.close_all()


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Planted data committed for real, for tests where another thread or process must see it
    (a Celery worker, the browser's web server). Cleaned up afterwards."""
    with django_db_blocker.unblock():
        _truncate_everything()
        data = plant()
        connections.close_all()
        yield data
        _truncate_everything()


@dataclass(frozen=True)
class Services:
    redis_url: str


@pytest.fixture(scope="session")
def redis_service() -> Services:
    """The real Redis broker. Missing: skipped on a developer's machine, a failure under CI."""
    import redis

    url = os.environ.get("NRTD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not reachable at {url} under CI: {exc}")
        pytest.skip(f"Redis is not reachable at {url}")
    return Services(redis_url=url)


@pytest.fixture
def celery_queue(redis_service):
    """Jobs the code queues go to Redis, on a queue of this test's own, for a real worker to take."""
    import uuid

    from nrtd.celery import app

    name = f"nrtd-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=redis_service.redis_url,
        result_backend=redis_service.redis_url,
        task_always_eager=False,
        task_default_queue=name,
    )
    celery_forget_connections()
    yield name
    app.conf.update(saved)
    celery_forget_connections()

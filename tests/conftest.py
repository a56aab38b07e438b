"""Test database, personas and planted data shared by the whole suite.

The test database is created and migrated by the owner role (the ``owner`` connection), exactly
as production migrates; the tests then work as the application role, so row-level security
binds every query a test makes, as it binds the running site. Cross-State work (planting data,
the console) switches the test's own connection to the platform role (nrtd/settings.py,
CROSS_STATE_DATABASE); tests/tenants/test_wall.py connects as the application role itself.
"""

from __future__ import annotations

import os
import pickle
import threading
import time
import weakref
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.db.backends.signals import connection_created
from django.utils import translation

from tests.celery_helpers import celery_forget_connections
from tests.factories import PlantedData, plant
from tests.two_factor_helpers import NRTDClient


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings, media_root):
    """The test database, migrated by the owner, with the two planted States committed once.

    Every test that asks for ``planted`` (or ``db``) runs in a transaction rolled back at its end,
    so the planted data is the same for each; a test that commits (``committed``) plants it again
    afterwards.
    """
    with django_db_blocker.unblock():
        owner = connections["owner"]
        original_name = owner.settings_dict["NAME"]
        test_name = owner.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        for alias in ("default", "platform"):
            connections[alias].close()
            connections[alias].settings_dict["NAME"] = test_name
            settings.DATABASES[alias]["NAME"] = test_name
        # The real application role's connection settings, for the wall's tests (tests/tenants/test_wall.py).
        settings.APPLICATION_DATABASE["NAME"] = test_name
        # Planted files (evidence, a report draft) go to the session's media folder, as every
        # test's stored files do (_fresh_test).
        settings.MEDIA_ROOT = str(media_root)
        _plant_and_commit()
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            connections[alias].close()
        _close_main_thread_connections()
        # A backend closed a moment ago may still be on its way out: give it a second.
        for _attempt in range(20):
            with owner.cursor() as cursor:
                cursor.execute(
                    "SELECT usename, application_name, state, backend_type FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                lingering = cursor.fetchall()
            if not lingering:
                break
            time.sleep(0.05)
        owner.close()
        assert lingering == [], f"sessions still open on the test database: {lingering}"
        owner.creation.destroy_test_db(original_name, verbosity=0, keepdb=False)


def _name_the_connection(sender, connection, **kwargs) -> None:
    """Each test connection says which test and thread opened it (pg_stat_activity's
    application_name): a connection left open at the end names its culprit."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "setup").split("::")[-1]
    thread = threading.current_thread()
    where = f"{thread.name[:12]} {test}"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('application_name', %s, false)", [where])
    if thread is threading.main_thread():
        _MAIN_THREAD_CONNECTIONS.append(weakref.ref(connection))


# Django keeps its connections per execution context (asgiref's Local): one the main thread
# opened in another context (Playwright's greenlets run the browser tests) is out of reach of
# connections.close_all() at the end; these references reach it. Other threads' and processes'
# connections are left to the check, which names them.
_MAIN_THREAD_CONNECTIONS: list[weakref.ref] = []


def _close_main_thread_connections() -> None:
    for reference in _MAIN_THREAD_CONNECTIONS:
        connection = reference()
        if connection is not None and connection.connection is not None:
            connection.connection.close()
            connection.connection = None


connection_created.connect(_name_the_connection, dispatch_uid="nrtd-test-connection-name")


# The planted data as committed for this test session (one per xdist worker), and the stored
# files its rows name: each test gets a fresh copy of the objects (its changes to them, and to the
# database, are gone after it), and any planted file a test removed is written back.
_PLANTED: dict[str, object] = {}


def _plant_and_commit() -> None:
    data = plant()
    files = {}
    for state in (data.a, data.b):
        for stored in (state.evidence.file, state.report_draft.file, state.attachment.file, state.submission.file):
            with default_storage.open(stored.name, "rb") as handle:
                files[stored.name] = handle.read()
    # Signed-in sessions of the State members, committed with the data: a test signs in by its
    # cookie (tests/test_isolation_sweep.py), without writing a session of its own.
    sessions = {}
    for state in (data.a, data.b):
        for user in state.people.values():
            session = SessionStore()
            session.update(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            )
            session.create()
            sessions[user.pk] = session.session_key
    # Kept pickled: each test unpickles its own copy of the objects, cheaper than a deep copy.
    _PLANTED.update(data=pickle.dumps(data), files=files, sessions=sessions)
    # Closed here, in the context that opened them (see _truncate_everything).
    connections.close_all()


def _planted_copy() -> PlantedData:
    for name, content in _PLANTED["files"].items():
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
    return pickle.loads(_PLANTED["data"])  # noqa: S301 (our own bytes, pickled above)


def signed_in_session(user) -> str | None:
    """The key of a committed signed-in session of a planted State member (None for others)."""
    return _PLANTED["sessions"].get(user.pk)


def pytest_collection_modifyitems(items) -> None:
    """Tests that commit for real are marked, so that a quick run can leave them out
    (``-m "not commits and not browser and not broker"``)."""
    for item in items:
        if "committed" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.commits)


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
    """Two States with entities, people in every role and recommendations: planted once for the
    session, each test in a transaction rolled back at its end."""
    return _planted_copy()


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
    """The planted data, for tests where another thread or process must see what the test
    commits (a Celery worker, the browser's web server). Everything is planted again afterwards."""
    with django_db_blocker.unblock():
        connections.close_all()
        yield _planted_copy()
        _truncate_everything()
        _plant_and_commit()


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

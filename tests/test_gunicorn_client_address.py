"""The client's address through a real gunicorn, behind a proxy and without one.

Three gunicorn processes of the application (two workers each, the rate-limit counters in the
test Redis, shared by the workers as in production), with a limit of 3 anonymous pages a minute
(``NRTD_RATE_PAGE``), asked for the sign-in page from this process (peer 127.0.0.1):

- one trusted proxy in front (``NRTD_TRUSTED_PROXY_COUNT=1``): two clients behind the proxy
  (``X-Forwarded-For``) get a limit each; a client's forged entries to the left are ignored; a
  request without the header counts against the proxy's own address;
- the same, but only proxies in 10.0.0.0/8 trusted (``NRTD_TRUSTED_PROXIES``): the header of a
  peer outside it (this process) is a spoof, ignored: every request counts against the peer;
- no proxy (the default): the header is ignored.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
LIMIT = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, forwarded: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    try:
        connection.request("GET", LOGIN, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def redis_url(redis_service):
    client = redis.Redis.from_url(redis_service.redis_url)
    for key in client.scan_iter("*ratelimit:page*"):
        client.delete(key)
    yield redis_service.redis_url
    for key in client.scan_iter("*ratelimit:page*"):
        client.delete(key)


@pytest.fixture
def gunicorn(redis_url, db):
    processes = []

    def start(**env_extra: str) -> int:
        port = free_port()
        env = {
            **os.environ,
            "NRTD_MODE": "test",
            "DJANGO_SETTINGS_MODULE": "nrtd.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "NRTD_RATE_PAGE": str(LIMIT),
            "PYTHONPATH": str(ROOT),
            **env_extra,
        }
        if "NRTD_TRUSTED_PROXIES" not in env_extra:
            env.pop("NRTD_TRUSTED_PROXIES", None)
        command = [sys.executable, "-m", "gunicorn", "nrtd.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        process = subprocess.Popen(
            [*command, "--workers", "2", "--log-level", "warning"],
            env=env,
            cwd=ROOT,
        )
        processes.append(process)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return port
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def wait_for_a_fresh_minute() -> None:
    """The limits count in one-minute windows: start far from a window's end."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


@pytest.mark.django_db
def test_two_clients_behind_one_proxy_get_a_limit_each(gunicorn):
    port = gunicorn(NRTD_TRUSTED_PROXY_COUNT="1")
    wait_for_a_fresh_minute()
    # A client that writes its own entries to the left of what the proxy appended: ignored.
    first = [get(port, f"6.6.6.{n}, 203.0.113.5") for n in range(LIMIT + 1)]
    assert first == [200] * LIMIT + [429]
    # Another client behind the same proxy is not concerned.
    assert get(port, "203.0.113.6") == 200
    # Without the header: the proxy's own address, a limit of its own.
    assert [get(port) for _ in range(LIMIT + 1)] == [200] * LIMIT + [429]
    assert get(port, "203.0.113.7") == 200


@pytest.mark.django_db
def test_a_header_from_an_untrusted_peer_is_ignored(gunicorn):
    port = gunicorn(NRTD_TRUSTED_PROXY_COUNT="1", NRTD_TRUSTED_PROXIES="10.0.0.0/8")
    wait_for_a_fresh_minute()
    # This process (127.0.0.1) is no trusted proxy: a new address in each header changes nothing.
    statuses = [get(port, f"203.0.113.{n}") for n in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]


@pytest.mark.django_db
def test_without_a_proxy_the_header_is_ignored(gunicorn):
    port = gunicorn(NRTD_TRUSTED_PROXY_COUNT="0")
    wait_for_a_fresh_minute()
    statuses = [get(port, f"198.51.100.{n}") for n in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]

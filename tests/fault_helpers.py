"""Private processes for the fault tests: a Redis server the test may kill, freeze and start
again, and a real Celery worker process of the project (tests/faults).

Each private Redis listens on a free port of its own; nothing here touches the shared Redis.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str, every: float = 0.05):
    """The first true value of ``condition()`` within ``timeout`` seconds, else an AssertionError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


class PrivateRedis:
    """A redis-server of the test's own (no persistence) on a free port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, 10, "the private Redis to answer")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Gone at once, as a crashed server (SIGKILL)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def freeze(self) -> None:
        """Still accepting connections, answering nothing (SIGSTOP)."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.thaw()
            self.kill()


def database_url() -> str:
    """The test database's URL for a worker process (a socket folder, as the embedded
    PostgreSQL gives, goes into the host part percent-encoded)."""
    config = settings.DATABASES["default"]
    password = f":{quote(config['PASSWORD'], safe='')}" if config.get("PASSWORD") else ""
    host = quote(config["HOST"], safe="") if config["HOST"].startswith("/") else config["HOST"]
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgresql://{quote(config['USER'], safe='')}{password}@{host}{port}/{config['NAME']}"


def worker_process(
    *, queue: str, redis_url: str, media: Path, log: Path, extra_env: dict | None = None, concurrency: int = 1
) -> subprocess.Popen:
    """The project's Celery worker as production runs it (prefork, heartbeat, gossip and mingle
    on), on ``queue`` of the Redis at ``redis_url``; its log goes to ``log``."""
    env = {
        **os.environ,
        "NRTD_MODE": "development",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media),
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "nrtd", "worker", "--pool=prefork", f"--concurrency={concurrency}",
         "--queues", queue, "--hostname", f"{queue}@%h", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def worker_stop(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

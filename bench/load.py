"""The whole site under load: 100 concurrent clients for 60 s against gunicorn.

1. Uses the State of ``bench/bigstate.py`` (100,000 recommendations with their history, its
   portal on; seeded once, reused) and 20 people of it (observers, signed in: their sessions
   are written to the session table as a sign-in writes them).
2. Starts gunicorn as docker-compose runs it (``nrtd.wsgi``, 4 sync workers, timeout 60), with
   the production-like settings of the other benches (``--threads N``: gthread workers of N
   threads instead): persistent database connections, the
   anonymous-page cache and the rate limits' counters in Redis (``BENCH_REDIS_URL``, emptied
   first), DEBUG off. The rate limits are the configured ones with ``--rate-limits``; by default
   they are off (``NRTD_RATE_SEARCH=0``, ``NRTD_RATE_API=0``), since every client comes from
   127.0.0.1 and would share one allowance.
3. ``--clients`` (100) clients, each an asyncio task with its own keep-alive connection
   (reopened when the server closes it; raw HTTP/1.1 over asyncio streams), ask for
   ``--seconds`` (60): 70 % portal searches (60 distinct: words, phrases, facets, pages), 25 %
   workspace pages as a signed-in person (dashboard, recommendation list and its pages and
   searches, a recommendation), 5 % the public API (list, search, one recommendation). One more
   client asks ``/healthz`` every 0.5 s throughout.

Prints one JSON line: requests per second, p50/p95/p99 in ms overall and per kind, the count of
each status (``statuses``; ``errors``: every answer other than 200 and the intended 429s, plus
failed connections and answers slower than 30 s, as status 0: a sign-in redirect counts),
``healthz_p95_ms``, and the load average of the machine before and after.
Run: python -m nrtd.devtools bench bench/load.py [--clients 100 --seconds 60 --rate-limits]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402

from bench import bigstate  # noqa: E402
from bench.search import WORDS  # noqa: E402
from recommendations.models import Entity, Recommendation  # noqa: E402
from tenants.models import Membership, State, User  # noqa: E402
from tenants.scoping import cross_state_access, state_context  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PHRASES = ['"human rights defenders"', '"death penalty"', '"domestic violence"', '"freedom of expression"']
PEOPLE = 20
TIMEOUT = 30  # seconds a client waits for an answer (then counted as status 0)


def paths(state: State) -> dict[str, list[str]]:
    """What each kind of client asks for."""
    with state_context(state):
        ids = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True)[::1000])
        entities = list(Entity.objects.values_list("pk", flat=True)[:10])
    portal = f"/{state.slug}/"
    search = [portal + "?" + urlencode({"q": word}) for word in WORDS]
    search += [portal + "?" + urlencode({"q": phrase}) for phrase in PHRASES]
    search += [portal + "?" + urlencode({"q": word, "page": 2}) for word in WORDS[:10]]
    kinds, positions = ["upr", "treaty_body", "special_procedure"], ["supported", "noted", "partially_supported"]
    search += [
        portal + "?" + urlencode({"kind": kinds[n % 3], "position": positions[n // 3 % 3], "entity": entities[n % 10]})
        for n in range(16)
    ]
    search += [portal + f"recommendations/{pk}/" for pk in ids[:10]]
    workspace = f"/{state.slug}/workspace/"
    pages = [workspace, workspace + "recommendations/"]
    pages += [workspace + "recommendations/?" + urlencode({"page": n}) for n in (2, 5, 50)]
    pages += [workspace + "recommendations/?" + urlencode({"q": word}) for word in WORDS[:8]]
    pages += [workspace + f"recommendations/{pk}/" for pk in ids[:20]]
    api = f"/api/v1/public/{state.slug}/recommendations/"
    apis = [api, api + "?" + urlencode({"page": 3})] + [api + "?" + urlencode({"q": word}) for word in WORDS[:6]]
    apis += [api + f"{pk}/" for pk in ids[:10]]
    return {"search": search, "workspace": pages, "api": apis}


def sessions(state: State) -> list[str]:
    """Session keys of ``PEOPLE`` observers of the State, signed in (written as a sign-in writes them)."""
    keys = []
    for number in range(PEOPLE):
        user, _ = User.objects.get_or_create(
            email=f"load-{number}@bench.example.org", defaults={"name": f"Load {number}"}
        )
        with cross_state_access():
            Membership.objects.get_or_create(state=state, user=user, defaults={"role": "observer"})
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, *, rate_limits: bool, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS_URL,
        "DEBUG": "off",
    }
    if not rate_limits:
        env.update({"NRTD_RATE_SEARCH": "0", "NRTD_RATE_API": "0"})
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "nrtd.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
        ],
        env=env,
        cwd=ROOT,
    )


class Connection:
    """One keep-alive HTTP/1.1 connection over asyncio streams, reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, cookie: str = "") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\nConnection: keep-alive\r\n"
        if cookie:
            headers += f"Cookie: {cookie}\r\n"
        self.writer.write((headers + "\r\n").encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length is not None:
            await self.reader.readexactly(length)
        else:
            await self.reader.read()
            close = True
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_load(port: int, plan: dict, cookies: list[str], clients: int, seconds: float) -> dict:
    latencies: dict[str, list[float]] = {"search": [], "workspace": [], "api": [], "healthz": []}
    statuses: Counter = Counter()
    by_kind: dict[str, Counter] = {kind: Counter() for kind in latencies}
    stop = time.perf_counter() + seconds

    async def client(number: int) -> None:
        rng = random.Random(number)
        conn = Connection(port)
        cookie = f"{settings.SESSION_COOKIE_NAME}={cookies[number % len(cookies)]}"
        while time.perf_counter() < stop:
            draw = rng.random()
            kind = "search" if draw < 0.70 else "workspace" if draw < 0.95 else "api"
            path = rng.choice(plan[kind])
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(conn.get(path, cookie if kind == "workspace" else ""), TIMEOUT)
            except (OSError, ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
                conn.close()
                status = 0  # failed connection, or no answer within TIMEOUT
            latencies[kind].append((time.perf_counter() - started) * 1000)
            statuses[status] += 1
            by_kind[kind][status] += 1
        conn.close()

    async def health() -> None:
        conn = Connection(port)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(conn.get("/healthz"), TIMEOUT)
            except (OSError, ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
                conn.close()
                status = 0
            latencies["healthz"].append((time.perf_counter() - started) * 1000)
            by_kind["healthz"][status] += 1
            await asyncio.sleep(0.5)
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(health(), *(client(number) for number in range(clients)))
    elapsed = time.perf_counter() - started
    requests = sum(len(latencies[kind]) for kind in ("search", "workspace", "api"))
    everything = [value for kind in ("search", "workspace", "api") for value in latencies[kind]]
    return {
        "requests": requests,
        "seconds": round(elapsed, 1),
        "requests_per_s": round(requests / elapsed, 1),
        **{f"p{q}_ms": round(percentile(everything, q / 100), 1) for q in (50, 95, 99)},
        "by_kind": {
            kind: {
                "requests": len(latencies[kind]),
                **{f"p{q}_ms": round(percentile(latencies[kind], q / 100), 1) for q in (50, 95, 99)},
                "statuses": {str(status): count for status, count in sorted(by_kind[kind].items())},
            }
            for kind in latencies
        },
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "errors": sum(count for status, count in statuses.items() if status not in (200, 429))
        + sum(count for status, count in by_kind["healthz"].items() if status != 200),
        "healthz_p95_ms": round(percentile(latencies["healthz"], 0.95), 1),
    }


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def wait_until_up(port: int) -> None:
    deadline = time.perf_counter() + 90
    while time.perf_counter() < deadline:
        conn = Connection(port)
        try:
            if await conn.get("/healthz") == 200:
                conn.close()
                return
        except (OSError, ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.5)
        conn.close()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rate-limits", action="store_true", help="Keep the configured rate limits on")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn gthread threads a worker (1: sync workers)")
    args = parser.parse_args()

    state = bigstate.seed(args.records)
    plan = paths(state)
    cookies = sessions(state)
    connection.close()
    redis.Redis.from_url(REDIS_URL).flushdb()
    port = free_port()
    server = start_gunicorn(port, rate_limits=args.rate_limits, threads=args.threads)
    try:
        asyncio.run(wait_until_up(port))
        load_before = os.getloadavg()
        result = asyncio.run(run_load(port, plan, cookies, args.clients, args.seconds))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        json.dumps(
            {
                "clients": args.clients,
                "records": args.records,
                "rate_limits": args.rate_limits,
                "threads": args.threads,
                **result,
                "load_average_before": [round(value, 2) for value in load_before],
                "load_average_after": [round(value, 2) for value in load_after],
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()

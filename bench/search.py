"""The public search through the running application (gunicorn), at 1,000,000 recommendations.

1. Seeds (once; reruns reuse it) 200 States with their portal on and 1,000,000 published
   recommendations between them, one State with 50,000: real recommendation texts (UPR Info's
   sessions 1-5 in English; the UHRI sample's records in the six languages for one in ten),
   mechanisms, positions, themes, SDG targets, affected groups, cycles, dates and 30 entities
   per State. The search documents are written by the database triggers, as in production.
2. Starts gunicorn (``--workers`` as the machine has cores, two threads each) on the
   application with one addition, ``/bench/minimal``: a view that answers "ok" through the same
   middleware, the yardstick of the throughput ratio.
3. Requests, on the 50,000-recommendation State's portal, a mix of single-word searches,
   phrase searches and three-facet searches (60 distinct searches):
   - uncached: the server started with NRTD_PORTAL_CACHE_SECONDS=0, every request computes its
     search (one client, each search 5 times): ``uncached_p50_ms``, ``uncached_p95_ms``;
   - as configured for production (the anonymous-page cache on, in Redis, persistent database
     connections): each search asked once (computed and kept: ``first_p50_ms``, ``first_p95_ms``),
     then 8 concurrent clients for --seconds over the mix, served from the cache as long as
     published data does not change: ``p50_ms``, ``p95_ms``, ``searches_per_s``;
   - the minimal view with the same 8 clients: ``minimal_per_s``; ``throughput_ratio`` is the
     search mix's throughput over the minimal view's (and ``uncached_throughput_ratio`` the same
     for the uncached server).
Prints one JSON line. Targets: p95 at or under 50 ms, throughput ratio at least 0.5.

Run: python -m nrtd.devtools bench bench/search.py [--records 1000000 --states 200 --big 50000 --seconds 20]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

from django.db import connection, connections  # noqa: E402

from recommendations.models import (  # noqa: E402
    AffectedGroup,
    Entity,
    Mechanism,
    Recommendation,
    SdgTarget,
    Theme,
)
from tenants.models import State  # noqa: E402
from tenants.scoping import cross_state_access, current_connection, state_context  # noqa: E402

SHARED = ROOT / "tests" / "fixtures" / "samples"
# The cache of the server under test (emptied at the start of the cached phase).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SLUG = "bench-search-{:03d}"
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")

WORDS = [
    "education",
    "women",
    "torture",
    "migrants",
    "disabilities",
    "corruption",
    "journalists",
    "trafficking",
    "prison",
    "children",
    "indigenous",
    "discrimination",
    "police",
    "health",
    "judiciary",
    "refugees",
    "poverty",
    "minorities",
    "elections",
    "water",
]
PHRASES = [
    '"domestic violence"',
    '"human rights defenders"',
    '"freedom of expression"',
    '"national human rights institution"',
    '"persons with disabilities"',
    '"death penalty"',
    '"trafficking in persons"',
    '"birth registration"',
    '"juvenile justice"',
    '"optional protocol"',
]


def texts() -> tuple[list[str], list[dict[str, str]]]:
    """English texts from UPR Info's sessions 1-5, and the UHRI sample's texts in six languages."""
    english = []
    # Mac Roman, with CR line endings, as old Excel for Mac wrote it (../shared/UHRI.md).
    with open(SHARED / "upr-info-sessions-1-5.csv", encoding="mac_roman", newline="") as handle:
        for row in csv.DictReader(handle):
            text = " ".join((row.get("Text") or "").split())
            if 20 < len(text) < 1500:
                english.append(text)
    multilingual = []
    with open(SHARED / "uhri-api-records-sample.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            entry = {lang: " ".join(str(record.get(lang) or "").split()) for lang in LANGUAGES}
            if all(entry.values()):
                multilingual.append(entry)
    return english, multilingual


class Corpus:
    """What the seeded recommendations are made of."""

    def __init__(self) -> None:
        self.english, self.multilingual = texts()
        self.mechanisms = list(Mechanism.objects.order_by("code").values_list("pk", flat=True))
        self.upr = Mechanism.objects.get(code="UPR").pk
        self.themes = list(Theme.objects.values_list("pk", flat=True))
        self.groups = list(AffectedGroup.objects.values_list("pk", flat=True))
        self.targets = list(SdgTarget.objects.values_list("pk", flat=True))


COLUMNS = (
    "state_id bigint, mechanism_id bigint, symbol text, paragraph text, issued_on date, upr_cycle int,"
    " position text, text text, text_en text, text_fr text, text_es text, text_ar text, text_ru text,"
    " text_zh_hans text, theme_ids text, affected_group_ids text, sdg_target_ids text, lead_entity_id bigint,"
    " supporting_entity_ids text"
)


def pg_array(ids: list[int]) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


def insert_batch(state: State, entities: list[int], numbers: range, corpus: Corpus, rng: random.Random) -> None:
    """One INSERT of the recommendations ``numbers`` of ``state`` (one statement: the triggers run once)."""
    rows = []
    for n in numbers:
        mechanism = corpus.upr if n % 3 else corpus.mechanisms[n % len(corpus.mechanisms)]
        if n % 10 == 0:
            entry = corpus.multilingual[n % len(corpus.multilingual)]
            languages = [entry[lang] for lang in LANGUAGES]
        else:
            languages = [corpus.english[rng.randrange(len(corpus.english))], None, None, None, None, None]
        rows.append(
            (
                state.pk,
                mechanism,
                f"A/HRC/{20 + n % 40}/{n % 13}",
                f"{100 + n % 60}.{n}",
                f"{2008 + n % 17}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                1 + n % 4 if mechanism == corpus.upr else None,
                ["supported", "noted", "partially_supported", "pending", ""][n % 5],
                languages[0],
                *languages,
                pg_array(rng.sample(corpus.themes, 1 + n % 3)),
                pg_array(rng.sample(corpus.groups, n % 3)),
                pg_array(rng.sample(corpus.targets, n % 2)),
                entities[n % 30],
                pg_array([entities[(n * 7) % 30]] if n % 4 == 0 else []),
            )
        )
    insert_rows(rows)


NAMES = [column.split()[0] for column in COLUMNS.split(", ")]


def insert_rows(rows: list[tuple]) -> None:
    """One INSERT of recommendations given as tuples in the order of ``COLUMNS`` (one statement:
    the triggers run once). bench/bigstate.py seeds through it too."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO recommendations_recommendation (state_id, mechanism_id, symbol, paragraph, issued_on,"
            " upr_cycle, position, text, text_en, text_fr, text_es, text_ar, text_ru, text_zh_hans, theme_ids,"
            " affected_group_ids, sdg_target_ids, lead_entity_id, supporting_entity_ids, external_id,"
            " annotation_type, published, created_at, updated_at, import_hash, import_key, review_flags,"
            " sdg_goal_ids, recommending_country_ids)"
            " SELECT r.state_id, r.mechanism_id, r.symbol, r.paragraph, r.issued_on, r.upr_cycle, r.position, r.text,"
            " r.text_en, r.text_fr, r.text_es, r.text_ar, r.text_ru, r.text_zh_hans, r.theme_ids::bigint[],"
            " r.affected_group_ids::bigint[], r.sdg_target_ids::bigint[], r.lead_entity_id,"
            " r.supporting_entity_ids::bigint[], '', 'recommendation', true, now(), now(), '', '', '[]', '{}', '{}'"
            f" FROM json_to_recordset(%s::json) AS r({COLUMNS})",
            [json.dumps([dict(zip(NAMES, row, strict=True)) for row in rows])],
        )


def seed(records: int, states: int, big: int) -> State:
    """The States and their recommendations; reruns reuse what a previous run seeded."""
    with cross_state_access():
        existing = {s.slug: s for s in State.objects.filter(slug__startswith="bench-search-")}
        counts = dict(
            Recommendation.objects.filter(state__slug__startswith="bench-search-")
            .order_by()
            .values_list("state__slug")
            .annotate(n=django.db.models.Count("pk"))
        )
    per_other = (records - big) // max(states - 1, 1)
    rng = random.Random(6)
    corpus = Corpus()
    owner = connections["owner"]
    with owner.cursor() as cursor:
        # Synthetic data: the history of its insertion is not what is measured.
        cursor.execute("ALTER TABLE recommendations_recommendation DISABLE TRIGGER nrtd_history_insert")
    started = time.perf_counter()
    try:
        for number in range(states):
            slug = SLUG.format(number)
            wanted = big if number == 0 else per_other
            if counts.get(slug, 0) >= wanted:
                continue
            with cross_state_access():
                state = existing.get(slug) or State.objects.create(
                    slug=slug,
                    name=f"Bench search {number:03d}",
                    iso3=f"Q{number // 26 % 26 + 65:c}{number % 26 + 65:c}",
                    portal_enabled=True,
                    content_languages=["en"],
                )
            with state_context(state):
                Recommendation.objects.all().delete()
                entities = [
                    Entity.objects.get_or_create(state=state, name=f"Ministry {n} of {state.name}")[0].pk
                    for n in range(30)
                ]
                for start in range(0, wanted, 5000):
                    insert_batch(state, entities, range(start, min(start + 5000, wanted)), corpus, rng)
            done = sum(big if i == 0 else per_other for i in range(number + 1))
            print(f"seeded {done}/{records} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, end="\r")
    finally:
        with owner.cursor() as cursor:
            cursor.execute("ALTER TABLE recommendations_recommendation ENABLE TRIGGER nrtd_history_insert")
            # As autovacuum would after a load this size: the visibility map and fresh statistics.
            cursor.execute("VACUUM ANALYZE recommendations_searchdoc")
    print(file=sys.stderr)
    with cross_state_access():
        return State.objects.get(slug=SLUG.format(0))


def searches(state: State) -> list[str]:
    """60 distinct searches of the big State: single words, phrases, three facets (some with a word)."""
    prefix = f"/{state.slug}/"
    with state_context(state):
        entities = list(Entity.objects.values_list("pk", flat=True)[:10])
        theme_ids = list(Recommendation.objects.values_list("theme_ids", flat=True)[:200])
    themes = sorted({t for ids in theme_ids for t in ids})[:10]
    out = [prefix + "?" + urlencode({"q": word}) for word in WORDS]
    out += [prefix + "?" + urlencode({"q": phrase}) for phrase in PHRASES * 2][:20]
    out = out[:30] + [prefix + "?" + urlencode({"q": phrase, "sort": "newest"}) for phrase in PHRASES]
    kinds = ["upr", "treaty_body", "special_procedure"]
    positions = ["supported", "noted", "partially_supported"]
    for n in range(20):
        params = [("kind", kinds[n % 3]), ("position", positions[(n // 3) % 3])]
        third = ("entity", str(entities[n % len(entities)])) if n % 2 else ("theme", str(themes[n % len(themes)]))
        params.append(third)
        if n % 4 == 0:
            params.append(("q", WORDS[n % len(WORDS)]))
        out.append(prefix + "?" + urlencode(params))
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on the application plus /bench/minimal, on a free port."""

    def __init__(self, *, cache_seconds: int) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.search_settings",
            "PYTHONPATH": str(ROOT),
            "NRTD_PORTAL_CACHE_SECONDS": str(cache_seconds),
            # As in production: persistent database connections (development's default is none).
            "DATABASE_CONN_MAX_AGE": "60",
            "NRTD_RATE_SEARCH": "0",
            "NRTD_RATE_API": "0",
            "NRTD_RATE_PAGE": "0",
            "REDIS_URL": REDIS_URL,
        }
        workers = str(os.cpu_count() or 2)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.search_wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                workers,
                "--threads",
                "2",
                "--worker-class",
                "gthread",
                "--log-level",
                "warning",
                "--keep-alive",
                "5",
            ],
            env=env,
            cwd=ROOT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = request_once(self.port, "/bench/minimal")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def request_once(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, float]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Language": "en"})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if own:
        conn.close()
    return response.status, elapsed


def sequential(port: int, paths: list[str], repeat: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(repeat):
        for path in paths:
            status, elapsed = request_once(port, path, conn)
            assert status == 200, (status, path)
            times.append(elapsed)
    conn.close()
    return times


def load(port: int, paths: list[str], seconds: float, clients: int = 8) -> tuple[float, list[float]]:
    """``clients`` threads asking the paths in turn for ``seconds``: (requests per second, latencies)."""
    times: list[list[float]] = [[] for _ in range(clients)]
    stop = time.perf_counter() + seconds

    def work(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        order = paths[index % len(paths) :] + paths[: index % len(paths)]
        n = 0
        while time.perf_counter() < stop:
            status, elapsed = request_once(port, order[n % len(order)], conn)
            if status != 200:
                raise RuntimeError(f"{status} for {order[n % len(order)]}")
            times[index].append(elapsed)
            n += 1
        conn.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [t for part in times for t in part]
    return len(flat) / elapsed, flat


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()

    state = seed(args.records, args.states, args.big)
    with cross_state_access(), current_connection().cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT state_id) FROM recommendations_searchdoc")
        documents, document_states = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM recommendations_searchdoc WHERE state_id = %s", [state.pk])
        big_documents = cursor.fetchone()[0]
    paths = searches(state)
    connections.close_all()

    server = Server(cache_seconds=0)
    try:
        sequential(server.port, paths, 1)  # warm the workers and PostgreSQL's buffers
        uncached = sequential(server.port, paths, 5)
        uncached_rate, _ = load(server.port, paths, args.seconds / 2)
        minimal_rate_uncached, _ = load(server.port, ["/bench/minimal"], args.seconds / 2)
    finally:
        server.stop()

    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # the bench's own cache database: start empty
    server = Server(cache_seconds=300)
    try:
        # Each search computed once (the cache starts empty: a fresh version key), then the mix
        # under load, as a portal whose visitors ask what others asked before.
        first = sequential(server.port, paths, 1)
        search_rate, latencies = load(server.port, paths, args.seconds)
        minimal_rate, minimal_latencies = load(server.port, ["/bench/minimal"], args.seconds)
    finally:
        server.stop()

    print(
        json.dumps(
            {
                "p50_ms": round(percentile(latencies, 0.5), 2),
                "first_p50_ms": round(percentile(first, 0.5), 2),
                "first_p95_ms": round(percentile(first, 0.95), 2),
                "minimal_p95_ms": round(percentile(minimal_latencies, 0.95), 2),
                "p95_ms": round(percentile(latencies, 0.95), 2),
                "throughput_ratio": round(search_rate / minimal_rate, 3),
                "searches_per_s": round(search_rate, 1),
                "minimal_per_s": round(minimal_rate, 1),
                "uncached_p50_ms": round(statistics.median(uncached), 2),
                "uncached_p95_ms": round(percentile(uncached, 0.95), 2),
                "uncached_throughput_ratio": round(uncached_rate / minimal_rate_uncached, 3),
                "uncached_searches_per_s": round(uncached_rate, 1),
                "distinct_searches": len(paths),
                "documents": documents,
                "states": document_states,
                "big_state_documents": big_documents,
                "workers": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()

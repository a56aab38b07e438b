"""The State's log at 1,000,000 history entries in one State.

Seeds one State (once; reruns reuse it) with people, entities, plans and recommendations, and a
million history entries over three years: mostly changes to recommendations, some to progress
updates, entities, plans (1 %) and memberships, by twenty people (a quarter by imports and
commands, with no person), created, changed and deleted (2 %). Then requests the log, as the
State's administrator, through Django's test client (the whole stack: middleware, row-level
security, scope, renderer, template): the first page; the second page (its keyset); filtered
by a kind of record, by a person, by both, by a month, and by the deletions; and an export of
10,000 entries to CSV. Prints one JSON line: median and 95th percentile in ms and the queries of
each request.

Run: python -m nrtd.devtools bench bench/state_log.py
(``NRTD_BENCH_DATABASE_NAME`` picks another scratch database than ``nrtd_bench``.)
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from followup.models import Plan  # noqa: E402
from recommendations.models import Entity, Mechanism, Recommendation  # noqa: E402
from tenants.models import HistoryEntry, Role, State, User  # noqa: E402
from tenants.scoping import cross_state_access, current_connection, state_context  # noqa: E402
from tenants.services import membership_set  # noqa: E402

ENTRIES = int(os.environ.get("LOG_ENTRIES", "1000000"))
PEOPLE = 20
REPEAT = 30


def seed() -> tuple[State, User, list[User]]:
    with cross_state_access():
        state, _created = State.objects.get_or_create(
            slug="bench-log", defaults={"name": "Bench log", "iso3": "QLG", "content_languages": ["en"]}
        )
        admin, _ = User.objects.get_or_create(email="admin@bench-log.example.org", defaults={"name": "Bench admin"})
        membership_set(state=state, user=admin, role=Role.STATE_ADMIN)
        people = []
        for n in range(PEOPLE):
            person, _ = User.objects.get_or_create(
                email=f"person{n}@bench-log.example.org", defaults={"name": f"Person {n}"}
            )
            membership_set(state=state, user=person, role=Role.SECRETARIAT)
            people.append(person)
    if os.environ.get("LOG_RESEED"):
        # History is append-only for the application: its owner removes the seed.
        with connections["owner"].cursor() as cursor:
            # The owner is let through by the cross-State policy.
            cursor.execute("BEGIN")
            cursor.execute("DELETE FROM nrtd_history WHERE state_id = %s", [state.pk])
            cursor.execute("COMMIT")
    with state_context(state):
        if HistoryEntry.objects.count() >= ENTRIES:
            return state, admin, people
        if not Recommendation.objects.exists():
            mechanism = Mechanism.objects.get(code="UPR")
            Recommendation.objects.bulk_create(
                Recommendation(
                    state=state, mechanism=mechanism, symbol=f"A/HRC/{n % 60}/1", paragraph=f"{n}", text=f"Text {n}"
                )
                for n in range(2000)
            )
            Entity.objects.bulk_create(Entity(state=state, name=f"Ministry {n}") for n in range(40))
            Plan.objects.bulk_create(Plan(state=state, title=f"Plan {n}") for n in range(10))
    seed_history(state, people)
    return state, admin, people


def seed_history(state: State, people: list[User]) -> None:
    """A million entries by one INSERT ... SELECT per hundred thousand (the application's role may
    insert history; cross_state_access lets it write a State's rows from outside its context)."""
    with state_context(state):
        recommendations = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True))
        entities = list(Entity.objects.order_by("pk").values_list("pk", flat=True))
        plans = list(Plan.objects.order_by("pk").values_list("pk", flat=True))
    actors = [person.pk for person in people]
    chunk = 100_000
    with cross_state_access(), current_connection().cursor() as cursor:
        cursor.execute("SELECT count(*) FROM nrtd_history WHERE state_id = %s", [state.pk])
        have = cursor.fetchone()[0]
        for start in range(have, ENTRIES, chunk):
            cursor.execute(
                """
                INSERT INTO nrtd_history (state_id, table_name, row_id, operation, changed_at, actor_id, before, after)
                SELECT %(state)s,
                       CASE WHEN k < 80 THEN 'recommendations_recommendation'
                            WHEN k < 90 THEN 'followup_progressupdate'
                            WHEN k < 95 THEN 'recommendations_entity'
                            WHEN k < 96 THEN 'followup_plan'
                            ELSE 'tenants_membership' END,
                       CASE WHEN k < 80 THEN (%(recs)s::bigint[])[1 + n %% %(nrecs)s]::text
                            WHEN k < 95 AND k >= 90 THEN (%(ents)s::bigint[])[1 + n %% %(nents)s]::text
                            WHEN k = 95 THEN (%(plans)s::bigint[])[1 + n %% %(nplans)s]::text
                            ELSE (n %% 500)::text END,
                       CASE WHEN n %% 50 = 0 THEN 'D' WHEN n %% 10 = 0 THEN 'I' ELSE 'U' END,
                       now() - make_interval(secs => (%(total)s - n) * 94.0),
                       CASE WHEN n %% 4 = 0 THEN NULL
                            ELSE (%(actors)s::bigint[])[1 + (hashint8(n + 1) & 2147483647) %% %(nactors)s] END,
                       jsonb_build_object('position', 'noted', 'published', false),
                       jsonb_build_object('position', 'supported', 'published', true)
                  FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS n,
                       LATERAL (SELECT (hashint8(n) & 2147483647) %% 100 AS k) AS kind
                """,
                {
                    "state": state.pk,
                    "recs": recommendations,
                    "nrecs": len(recommendations),
                    "ents": entities,
                    "nents": len(entities),
                    "plans": plans,
                    "nplans": len(plans),
                    "actors": actors,
                    "nactors": len(actors),
                    "total": ENTRIES,
                    "start": start,
                    "stop": min(start + chunk, ENTRIES) - 1,
                },
            )
            print(f"seeded {min(start + chunk, ENTRIES)}/{ENTRIES}", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def measure(client: Client, url: str, repeat: int = REPEAT) -> dict:
    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": len(queries),
        "lines": response.content.count(b'class="history-line"'),
    }


def main() -> None:
    state, admin, people = seed()
    # Fresh planner statistics for the history table (the owner's to gather).
    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE nrtd_history")
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    base = f"/{state.slug}/workspace/log/"
    first = client.get(base).content.decode()
    cursor = re.search(r'before=([^"&]+)"', first).group(1)
    with state_context(state):
        middle = HistoryEntry.objects.order_by("-changed_at").values_list("changed_at", flat=True)[ENTRIES // 2]
    month = middle.date().replace(day=1)
    person = people[3].pk
    figures = {
        "entries": ENTRIES,
        "first_page": measure(client, base),
        "second_page": measure(client, f"{base}?before={cursor}"),
        "kind_plan": measure(client, f"{base}?kind=followup_plan"),
        "person": measure(client, f"{base}?person={person}"),
        "person_and_kind": measure(client, f"{base}?person={person}&kind=followup_progressupdate"),
        "month": measure(client, f"{base}?since={month.isoformat()}&until={month.replace(day=28).isoformat()}"),
        "deletions": measure(client, f"{base}?action=D"),
    }
    started = time.perf_counter()
    settings.NRTD_STATE_LOG_EXPORT_MAX = 10_000
    response = client.get(f"/{state.slug}/workspace/log/export/?format=csv")
    figures["export_csv_10000_s"] = round(time.perf_counter() - started, 2)
    figures["export_csv_rows"] = response.content.count(b"\n") - 1
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""The workspace dashboard at 50,000 recommendations in one State: p95 of a full page, in ms.

``measure_dashboard(state, user)`` is what bench/reports.py calls on the State it seeded: N GET
requests of ``/<state>/workspace/dashboard/`` through Django's test client, signed in as ``user``
(the whole stack: middleware, row-level security, the filter form, the grouped query, the
charts' templates), and returns the 95th percentile in milliseconds.

On its own it seeds a State of its own (once; reruns reuse it) with 50,000 recommendations the
way bench/lists.py does, spread over 40 entities, 25 clusters, SDG goals and targets, themes and
every implementation status, with 10,000 validated updates over six years, 600 actions and an
overdue round of 2,000 tasks, then prints one JSON line: {"dashboard_p95_ms": …, …}.

Run: python -m nrtd.devtools bench bench/reports_dashboard.py
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RECORDS = int(os.environ.get("DASHBOARD_RECORDS", "50000"))
REQUESTS = int(os.environ.get("DASHBOARD_REQUESTS", "50"))
STATUSES = ["", "", "not_started", "in_progress", "partially_implemented", "implemented", "not_applicable", ""]


def vacuum_analyze() -> None:
    """VACUUM (ANALYZE) the tables the dashboard reads, as autovacuum would after a large import.

    The development server runs without autovacuum: without it, a freshly seeded table has no
    visibility map and every row's visibility is checked on each read (the State's 50,000 rows
    took 45-60 ms to scan instead of 12-18). VACUUM needs the tables' owner (DATABASE_OWNER_URL);
    without it, only the statistics are refreshed.
    """
    owner_url = os.environ.get("DATABASE_OWNER_URL")
    if not owner_url:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nrtd_analyze_recommendations()")
        return
    import psycopg

    tables = ["recommendations_recommendation", "followup_progressupdate", "followup_action", "followup_roundtask"]
    with psycopg.connect(owner_url, autocommit=True) as owner:
        for table in tables:
            owner.execute(f"VACUUM (ANALYZE) {table}")


def measure_dashboard(state, user, requests: int = REQUESTS, query: str = "") -> float:
    """The 95th percentile, in ms, of ``requests`` GETs of the State's dashboard as ``user``."""
    vacuum_analyze()  # after whatever seeded the State (here or bench/reports.py)
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/{state.slug}/workspace/dashboard/" + (f"?{query}" if query else "")
    response = client.get(url)  # warm
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return round(times[max(int(len(times) * 0.95) - 1, 0)], 1)


def seed():
    from followup.models import Action, DataCollectionRound, Plan, ProgressUpdate, RoundTask
    from recommendations.models import Cluster, Entity, Mechanism, Recommendation, SdgGoal, SdgTarget, Theme
    from tenants.models import Role, State, User
    from tenants.scoping import cross_state_access, state_context
    from tenants.services import membership_set

    with cross_state_access():
        state, _created = State.objects.get_or_create(
            slug="bench-dashboard", defaults={"name": "Bench dashboard", "iso3": "QDB", "content_languages": ["en"]}
        )
        user, _ = User.objects.get_or_create(email="secretariat@bench-dashboard.example.org")
        membership_set(state=state, user=user, role=Role.SECRETARIAT)
    with state_context(state):
        if Recommendation.objects.count() >= RECORDS:
            return state, user
        Recommendation.objects.all().delete()
        entities = [Entity.objects.get_or_create(state=state, name=f"Ministry {n}")[0] for n in range(40)]
        clusters = [Cluster.objects.get_or_create(state=state, name=f"Cluster {n}")[0] for n in range(25)]
        mechanisms = list(Mechanism.objects.order_by("code"))
        goals = list(SdgGoal.objects.order_by("number").values_list("pk", flat=True))
        targets = list(SdgTarget.objects.order_by("code").values_list("pk", flat=True))
        themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, RECORDS, 5000):
            Recommendation.objects.bulk_create(
                Recommendation(
                    state=state,
                    mechanism=mechanisms[n % len(mechanisms)],
                    symbol=f"A/HRC/{n % 60}/{n % 7}",
                    paragraph=f"{100 + n % 50}.{n}",
                    text=f"Recommendation {n} in every region",
                    position=["supported", "noted", "pending"][n % 3],
                    issued_on=datetime.date(2010 + n % 16, 1 + n % 12, 1),
                    lead_entity=entities[n % 40] if n % 9 else None,
                    supporting_entity_ids=[entities[(n * 7) % 40].pk] if n % 2 else [],
                    cluster_ids=[clusters[n % 25].pk] + ([clusters[(n * 3) % 25].pk] if n % 4 == 0 else []),
                    sdg_goal_ids=[goals[n % len(goals)]] if n % 3 == 0 else [],
                    sdg_target_ids=[targets[n % len(targets)]] if n % 5 == 0 else [],
                    theme_ids=[themes[n % len(themes)]] + ([themes[(n * 11) % len(themes)]] if n % 2 else []),
                    implementation_status=STATUSES[n % len(STATUSES)],
                )
                for n in range(start, min(start + 5000, RECORDS))
            )
            print(f"seeded {start + 5000}/{RECORDS}", file=sys.stderr, end="\r")
        print(file=sys.stderr)
        ids = list(Recommendation.objects.order_by("pk").values_list("pk", "lead_entity_id"))
        with_lead = [(pk, lead) for pk, lead in ids if lead]
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                state=state,
                recommendation_id=pk,
                entity_id=lead,
                implementation_status=STATUSES[2 + n % 5],
                narrative="Done",
                reported_on=datetime.date(2020 + n % 6, 1 + n % 12, 1 + n % 28),
                status="validated" if n % 3 else "published",
            )
            for n, (pk, lead) in enumerate(with_lead[:10000])
        )
        plan = Plan.objects.create(state=state, title="Bench plan")
        today = datetime.date.today()
        Action.objects.bulk_create(
            Action(
                state=state,
                plan=plan,
                title=f"Action {n}",
                lead_entity=entities[n % 40],
                supporting_entity_ids=[entities[(n * 3) % 40].pk],
                recommendation_ids=[with_lead[n][0]],
                due_on=today + datetime.timedelta(days=n % 60 - 30),
                status=["planned", "in_progress", "completed", "delayed"][n % 4],
            )
            for n in range(600)
        )
        late = DataCollectionRound.objects.create(
            state=state, title="Late round", deadline=today - datetime.timedelta(days=5), entity_ids=[]
        )
        RoundTask.objects.bulk_create(
            RoundTask(state=state, round=late, entity_id=lead, recommendation_id=pk) for pk, lead in with_lead[:2000]
        )
    return state, user


def main() -> None:
    state, user = seed()
    from recommendations.models import Cluster
    from tenants.scoping import state_context

    with state_context(state):
        cluster = Cluster.objects.order_by("pk").first()
    figures = {
        "records": RECORDS,
        "requests": REQUESTS,
        "dashboard_p95_ms": measure_dashboard(state, user),
        "dashboard_filtered_p95_ms": measure_dashboard(state, user, query=f"mechanism=CRC&cluster={cluster.pk}"),
    }
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/{state.slug}/workspace/dashboard/")
    figures["queries"] = len(queries)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

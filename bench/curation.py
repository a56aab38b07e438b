"""Curation at the sizes the secretariat works with: export of 5,000 recommendations, bulk actions on 1,000.

Seeds one State with 5,000 recommendations (once; reruns reuse them), ten clusters and ten
entities with assignments, then requests as its secretariat officer, through Django's test
client (the whole stack): the Excel and the CSV export of all 5,000, and a bulk assignment of
1,000 (``scope=all`` with a filter), alternately to two ministries so each run changes every
row. Prints one JSON line: median and worst seconds, the file sizes, and the queries of each
request (constant whatever the rows).

Run: python -m nrtd.devtools bench bench/curation.py
"""

from __future__ import annotations

import json
import os
import statistics
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

from recommendations.models import AffectedGroup, Cluster, Entity, Mechanism, Recommendation, Theme  # noqa: E402
from tenants.models import Role, State, User  # noqa: E402
from tenants.scoping import cross_state_access, state_context  # noqa: E402
from tenants.services import membership_set  # noqa: E402

RECORDS = 5000
REPEAT = 5
TOPICS = ["education", "justice", "water", "health", "prisons", "children", "women", "migrants", "torture", "police"]


def seed() -> tuple[State, User, list[Entity]]:
    with cross_state_access():
        state, _created = State.objects.get_or_create(
            slug="bench-curation", defaults={"name": "Bench curation", "iso3": "QCU", "content_languages": ["en"]}
        )
        user, _ = User.objects.get_or_create(email="secretariat@bench-curation.example.org")
        membership_set(state=state, user=user, role=Role.SECRETARIAT)
    with state_context(state):
        entities = [
            Entity.objects.get_or_create(state=state, name=f"Ministry of {topic.title()}")[0] for topic in TOPICS
        ]
        if Recommendation.objects.count() >= RECORDS:
            return state, user, entities
        clusters = [
            Cluster.objects.create(state=state, name=topic.title(), position=i) for i, topic in enumerate(TOPICS)
        ]
        mechanisms = list(Mechanism.objects.order_by("code")[:20])
        themes = list(Theme.objects.values_list("pk", flat=True)[:30])
        groups = list(AffectedGroup.objects.values_list("pk", flat=True)[:10])
        Recommendation.objects.bulk_create(
            Recommendation(
                state=state,
                mechanism=mechanisms[n % len(mechanisms)],
                symbol=f"CRC/C/QCU/CO/{n % 6}",
                paragraph=f"{n // 10}({chr(97 + n % 10)})",
                # Some texts a spreadsheet would take for formulas.
                text=("=" if n % 50 == 0 else "") + f"Recommendation {n} on {TOPICS[n % 10]} for the whole country",
                position=["supported", "noted", "pending"][n % 3],
                upr_cycle=1 + n % 5,
                theme_ids=[themes[n % 30], themes[(n * 7) % 30]],
                affected_group_ids=[groups[n % 10]],
                cluster_ids=[clusters[n % 10].pk, clusters[(n + 3) % 10].pk],
                primary_cluster=clusters[n % 10],
                lead_entity=entities[n % 10],
                supporting_entity_ids=[entities[(n + 1) % 10].pk],
                priority_factors=["urgent"] if n % 4 == 0 else [],
                priority_score=2 if n % 4 == 0 else 0,
            )
            for n in range(RECORDS)
        )
    return state, user, entities


def timed(client: Client, method: str, url: str, data: dict | None = None) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = getattr(client, method)(url, data or {})
        seconds = time.perf_counter() - started
    assert response.status_code in (200, 302), (url, response.status_code)
    return seconds, len(response.content), len(queries)


def summary(runs: list[tuple[float, int, int]]) -> dict:
    seconds = sorted(run[0] for run in runs)
    return {
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(seconds[-1], 3),
        "bytes": runs[-1][1],
        "queries": runs[-1][2],
    }


def main() -> None:
    state, user, entities = seed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nrtd_analyze_recommendations()")
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    base = f"/{state.slug}/workspace/recommendations/"
    xlsx = [timed(client, "get", f"{base}export/?format=xlsx") for _ in range(REPEAT)]
    csv = [timed(client, "get", f"{base}export/?format=csv") for _ in range(REPEAT)]
    # 1,000 recommendations: those of UPR cycle 1 (every fifth).
    bulk = [
        timed(
            client,
            "post",
            f"{base}bulk/",
            {"action": "assign_lead", "entity": entities[i % 2].pk, "scope": "all", "query": "upr_cycle=1"},
        )
        for i in range(REPEAT)
    ]
    with state_context(state):
        assigned = Recommendation.objects.filter(upr_cycle=1, lead_entity=entities[(REPEAT - 1) % 2]).count()
    print(
        json.dumps(
            {
                "records": RECORDS,
                "export_xlsx_5000": summary(xlsx),
                "export_csv_5000": summary(csv),
                "bulk_assign_1000": {**summary(bulk), "assigned": assigned},
            }
        )
    )


if __name__ == "__main__":
    main()

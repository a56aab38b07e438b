"""What the two walls cost: the same per-State reads with and without them.

Seeds 200 States with RECORDS_PER_STATE recommendations each (once; reruns reuse them), then
times, for one State, a page of 50 recommendations and a count, read (a) inside
``state_context`` (row-level security plus the scoped manager) and (b) inside
``cross_state_access`` (the platform role's connection) with an explicit ``state_id`` filter. Prints one JSON line.

Run: python -m nrtd.devtools bench bench/tenancy.py
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

from django.db import connection  # noqa: E402

from recommendations.models import Mechanism, Recommendation  # noqa: E402
from tenants.models import State  # noqa: E402
from tenants.scoping import cross_state_access, state_context  # noqa: E402

STATES = 200
RECORDS_PER_STATE = int(os.environ.get("RECORDS_PER_STATE", "500"))
REPEAT = 200


def seed() -> None:
    with cross_state_access():
        if State.objects.filter(slug__startswith="bench-").count() == STATES:
            return
        mechanism = Mechanism.objects.get(code="UPR")
        for number in range(STATES):
            state = State.objects.create(
                name=f"Bench {number}",
                slug=f"bench-{number}",
                iso3=f"Q{chr(65 + number // 26 % 26)}{chr(65 + number % 26)}",
                content_languages=["en"],
            )
            Recommendation.objects.bulk_create(
                Recommendation(
                    state=state,
                    mechanism=mechanism,
                    symbol=f"A/HRC/{number}/1",
                    paragraph=f"1.{i}",
                    text=f"Recommendation {i} to State {number} on education and justice",
                    position="supported",
                )
                for i in range(RECORDS_PER_STATE)
            )
            print(f"seeded {number + 1}/{STATES}", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    seed()
    with cross_state_access():
        state = State.objects.get(slug=f"bench-{STATES // 2}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE recommendations_recommendation")

    def walled():
        with state_context(state):
            list(Recommendation.objects.order_by("id")[:50])
            Recommendation.objects.count()

    def bypassed():
        with cross_state_access():
            list(Recommendation.objects.filter(state=state).order_by("id")[:50])
            Recommendation.objects.filter(state=state).count()

    for func in (walled, bypassed):  # warm caches and plans
        func()
    walls = [timed(walled) for _ in range(REPEAT)]
    bypass = [timed(bypassed) for _ in range(REPEAT)]
    print(
        json.dumps(
            {
                "states": STATES,
                "recommendations": STATES * RECORDS_PER_STATE,
                "walled_p50_ms": round(statistics.median(walls), 3),
                "walled_p95_ms": round(statistics.quantiles(walls, n=20)[-1], 3),
                "bypass_p50_ms": round(statistics.median(bypass), 3),
                "bypass_p95_ms": round(statistics.quantiles(bypass, n=20)[-1], 3),
                "overhead_ratio": round(statistics.median(walls) / statistics.median(bypass), 3),
            }
        )
    )


if __name__ == "__main__":
    main()

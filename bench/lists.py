"""The workspace list and the API list at 50,000 recommendations in one State.

Seeds one State with 50,000 recommendations (once; reruns reuse them), a theme and an SDG target
on every tenth, then requests, as an observer of the State through Django's test client (the
whole stack: middleware, row-level security, scoped manager, filters, template): the first
page, a deep page, a search, a theme filter, a sort, and the API's first page. Prints one JSON
line with the median and 95th percentile in milliseconds and the queries of each request.

Run: python -m nrtd.devtools bench bench/lists.py
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

from recommendations.models import Mechanism, Recommendation, SdgTarget, Theme  # noqa: E402
from tenants.models import Role, State, User  # noqa: E402
from tenants.scoping import cross_state_access, state_context  # noqa: E402
from tenants.services import membership_set  # noqa: E402

RECORDS = int(os.environ.get("LIST_RECORDS", "50000"))
REPEAT = 30
WORDS = ["education", "justice", "water", "health", "prisons", "children", "women", "migrants", "torture", "police"]


def seed() -> tuple[State, User, Theme]:
    theme = Theme.objects.get(name_en="Right to education")
    with cross_state_access():
        state, _created = State.objects.get_or_create(
            slug="bench-lists", defaults={"name": "Bench lists", "iso3": "QLS", "content_languages": ["en"]}
        )
        user, _ = User.objects.get_or_create(email="observer@bench-lists.example.org")
        membership_set(state=state, user=user, role=Role.OBSERVER)
    with state_context(state):
        if Recommendation.objects.count() >= RECORDS:
            return state, user, theme
        Recommendation.objects.all().delete()
        mechanisms = list(Mechanism.objects.order_by("code"))
        target = SdgTarget.objects.get(code="4.1")
        for start in range(0, RECORDS, 5000):
            Recommendation.objects.bulk_create(
                Recommendation(
                    state=state,
                    mechanism=mechanisms[n % len(mechanisms)],
                    symbol=f"A/HRC/{n % 60}/{n % 7}",
                    paragraph=f"{100 + n % 50}.{n}",
                    text=f"Recommendation {n} on {WORDS[n % 10]} and {WORDS[(n * 7) % 10]} in every region",
                    position=["supported", "noted", "pending"][n % 3],
                    published=n % 2 == 0,
                    theme_ids=[theme.pk] if n % 10 == 0 else [],
                    sdg_target_ids=[target.pk] if n % 10 == 0 else [],
                )
                for n in range(start, min(start + 5000, RECORDS))
            )
            print(f"seeded {start + 5000}/{RECORDS}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return state, user, theme


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm
    times = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "queries": len(queries),
    }


def main() -> None:
    state, user, theme = seed()
    # Fresh planner statistics, as a large import leaves them (the database may hold other
    # benchmarks' rows since the last run). The application's role may not ANALYZE itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nrtd_analyze_recommendations()")
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    base = f"/{state.slug}/workspace/recommendations/"
    last_page = RECORDS // 50
    figures = {
        "records": RECORDS,
        "first_page": measure(client, base),
        "deep_page": measure(client, f"{base}?page={last_page // 2}"),
        "search": measure(client, f"{base}?q=water+prisons"),
        "theme_filter": measure(client, f"{base}?theme={theme.pk}"),
        "sort_symbol": measure(client, f"{base}?sort=symbol"),
        "api_first_page": measure(client, f"/api/v1/states/{state.slug}/recommendations/"),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""One State of 100,000 recommendations with their history, seeded fast: for the memory benches.

``seed(records)`` creates (once; a rerun reuses it when the count matches) the State
``bench-big`` with ``records`` recommendations written by bulk SQL (``json_to_recordset``, 5,000
rows a statement) with the history trigger on, so each has its "created" entry, then one
statement that changes the position of a fifth of them (an "updated" entry each). Texts are
distinct: a real UPR recommendation (UPR Info's sessions 1-5) followed by ", including" and a
few words of another one, so about 16 variants of each of the 6,094 real texts, as a State
receives the same request from many States and cycles; one in ten carries the UHRI sample's
text in six languages. Themes, affected groups, SDG targets, symbols and paragraphs as
``bench/search.py`` gives them, and 30 entities.

Imported by ``bench/related.py`` and ``bench/state_archive.py`` (Django set up by them).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from django.db import connection, connections

# The search bench's texts and its one-statement INSERT (importing it sets Django up, already done).
from bench.search import insert_rows, pg_array, texts
from recommendations.models import AffectedGroup, Entity, Mechanism, Recommendation, SdgTarget, Theme
from tenants.models import State
from tenants.scoping import cross_state_access, state_context

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
SLUG = "bench-big"
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
BATCH = 5000


def _variant(english: list[str], n: int, rng: random.Random) -> str:
    """A real text, and a few words of another as its example: distinct, realistic vocabulary."""
    base = english[n % len(english)].rstrip(" .;")
    words = english[rng.randrange(len(english))].split()
    start = rng.randrange(max(len(words) - 6, 1))
    return f"{base}, including {' '.join(words[start : start + rng.randint(3, 6)]).rstrip(' .;,')};"


def _insert(state: State, entities: list[int], numbers: range, corpus: dict, rng: random.Random) -> None:
    rows = []
    for n in numbers:
        mechanism = corpus["upr"] if n % 3 else corpus["mechanisms"][n % len(corpus["mechanisms"])]
        if n % 10 == 0:
            entry = corpus["multilingual"][n % len(corpus["multilingual"])]
            languages = [entry[lang] for lang in LANGUAGES]
        else:
            languages = [_variant(corpus["english"], n, rng), None, None, None, None, None]
        rows.append(
            (
                state.pk,
                mechanism,
                f"A/HRC/{20 + n % 40}/{n % 13}",
                f"{100 + n % 60}.{n}",
                f"{2008 + n % 17}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                1 + n % 4 if mechanism == corpus["upr"] else None,
                ["supported", "noted", "partially_supported", "pending", ""][n % 5],
                languages[0],
                *languages,
                pg_array(rng.sample(corpus["themes"], 1 + n % 3)),
                pg_array(rng.sample(corpus["groups"], n % 3)),
                pg_array(rng.sample(corpus["targets"], n % 2)),
                entities[n % 30],
                pg_array([entities[(n * 7) % 30]] if n % 4 == 0 else []),
            )
        )
    insert_rows(rows)


def seed(records: int = 100_000, *, slug: str = SLUG) -> State:
    """The State ``slug`` with ``records`` recommendations and their history (reused when seeded)."""
    with cross_state_access():
        state = State.objects.filter(slug=slug).first()
        # Its name says the seed finished (a run stopped half-way is seeded again).
        if state is not None and state.name == f"Bench big State {records}":
            return state
    english, multilingual = texts()
    corpus = {
        "english": english,
        "multilingual": multilingual,
        "mechanisms": list(Mechanism.objects.order_by("code").values_list("pk", flat=True)),
        "upr": Mechanism.objects.get(code="UPR").pk,
        "themes": list(Theme.objects.values_list("pk", flat=True)),
        "groups": list(AffectedGroup.objects.values_list("pk", flat=True)),
        "targets": list(SdgTarget.objects.values_list("pk", flat=True)),
    }
    rng = random.Random(18)
    started = time.perf_counter()
    with cross_state_access():
        if state is None:
            state = State.objects.create(
                slug=slug, name="Bench big State", iso3="QBG", portal_enabled=True, content_languages=["en"]
            )
    with state_context(state):
        Recommendation.objects.all().delete()
        entities = [Entity.objects.get_or_create(state=state, name=f"Ministry {n}")[0].pk for n in range(30)]
    for start in range(0, records, BATCH):
        with state_context(state):
            _insert(state, entities, range(start, min(start + BATCH, records)), corpus, rng)
        print(
            f"seeded {min(start + BATCH, records)}/{records} ({time.perf_counter() - started:.0f} s)", file=sys.stderr
        )
    with state_context(state), connection.cursor() as cursor:
        # A fifth of them changed once: an "updated" entry in their history as well.
        cursor.execute(
            "UPDATE recommendations_recommendation SET position = 'supported', updated_at = now()"
            " WHERE state_id = %s AND id %% 5 = 0",
            [state.pk],
        )
    with connections["owner"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE recommendations_recommendation")
        cursor.execute("VACUUM ANALYZE nrtd_history")
    with cross_state_access():
        State.objects.filter(pk=state.pk).update(name=f"Bench big State {records}")
        return State.objects.get(pk=state.pk)

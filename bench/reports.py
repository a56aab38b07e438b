"""Report drafts at the sizes a national mechanism meets, and the dashboard at 50,000 recommendations.

Seeds one State (once; reruns reuse it) with 50,000 recommendations over 30 entities and 12
clusters, 3,000 of them from the Committee on the Rights of the Child, each of those with a
validated update (a thousand with two) and 300 with an indicator and its measurements. Then
measures, as the jobs run them (reporting.drafts.draft_run: gathering, writing, storing):

- ``docx_3000_s``: the draft report to the CRC (3,000 recommendations with their updates) as Word;
- ``packs_30_s``: the information request packs of the 30 entities for the CRC's recommendations
  (a Word document and an Excel workbook each, in one zip);
- ``xlsx_10000_s``: the recommendation list's Excel export (recommendations/exports.py) of 10,000 rows;
- ``roundtrip_3000_s``: an information request pack of 3,000 rows brought back (reporting.returns):
  the filled workbook read and recorded as a preview, then applied as 3,000 draft progress updates
  (a ministry that supports the CRC's 3,000 recommendations; the workbook filled with openpyxl
  beforehand, as a focal point would, not timed); ``roundtrip_again_s`` the same file again
  (nothing changes) and ``roundtrip_corrected_s`` a file with every answer corrected (3,000 drafts
  edited); ``pack_3000_s`` the job that assembles that pack;
- ``dashboard_p95_ms``: ``measure_dashboard(state, user)`` of bench/reports_dashboard.py (null,
  with a note on standard error, when that file is missing).

Seconds are the best of ``REPEAT`` runs. Prints one JSON line.

Run: python -m nrtd.devtools bench bench/reports.py [--only=xlsx|roundtrip]
(``--only=xlsx`` or ``--only=roundtrip`` measures that alone and prints only its figures.)
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

import io  # noqa: E402
import zipfile  # noqa: E402

import openpyxl  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F, Func, Value  # noqa: E402

from followup.models import Indicator, Measurement, ProgressUpdate  # noqa: E402
from recommendations.exports import export_response  # noqa: E402
from recommendations.models import Cluster, Entity, Mechanism, Recommendation, Theme  # noqa: E402
from reporting.documents.packs import COLUMNS  # noqa: E402
from reporting.drafts import draft_run  # noqa: E402
from reporting.models import PackReturn, ReportDraft  # noqa: E402
from reporting.returns import pack_return_apply, pack_return_read, pack_return_record  # noqa: E402
from tenants.models import Role, State, User  # noqa: E402
from tenants.scoping import cross_state_access, state_context  # noqa: E402
from tenants.services import membership_set  # noqa: E402

RECORDS = int(os.environ.get("REPORT_RECORDS", "50000"))
FOCUS = 3000  # the CRC's recommendations
ENTITIES = 30
REPEAT = int(os.environ.get("REPORT_REPEAT", "3"))
TOPICS = ["education", "justice", "water", "health", "prisons", "children", "women", "migrants", "torture", "police"]
STATUSES = ["in_progress", "partially_implemented", "implemented", "not_started"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed() -> tuple[State, User, Mechanism]:
    crc = Mechanism.objects.get(code="CRC")
    with cross_state_access():
        state, _created = State.objects.get_or_create(
            slug="bench-reports", defaults={"name": "Bench reports", "iso3": "QRP", "content_languages": ["en", "fr"]}
        )
        user, _ = User.objects.get_or_create(email="secretariat@bench-reports.example.org")
        membership_set(state=state, user=user, role=Role.SECRETARIAT)
    with state_context(state):
        if Recommendation.objects.count() >= RECORDS:
            return state, user, crc
        log("seeding…")
        entities = [
            Entity.objects.get_or_create(state=state, name=f"Ministry {n:02d} of {TOPICS[n % 10].title()}")[0]
            for n in range(ENTITIES)
        ]
        clusters = [
            Cluster.objects.get_or_create(
                state=state, name=f"Cluster {n:02d} {TOPICS[n % 10]}", defaults={"position": n}
            )[0]
            for n in range(12)
        ]
        others = list(Mechanism.objects.exclude(pk=crc.pk).order_by("code")[:20])
        themes = list(Theme.objects.values_list("pk", flat=True)[:40])
        for start in range(0, RECORDS, 5000):
            Recommendation.objects.bulk_create(
                Recommendation(
                    state=state,
                    mechanism=crc if n < FOCUS else others[n % len(others)],
                    symbol=f"CRC/C/QRP/CO/{5 + n % 2}" if n < FOCUS else f"A/HRC/{40 + n % 20}/{n % 9}",
                    paragraph=f"{n // 10}({chr(97 + n % 10)})",
                    text_en=f"Recommendation {n} on {TOPICS[n % 10]} and {TOPICS[(n * 7) % 10]} for every child "
                    "in every region of the country, with the means it needs.",
                    # A fifth translated into French: the rest fall back, with the note.
                    text_fr=f"Recommandation {n} sur {TOPICS[n % 10]}." if n % 5 == 0 else "",
                    position=["supported", "noted", "partially_supported"][n % 3],
                    theme_ids=[themes[n % 40]],
                    cluster_ids=[clusters[n % 12].pk],
                    primary_cluster=clusters[n % 12],
                    lead_entity=entities[n % ENTITIES],
                    supporting_entity_ids=[entities[(n + 7) % ENTITIES].pk],
                )
                for n in range(start, min(start + 5000, RECORDS))
            )
            log(f"seeded {min(start + 5000, RECORDS)}/{RECORDS}")
        focus = list(Recommendation.objects.filter(mechanism=crc).order_by("pk").values_list("pk", "lead_entity_id"))
        today = datetime.date.today()
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                state=state,
                recommendation_id=pk,
                entity_id=lead,
                implementation_status=STATUSES[i % 4],
                narrative=f"The ministry reported progress on recommendation {pk}: a decree, a budget line and "
                "training of staff in the regions, with figures for the year.",
                reported_on=today - datetime.timedelta(days=400 - (i % 300) - (200 if second else 0)),
                status=ProgressUpdate.Status.VALIDATED,
            )
            for second in (False, True)
            for i, (pk, lead) in enumerate(focus if not second else focus[:1000])
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(state=state, recommendation_id=pk, name=f"Indicator of {pk}", unit="%", baseline=10, target=80)
            for pk, _lead in focus[:300]
        )
        Measurement.objects.bulk_create(
            Measurement(
                state=state, indicator=indicator, measured_on=today - datetime.timedelta(days=30 * k), value=20 + k
            )
            for indicator in indicators
            for k in (1, 6)
        )
    return state, user, crc


def timed_draft(state: State, user: User, kind: str, parameters: dict) -> tuple[float, int]:
    """Best seconds of the job, and the file's size."""
    best, size = float("inf"), 0
    for _ in range(REPEAT):
        with state_context(state):
            draft = ReportDraft.objects.create(
                state=state, kind=kind, title="Bench", language="fr", parameters=parameters, created_by=user
            )
        started = time.perf_counter()
        draft = draft_run(state=state, draft_id=draft.pk)
        seconds = time.perf_counter() - started
        assert draft.status == ReportDraft.Status.SUCCEEDED, draft.failure
        best = min(best, seconds)
        size = draft.file.size
        draft.file.delete(save=False)
    return best, size


def timed_export(state: State) -> tuple[float, int]:
    """Best seconds of the export's response (what the view returns once the filters are applied), and its size."""
    best, size = float("inf"), 0
    for _ in range(REPEAT):
        with state_context(state):
            started = time.perf_counter()
            response = export_response(
                state=state,
                recommendations=Recommendation.objects.order_by("-issued_on", "symbol", "paragraph", "pk")[:10000],
                kind="xlsx",
            )
            best = min(best, time.perf_counter() - started)
            size = len(response.content)
    return best, size


ROUND_TRIP_ENTITY = "Ministry of the round trip"


def _round_trip_once(state: State, user: User, crc: Mechanism, entity: Entity) -> dict:
    """Assemble the entity's pack, fill its workbook, bring it back three times; the seconds of each."""
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    with state_context(state):
        draft = ReportDraft.objects.create(
            state=state,
            kind="information_request",
            title="Bench round trip",
            language="en",
            parameters={"entities": [entity.pk], "mechanism": crc.pk, "deadline": deadline, "instructions": ""},
            created_by=user,
        )
    started = time.perf_counter()
    draft = draft_run(state=state, draft_id=draft.pk)
    pack_s = time.perf_counter() - started
    assert draft.status == ReportDraft.Status.SUCCEEDED, draft.failure
    archive = zipfile.ZipFile(io.BytesIO(draft.file.read()))
    name = next(n for n in archive.namelist() if n.endswith(".xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read(name)))
    draft.file.delete(save=False)
    sheet = workbook.worksheets[0]
    column = {key: index + 1 for index, key in enumerate(COLUMNS)}

    def filled(words: str) -> bytes:
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=column["status"], value=["In progress", "Implemented"][row % 2])
            sheet.cell(row=row, column=column["narrative"], value=f"{words} on row {row}: a decree and training.")
            sheet.cell(row=row, column=column["reported_on"], value=datetime.date.today())
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    seconds = {}
    first = filled("Done")
    for phase, content in (("first", first), ("again", first), ("corrected", filled("Corrected"))):
        started = time.perf_counter()
        with state_context(state):
            reading = pack_return_read(state=state, fileobj=io.BytesIO(content), filename=name)
            pack_return = pack_return_record(state=state, user=user, reading=reading, filename=name)
            done = pack_return_apply(pack_return=pack_return, user=user)
        seconds[phase] = time.perf_counter() - started
        expected = {"first": (sheet.max_row - 1, 0, 0), "again": (0, 0, sheet.max_row - 1)}
        expected["corrected"] = (0, sheet.max_row - 1, 0)
        assert (done.created, done.updated, done.unchanged) == expected[phase], (phase, done.created, done.updated)
    seconds["pack"] = pack_s
    seconds["rows"] = sheet.max_row - 1
    return seconds


def _round_trip_clean(state: State, entity: Entity) -> None:
    with state_context(state):
        PackReturn.objects.filter(entity=entity).delete()
        ProgressUpdate.objects.filter(entity=entity, status=ProgressUpdate.Status.DRAFT).delete()


def timed_round_trip(state: State, user: User, crc: Mechanism) -> dict:
    """Best seconds of each phase (see the module's docstring). The ministry supports the CRC's
    recommendations only while it runs, and leaves no draft behind, so the other figures stay
    comparable from run to run."""
    with state_context(state):
        entity, _created = Entity.objects.get_or_create(state=state, name=ROUND_TRIP_ENTITY)
        ids = Func(F("supporting_entity_ids"), Value(entity.pk), function="array_remove")
        Recommendation.objects.filter(mechanism=crc).update(
            supporting_entity_ids=Func(ids, Value(entity.pk), function="array_append")
        )
    best: dict[str, float] = {}
    try:
        for _ in range(REPEAT):
            _round_trip_clean(state, entity)
            for phase, value in _round_trip_once(state, user, crc, entity).items():
                best[phase] = min(best.get(phase, float("inf")), value)
    finally:
        _round_trip_clean(state, entity)
        with state_context(state):
            Recommendation.objects.filter(mechanism=crc).update(
                supporting_entity_ids=Func(F("supporting_entity_ids"), Value(entity.pk), function="array_remove")
            )
    return {
        "roundtrip_3000_s": round(best["first"], 2),
        "roundtrip_again_s": round(best["again"], 2),
        "roundtrip_corrected_s": round(best["corrected"], 2),
        "pack_3000_s": round(best["pack"], 2),
        "roundtrip_rows": int(best["rows"]),
    }


def main() -> None:
    only = next((arg.removeprefix("--only=") for arg in sys.argv[1:] if arg.startswith("--only=")), "")
    state, user, crc = seed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nrtd_analyze_recommendations()")
    if only == "xlsx":
        xlsx_s, xlsx_bytes = timed_export(state)
        log(f"xlsx: {xlsx_s:.2f} s")
        print(json.dumps({"xlsx_10000_s": round(xlsx_s, 2), "records": RECORDS, "xlsx_bytes": xlsx_bytes}))
        return
    if only == "roundtrip":
        round_trip = timed_round_trip(state, user, crc)
        log(f"round trip: {round_trip}")
        print(json.dumps({**round_trip, "records": RECORDS}))
        return
    with state_context(state):
        entity_ids = list(Entity.objects.order_by("pk").values_list("pk", flat=True)[:ENTITIES])
    up_to = datetime.date.today().isoformat()
    docx_s, docx_bytes = timed_draft(
        state, user, "mechanism_report", {"mechanism": crc.pk, "grouping": "cluster", "up_to": up_to}
    )
    log(f"docx: {docx_s:.2f} s")
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    packs_s, packs_bytes = timed_draft(
        state,
        user,
        "information_request",
        {"entities": entity_ids, "mechanism": crc.pk, "deadline": deadline, "instructions": "Reply in time."},
    )
    log(f"packs: {packs_s:.2f} s")
    xlsx_s, xlsx_bytes = timed_export(state)
    log(f"xlsx: {xlsx_s:.2f} s")
    round_trip = timed_round_trip(state, user, crc)
    log(f"round trip: {round_trip}")
    try:
        from bench.reports_dashboard import measure_dashboard
    except ImportError as error:
        log(f"dashboard_p95_ms is null: bench/reports_dashboard.py cannot be imported ({error})")
        dashboard = None
    else:
        dashboard = measure_dashboard(state, user)
    print(
        json.dumps(
            {
                "docx_3000_s": round(docx_s, 2),
                "packs_30_s": round(packs_s, 2),
                "xlsx_10000_s": round(xlsx_s, 2),
                **round_trip,
                "dashboard_p95_ms": dashboard,
                "records": RECORDS,
                "docx_bytes": docx_bytes,
                "packs_bytes": packs_bytes,
                "xlsx_bytes": xlsx_bytes,
            }
        )
    )


if __name__ == "__main__":
    main()

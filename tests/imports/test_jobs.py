"""Importing into a State: counts, re-imports, dry runs, bad files, flags, history, isolation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from imports.models import ImportJob
from imports.tasks import import_job_task
from recommendations.models import Recommendation
from tenants.models import HistoryEntry, State
from tenants.scoping import cross_state_access, state_context
from tests.factories import StateFactory

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def uhri_record(number: int, **overrides) -> dict:
    record = {
        "AnnotationId": f"5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d{number:04d}",
        "AnnotationType": "- Recommendations",
        "Body": "- UPR",
        "Countries": ["Slovenia"],
        "DocumentId": "9a8b7c6d-0000-4000-8000-000000000001",
        "PublicationDate": "2025-02-12T00:00:00",
        "PublicationDateOnUhri": "2025-03-04T00:00:00",
        "Regions": [],
        "Sdgs": ["16.2 - Protect children from abuse, exploitation, trafficking and violence"],
        "Symbol": "A/HRC/59/15",
        "Text": f"<p>121.{number} Continue its efforts to combat discrimination (Pakistan);</p>",
        "Themes": ["Equality & non-discrimination"],
        "AffectedPersons": ["Children"],
        "UprCycle": "4th cycle",
        "UprPositions": ["- Supported"],
        "UprRecommendingCountry": ["Pakistan"],
        "UprRecommendingRegions": [],
        "UprSession": "48",
    }
    record.update(overrides)
    return record


def run_import(path: Path, state: State, *options: str) -> dict:
    out = io.StringIO()
    call_command("import_recommendations", str(path), "--state", state.slug, "--json", *options, stdout=out)
    return json.loads(out.getvalue())


def write_json(tmp_path: Path, records: list, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records))
    return path


def counts(outcome: dict) -> tuple:
    return outcome["created"], outcome["updated"], outcome["unchanged"], outcome["rejected"]


def test_uhri_export_imports_only_the_states_records_and_reimport_creates_nothing(tmp_path, slovenia):
    records = [uhri_record(1), uhri_record(2, UprPositions=["- Noted"]), uhri_record(3, Countries=["Croatia"])]
    path = write_json(tmp_path, records)
    first = run_import(path, slovenia)
    assert counts(first) == (2, 0, 0, 0)
    assert first["by_position"] == {"supported": 1, "noted": 1, "partially_supported": 0, "pending": 0}
    again = run_import(path, slovenia)
    assert counts(again) == (0, 0, 2, 0)
    with state_context(slovenia):
        recommendation = Recommendation.objects.get(paragraph="121.1")
        assert (
            recommendation.mechanism.code,
            recommendation.symbol,
            recommendation.upr_cycle,
            recommendation.position,
        ) == (
            "UPR",
            "A/HRC/59/15",
            4,
            "supported",
        )
        assert recommendation.text_en == "121.1 Continue its efforts to combat discrimination (Pakistan);"
        assert [t.name for t in recommendation.themes.all()] == ["Equality & non-discrimination"]
        assert [g.name for g in recommendation.affected_groups.all()] == ["Children"]
        assert [t.code for t in recommendation.sdg_targets.all()] == ["16.2"]
        assert [c.iso3 for c in recommendation.recommending_countries.all()] == ["PAK"]
        assert recommendation.review_flags == []
        assert Recommendation.objects.count() == 2


def test_changed_text_updates_the_record_and_its_history_shows_it(tmp_path, slovenia):
    run_import(write_json(tmp_path, [uhri_record(1)]), slovenia)
    changed = uhri_record(1, Text="<p>121.1 Redoubled efforts to combat discrimination (Pakistan);</p>")
    outcome = run_import(write_json(tmp_path, [changed], "changed.json"), slovenia)
    assert counts(outcome) == (0, 1, 0, 0)
    with state_context(slovenia):
        recommendation = Recommendation.objects.get()
        entries = HistoryEntry.objects.filter(
            table_name="recommendations_recommendation", row_id=str(recommendation.pk), operation="U"
        )
        [entry] = entries
        assert (entry.before["text_en"], entry.after["text_en"]) == (
            "121.1 Continue its efforts to combat discrimination (Pakistan);",
            "121.1 Redoubled efforts to combat discrimination (Pakistan);",
        )
        assert entry.context.metadata["command"] == "import_recommendations"


def test_dry_run_counts_but_writes_nothing(tmp_path, slovenia):
    path = write_json(tmp_path, [uhri_record(1), uhri_record(2)])
    outcome = run_import(path, slovenia, "--dry-run")
    assert counts(outcome) == (2, 0, 0, 0)
    with state_context(slovenia):
        assert Recommendation.objects.count() == 0
        assert list(ImportJob.objects.values_list("dry_run", "status", "created")) == [(True, "succeeded", 2)]


def test_a_truncated_file_fails_with_its_reason_and_writes_nothing(tmp_path, slovenia):
    text = json.dumps([uhri_record(1), uhri_record(2)])
    path = tmp_path / "truncated.json"
    path.write_text(text[: len(text) - 40])
    with pytest.raises(CommandError) as raised:
        run_import(path, slovenia)
    assert str(raised.value).startswith("truncated.json: ")
    with state_context(slovenia):
        assert Recommendation.objects.count() == 0
        job = ImportJob.objects.get()
        assert (job.status, job.failure == str(raised.value).removeprefix("truncated.json: ")) == ("failed", True)


def test_unknown_labels_are_kept_flagged_and_never_reject_the_record(tmp_path, slovenia):
    record = uhri_record(
        1, Themes=["Equality & non-discrimination", "Underwater basket weaving"], Body="- Committee of Nowhere"
    )
    outcome = run_import(write_json(tmp_path, [record]), slovenia)
    assert counts(outcome) == (1, 0, 0, 0)
    with state_context(slovenia):
        recommendation = Recommendation.objects.get()
        assert recommendation.mechanism.code == "OTHER"
        assert recommendation.review_flags == [
            "mechanism not recognised: Committee of Nowhere",
            "theme not recognised: Underwater basket weaving",
        ]


def test_rows_without_text_and_repeated_records_are_rejected_with_their_place(tmp_path, slovenia):
    # The same record twice is one recommendation (merged); the same id with another text is a
    # repeat the file should not hold (rejected), as a record without text.
    records = [
        uhri_record(1),
        uhri_record(1),
        uhri_record(1, Text="<p>Another text</p>"),
        uhri_record(2, Text="<p> </p>"),
    ]
    outcome = run_import(write_json(tmp_path, records), slovenia)
    assert (*counts(outcome), outcome["merged"]) == (1, 0, 0, 2, 1)
    assert [error["location"] for error in outcome["errors"]] == ["record 3", "record 4"]
    assert outcome["errors"][0]["message"] == "The same recommendation appears again (first at record 1)."


def test_the_same_file_into_two_states_stays_apart(tmp_path, slovenia, planted):
    path = write_json(tmp_path, [uhri_record(1, Countries=["Slovenia", "Alphaland"])])
    assert counts(run_import(path, slovenia)) == (1, 0, 0, 0)
    assert counts(run_import(path, planted.a.state)) == (1, 0, 0, 0)
    with state_context(planted.a.state):
        assert Recommendation.objects.filter(import_key__startswith="uhri:").count() == 1
        assert Recommendation.objects.get(import_key__startswith="uhri:").theme_ids
    with state_context(slovenia):
        assert Recommendation.objects.count() == 1


def test_import_task_runs_a_stored_upload(tmp_path, slovenia, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    with state_context(slovenia):
        job = ImportJob.objects.create(state=slovenia, format="auto", filename="export.json")
        job.file.save("export.json", ContentFile(json.dumps([uhri_record(1)]).encode()))
    assert import_job_task.delay(slovenia.pk, job.pk).get() == "succeeded"
    with state_context(slovenia):
        job.refresh_from_db()
        assert (job.format, job.created, job.status) == ("uhri-json", 1, "succeeded")


def test_unrecognised_file_is_refused_by_name(tmp_path, slovenia):
    path = tmp_path / "notes.bin"
    path.write_bytes(b"\x00\x01\x02 binary")
    with pytest.raises(CommandError, match=r"^notes\.bin: The format of the file could not be recognised"):
        run_import(path, slovenia)


def test_real_slovenia_thematic_list(slovenia):
    path = SAMPLES / "upr34-slovenia-thematic-list.docx"
    outcome = run_import(path, slovenia)
    assert (outcome["format"], *counts(outcome)) == ("upr-docx", 215, 0, 0, 0)
    assert outcome["by_position"] == {"supported": 182, "noted": 33, "partially_supported": 0, "pending": 0}
    assert counts(run_import(path, slovenia)) == (0, 0, 215, 0)


def test_real_upr_info_sheet_for_one_state(db):
    with cross_state_access():
        state = StateFactory(name="Afghanistan", slug="afghanistan", iso3="AFG")
    path = SAMPLES / "upr-info-sessions-1-5.csv"
    with path.open(encoding="mac_roman", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["To"] == "Afghanistan"]
    outcome = run_import(path, state, "--mapping", "upr-info")
    expected_supported = sum(row["Response"] == "Accepted" for row in rows)
    assert (outcome["format"], outcome["created"] + outcome["rejected"]) == ("csv", len(rows))
    assert outcome["by_position"]["supported"] + outcome["by_position"]["noted"] == outcome["created"]
    assert outcome["by_position"]["supported"] <= expected_supported

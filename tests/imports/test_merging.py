"""No recommending State lost: repeated recommendations merge, later cycles never overwrite earlier
ones, old keys are repaired, and the rows of other States are counted.

UPR Info's database repeats a recommendation once per recommending State (the real sample of
sessions 1–5, tests/fixtures/samples/upr-info-sessions-1-5.csv).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from imports.keys import text_digest
from imports.models import ImportJob
from recommendations.models import Mechanism, Recommendation
from recommendations.vocabularies import VocabularyIndex
from tenants.models import HistoryEntry, State
from tenants.scoping import cross_state_access, state_context
from tests.factories import StateFactory
from tests.imports.helpers import sample_file

pytestmark = pytest.mark.django_db
UPR_INFO = sample_file("upr-info-sessions-1-5.csv")
UPR_INFO_HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"


def run_import(path: Path, state: State, *options: str) -> dict:
    out = io.StringIO()
    call_command("import_recommendations", str(path), "--state", state.slug, "--json", *options, stdout=out)
    return json.loads(out.getvalue())


def upr_info_rows() -> list[dict]:
    text = UPR_INFO.read_bytes().decode("mac_roman").replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def cuba(db):
    with cross_state_access():
        return StateFactory(name="Cuba", slug="cuba", iso3="CUB")


def test_upr_info_repeats_merge_into_one_recommendation_with_all_its_states(cuba):
    rows = upr_info_rows()
    own = [row for row in rows if row["To"] == "Cuba"]
    reviews: dict[tuple, list[str]] = {}
    for row in own:
        reviews.setdefault((" ".join(row["Text"].lower().split()), row["Session"]), []).append(row["From"])
    repeats = sum(len(states) - 1 for states in reviews.values())
    assert (len(rows), len(own), len(reviews), repeats) == (6094, 148, 108, 40)

    outcome = run_import(UPR_INFO, cuba, "--mapping", "upr-info")
    assert {key: outcome[key] for key in ("processed", "created", "merged", "rejected", "skipped")} == {
        "processed": 148,
        "created": 108,
        "merged": 40,
        "rejected": 0,
        "skipped": 6094 - 148,
    }
    assert outcome["errors"] == []
    # The rows left aside, by State, the most frequent first.
    others = Counter(row["To"] for row in rows if row["To"] != "Cuba")
    assert outcome["other_states"] == [[name, count] for name, count in others.most_common(10)]
    assert outcome["other_states"][0] == ["Viet Nam", 172]

    index = VocabularyIndex.build()
    with state_context(cuba):
        recommendations = list(Recommendation.objects.all())
    assert len(recommendations) == 108
    found = {(" ".join(r.text.lower().split()), str(r.upr_session)): r for r in recommendations}
    for review, states in reviews.items():
        expected = list(dict.fromkeys(index.country(state) for state in states))
        assert found[review].recommending_country_ids == expected, review

    # The same file again changes nothing, and merges the same repeats again.
    again = run_import(UPR_INFO, cuba, "--mapping", "upr-info")
    assert {key: again[key] for key in ("created", "updated", "unchanged", "merged", "rejected")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 108,
        "merged": 40,
        "rejected": 0,
    }


def write_csv(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([UPR_INFO_HEADER, *rows]) + "\n")
    return path


def test_a_later_cycle_never_overwrites_an_earlier_one(tmp_path, slovenia):
    text = "Ratify the Optional Protocol to the Convention against Torture"
    first = write_csv(tmp_path, "sessions-6-9.csv", [f"Slovenia,,,{text},France,,,Accepted,,,7"])
    later = write_csv(
        tmp_path,
        "sessions-17-20.csv",
        [f"Slovenia,,,{text},Spain,,,Noted,,,20", f"Slovenia,,,{text},Estonia,,,Noted,,,20"],
    )
    assert (run_import(first, slovenia, "--mapping", "upr-info")["created"]) == 1
    outcome = run_import(later, slovenia, "--mapping", "upr-info")
    assert {key: outcome[key] for key in ("created", "updated", "unchanged", "merged", "rejected")} == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "merged": 1,
        "rejected": 0,
    }
    with state_context(slovenia):
        rows = list(
            Recommendation.objects.order_by("upr_session").values_list(
                "upr_session", "upr_cycle", "position", "import_key"
            )
        )
        earliest = Recommendation.objects.get(upr_session=7)
        updates = HistoryEntry.objects.filter(
            table_name="recommendations_recommendation", row_id=str(earliest.pk), operation="U"
        )
        assert not updates.exists()
        later_one = Recommendation.objects.get(upr_session=20)
        assert sorted(later_one.recommending_countries.values_list("iso3", flat=True)) == ["ESP", "EST"]
    digest = text_digest(text)
    assert rows == [
        (7, 1, "supported", f"text:UPR:s7:{digest}"),
        (20, 2, "noted", f"text:UPR:s20:{digest}"),
    ]


def test_the_same_text_twice_in_a_file_with_different_states_is_one_recommendation(tmp_path, slovenia):
    path = write_csv(
        tmp_path,
        "repeated.csv",
        [
            "Slovenia,,,Consider ratifying the Second Optional Protocol to the ICCPR,Belgium,,,Noted,,,7",
            "Slovenia,,,Consider ratifying the Second Optional Protocol to the ICCPR,Estonia,,,Noted,,,7",
            "Slovenia,,,Consider  ratifying the second optional protocol to the ICCPR,France,,,Noted,,,7",
            "Slovenia,,,Consider ratifying the Second Optional Protocol to the ICCPR,Belgium,,,Noted,,,7",
        ],
    )
    outcome = run_import(path, slovenia, "--mapping", "upr-info")
    assert (outcome["created"], outcome["merged"], outcome["rejected"]) == (1, 3, 0)
    with state_context(slovenia):
        recommendation = Recommendation.objects.get()
        assert list(recommendation.recommending_countries.order_by("iso3").values_list("iso3", flat=True)) == [
            "BEL",
            "EST",
            "FRA",
        ]


def test_merges_across_batches_reach_the_written_recommendation(tmp_path, slovenia, monkeypatch):
    from imports import writer

    original = writer.recommendations_import

    def small_batches(**kwargs):
        return original(**kwargs, batch_size=1)

    monkeypatch.setattr("imports.runs.recommendations_import", small_batches)
    path = write_csv(
        tmp_path,
        "repeated.csv",
        [
            "Slovenia,,,Protect human rights defenders,Belgium,,,Accepted,,,7",
            "Slovenia,,,Protect human rights defenders,Estonia,,,Accepted,,,7",
            "Slovenia,,,Protect human rights defenders,France,,,Accepted,,,7",
        ],
    )
    outcome = run_import(path, slovenia, "--mapping", "upr-info")
    assert (outcome["created"], outcome["merged"]) == (1, 2)
    with state_context(slovenia):
        recommendation = Recommendation.objects.get()
        assert list(recommendation.recommending_countries.order_by("iso3").values_list("iso3", flat=True)) == [
            "BEL",
            "EST",
            "FRA",
        ]
    # Again, in batches of one: the recommendation is unchanged and nothing is written.
    again = run_import(path, slovenia, "--mapping", "upr-info")
    assert (again["unchanged"], again["merged"]) == (1, 2)


def test_old_text_keys_are_repaired_and_then_recognised(tmp_path, slovenia):
    text = "Protect human rights defenders"
    path = write_csv(tmp_path, "one.csv", [f"Slovenia,,,{text},Belgium,,,Accepted,,,7"])
    run_import(path, slovenia, "--mapping", "upr-info")
    with state_context(slovenia):
        recommendation = Recommendation.objects.get()
        # As an import before issue 21 keyed it: by its text alone.
        Recommendation.objects.filter(pk=recommendation.pk).update(import_key=f"text:{text_digest(text)}")
    out = io.StringIO()
    call_command("repair_import_keys", "--state", slovenia.slug, stdout=out)
    assert out.getvalue() == "1 import keys repaired.\n"
    with state_context(slovenia):
        recommendation.refresh_from_db()
        assert recommendation.import_key == f"text:UPR:s7:{text_digest(text)}"
    again = run_import(path, slovenia, "--mapping", "upr-info")
    assert (again["created"], again["unchanged"]) == (0, 1)


def test_the_key_repair_names_the_cycle_when_there_is_no_session(slovenia):
    from imports.keys import text_keys_repair

    with state_context(slovenia):
        recommendation = Recommendation.objects.create(
            state=slovenia,
            mechanism=Mechanism.objects.get(code="CRC"),
            text="Something",
            upr_cycle=None,
            import_key="text:" + "a" * 32,
        )
        other = Recommendation.objects.create(
            state=slovenia,
            mechanism=Mechanism.objects.get(code="UPR"),
            text="Else",
            upr_cycle=2,
            import_key="text:" + "b" * 32,
        )
        assert text_keys_repair(state_id=slovenia.pk) == 2
        recommendation.refresh_from_db()
        other.refresh_from_db()
        assert (recommendation.import_key, other.import_key) == ("text:CRC:-:" + "a" * 32, "text:UPR:c2:" + "b" * 32)
        assert text_keys_repair(state_id=slovenia.pk) == 0


def test_a_file_of_other_states_says_so(tmp_path, slovenia):
    path = write_csv(
        tmp_path,
        "others.csv",
        ["Chad,,,Ratify,Peru,,,Noted,,,5", "Chad,,,Adopt,Peru,,,Noted,,,5", "Peru,,,Adopt,Chad,,,Noted,,,5"],
    )
    outcome = run_import(path, slovenia, "--mapping", "upr-info")
    assert {key: outcome[key] for key in ("processed", "created", "skipped", "other_states")} == {
        "processed": 0,
        "created": 0,
        "skipped": 3,
        "other_states": [["Chad", 2], ["Peru", 1]],
    }
    with state_context(slovenia):
        job = ImportJob.objects.get()
        assert (job.skipped, job.summary["other_states"]) == (3, [["Chad", 2], ["Peru", 1]])

"""UN documents imported into a State: Slovenia's real UPR report and its addendum against the
thematic list of the same review, record by record; constructed concluding observations with a
follow-up request; hostile documents refused with a reason and nothing written.

The report (A/HRC/43/15), its addendum (Add.1) and the thematic list are real
(tests/fixtures/samples). The concluding observations are CONSTRUCTED samples, not UN documents
(tests/fixtures/imports/un-documents/README.md).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from imports.models import ImportJob
from imports.parsers.records import ParsedRecommendation
from imports.parsers.upr_docx import iter_upr_docx
from recommendations.models import Country, Recommendation
from recommendations.vocabularies import VocabularyIndex
from reporting.models import ReportingObligation
from tenants.models import State
from tenants.scoping import cross_state_access, state_context
from tests.factories import StateFactory
from tests.imports.documents import FIXTURES, hostile
from tests.imports.helpers import sample_file

pytestmark = pytest.mark.django_db
REPORT = sample_file("upr34-slovenia-wg-report-A-HRC-43-15.pdf")
ADDENDUM = sample_file("upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf")
THEMATIC_LIST = sample_file("upr34-slovenia-thematic-list.docx")
CESCR = FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.docx"  # constructed, not a UN document


def run_import(path: Path, state: State, *options: str) -> dict:
    out = io.StringIO()
    call_command("import_recommendations", str(path), "--state", state.slug, "--json", *options, stdout=out)
    return json.loads(out.getvalue())


def thematic_list() -> dict[str, ParsedRecommendation]:
    with THEMATIC_LIST.open("rb") as fileobj:
        return {item.paragraph: item for item in iter_upr_docx(fileobj) if isinstance(item, ParsedRecommendation)}


def country_ids(names: list[str]) -> list[int]:
    index = VocabularyIndex.build()
    return [index.country(name) for name in names]


def test_the_report_alone_gives_215_recommendations_as_the_thematic_list_has_them(slovenia):
    outcome = run_import(REPORT, slovenia)
    assert {key: outcome[key] for key in ("status", "format", "processed", "created", "rejected", "merged")} == {
        "status": "succeeded",
        "format": "un-upr-report",
        "processed": 215,
        "created": 215,
        "rejected": 0,
        "merged": 0,
    }
    assert outcome["by_position"] == {"supported": 58, "noted": 0, "partially_supported": 0, "pending": 157}
    expected = thematic_list()
    with state_context(slovenia):
        recommendations = list(Recommendation.objects.select_related("mechanism").order_by("id"))
        job = ImportJob.objects.get()
    assert [r.paragraph for r in recommendations] == [f"121.{n}" for n in range(1, 59)] + [
        f"122.{n}" for n in range(1, 158)
    ]
    assert {(r.symbol, r.issued_on, r.mechanism.code, r.upr_session, r.upr_cycle) for r in recommendations} == {
        ("A/HRC/43/15", date(2019, 12, 19), "UPR", 34, 3)
    }
    for recommendation in recommendations:
        listed = expected[recommendation.paragraph]
        assert " ".join(recommendation.text.split()) == " ".join(listed.texts["en"].split()), recommendation.paragraph
        assert recommendation.recommending_country_ids == country_ids(listed.recommending_countries), (
            recommendation.paragraph
        )
    by_paragraph = {r.paragraph: r for r in recommendations}
    assert sorted(by_paragraph["121.2"].recommending_countries.values_list("iso3", flat=True)) == ["SVK", "UKR"]
    assert job.summary["document"] == {
        "kind": "upr-report",
        "title": "Report of the Working Group on the Universal Periodic Review: Slovenia",
        "symbol": "A/HRC/43/15",
        "issued_on": "2019-12-19",
        "adopted_on": "",
        "mechanism": "UPR",
        "session": 34,
        "upr_cycle": 3,
        "country": "Slovenia",
        "observations": 0,
    }
    assert job.summary["details"][0] == {"name": "symbol", "values": [["A/HRC/43/15", 215]], "others": 0, "missing": 0}


def test_then_the_addendum_sets_182_supported_and_33_noted_as_the_thematic_list(slovenia):
    run_import(REPORT, slovenia)
    preview = run_import(ADDENDUM, slovenia, "--dry-run")
    assert {key: preview[key] for key in ("status", "format", "processed", "updated", "unchanged", "rejected")} == {
        "status": "succeeded",
        "format": "un-upr-addendum",
        "processed": 157,
        "updated": 157,
        "unchanged": 0,
        "rejected": 0,
    }
    assert Counter((c["before"], c["after"]) for c in preview["positions_changed"]) == {
        ("pending", "supported"): 124,
        ("pending", "noted"): 33,
    }
    with state_context(slovenia):
        assert Recommendation.objects.filter(position="pending").count() == 157, "a preview writes nothing"

    outcome = run_import(ADDENDUM, slovenia)
    assert (outcome["updated"], outcome["rejected"]) == (157, 0)
    expected = {paragraph: record.position for paragraph, record in thematic_list().items()}
    with state_context(slovenia):
        positions = dict(Recommendation.objects.values_list("paragraph", "position"))
    assert Counter(positions.values()) == {"supported": 182, "noted": 33}
    assert positions == expected

    # Again: nothing left to change.
    again = run_import(ADDENDUM, slovenia, "--dry-run")
    assert (again["updated"], again["unchanged"]) == (0, 157)


def test_the_thematic_list_after_the_report_finds_the_same_recommendations(slovenia):
    run_import(REPORT, slovenia)
    outcome = run_import(THEMATIC_LIST, slovenia)
    # The thematic list names no symbol: its recommendations are found by session and number.
    assert (outcome["format"], outcome["created"], outcome["updated"], outcome["rejected"]) == ("upr-docx", 0, 215, 0)
    with state_context(slovenia):
        assert Recommendation.objects.count() == 215


def test_an_addendum_before_its_report_places_nothing_and_says_why(slovenia):
    outcome = run_import(ADDENDUM, slovenia, "--dry-run")
    assert (outcome["updated"], outcome["rejected"]) == (0, 157)
    assert outcome["errors"][0] == {
        "location": "A/HRC/43/15/Add.1 - Para.3",
        "column": None,
        "message": "122.1: The State has no recommendation with this number from the report.",
    }


def test_batch_details_from_the_command_complete_the_thematic_list(slovenia):
    outcome = run_import(THEMATIC_LIST, slovenia, "--symbol", "A/HRC/43/15", "--date", "2019-12-19")
    assert (outcome["created"], outcome["rejected"]) == (215, 0)
    with state_context(slovenia):
        assert set(Recommendation.objects.values_list("symbol", "issued_on", "upr_session", "upr_cycle")) == {
            ("A/HRC/43/15", date(2019, 12, 19), 34, 3)
        }
        job = ImportJob.objects.get()
    # What the file itself said, before the details were given: no symbol, no date.
    assert job.summary["details"][:2] == [
        {"name": "symbol", "values": [], "others": 0, "missing": 215},
        {"name": "issued_on", "values": [], "others": 0, "missing": 215},
    ]
    assert job.options["batch"] == {"symbol": "A/HRC/43/15", "issued_on": "2019-12-19"}
    # The report afterwards: the same recommendations (same symbol and number), nothing new.
    assert (run_import(REPORT, slovenia)["created"]) == 0


def test_an_unknown_mechanism_given_for_the_batch_is_refused(slovenia):
    with pytest.raises(CommandError, match="Unknown mechanism 'UPRR'; known codes: "):
        run_import(THEMATIC_LIST, slovenia, "--mechanism", "UPRR")


def test_the_report_of_another_state_is_refused(db):
    with cross_state_access():
        croatia = StateFactory(name="Croatia", slug="croatia", iso3="HRV")
    assert Country.objects.filter(iso3="HRV").exists()
    with pytest.raises(CommandError) as refused:
        run_import(REPORT, croatia)
    assert str(refused.value) == (
        "upr34-slovenia-wg-report-A-HRC-43-15.pdf: The document is about Slovenia, not Croatia: it belongs to "
        "another State's imports."
    )
    with state_context(croatia):
        assert not Recommendation.objects.exists()


def test_concluding_observations_flag_the_follow_up_and_put_it_on_the_calendar(slovenia):
    preview = run_import(CESCR, slovenia, "--dry-run")
    assert preview["follow_up"] == [
        {
            "mechanism": "CESCR",
            "mechanism_id": preview["follow_up"][0]["mechanism_id"],
            "symbol": "E/C.12/SVN/CO/3",
            "due_on": "2026-10-11",
            "request_paragraph": "42",
            "paragraphs": ["12", "25", "38"],
        }
    ]
    with state_context(slovenia):
        assert not ReportingObligation.objects.exists(), "a preview writes nothing"

    outcome = run_import(CESCR, slovenia)
    assert (outcome["format"], outcome["rejected"]) == ("un-concluding-observations", 0)
    with state_context(slovenia):
        urgent = Recommendation.objects.filter(priority_factors__contains=["urgent"])
        assert sorted(urgent.values_list("paragraph", flat=True)) == ["12", "25", "38"]
        assert set(urgent.values_list("priority_score", flat=True)) == {2}
        twelve = Recommendation.objects.get(paragraph="12")
        assert (twelve.symbol, twelve.mechanism.code, twelve.issued_on) == (
            "E/C.12/SVN/CO/3",
            "CESCR",
            date(2024, 11, 5),
        )
        assert twelve.text.startswith("12. The Committee recommends that the State party:\n(a) Allocate")
        [obligation] = ReportingObligation.objects.all()
        assert (
            obligation.kind,
            obligation.mechanism.code,
            obligation.due_on,
            obligation.reference,
            obligation.title,
        ) == (
            "follow_up_reply",
            "CESCR",
            date(2026, 10, 11),
            "E/C.12/SVN/CO/3",
            "Follow-up information on E/C.12/SVN/CO/3, paragraphs 12, 25, 38",
        )
    run_import(CESCR, slovenia)
    with state_context(slovenia):
        assert ReportingObligation.objects.count() == 1, "importing the document again adds no second obligation"


# --- Hostile documents: refused with a reason, nothing written ---------------------------------

HOSTILE = {
    "bomb.pdf": (
        lambda: hostile.pdf_bomb(),
        "A compressed part of the document expands to more than 32 MB, far more than any real document needs (a "
        "possible decompression bomb); the file was refused for safety.",
    ),
    "pages.pdf": (
        lambda: hostile.many_pages_pdf(10_000),
        "The document has 10000 pages; documents of at most 500 pages are accepted.",
    ),
    "encrypted.pdf": (
        lambda: hostile.encrypted_pdf(),
        "The PDF is encrypted or password-protected and cannot be read. Save or print it to a PDF without "
        "protection and import that file.",
    ),
    "entities.docx": (
        lambda: hostile.build_docx(hostile.document_xml(["&xxe;"], doctype=hostile.EXTERNAL_ENTITY_DOCTYPE).encode()),
        "The part 'word/document.xml' declares a DOCTYPE or XML entities, which Office documents never do; the file "
        "was refused for safety.",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_documents_are_refused_with_a_reason_and_nothing_is_written(name, tmp_path, slovenia):
    make, reason = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(CommandError) as refused:
        run_import(path, slovenia)
    assert str(refused.value) == f"{name}: {reason}"
    with state_context(slovenia):
        job = ImportJob.objects.get()
        assert (job.status, job.failure, job.processed) == ("failed", reason, 0)
        assert not Recommendation.objects.exists()

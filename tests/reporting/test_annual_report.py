"""The annual report counts recommendations by their date of issue (never the day they were
imported) and by review, reconciles the entities' figures with the number assigned (lead and
supporting apart), and says its figures in the language's plural forms."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.formats import date_format

from recommendations.models import Entity, Mechanism, Recommendation
from reporting.drafts import draft_run, draft_start
from reporting.models import ReportDraft
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def day(value: datetime.date) -> str:
    with translation.override("en"):
        return date_format(value, "DATE_FORMAT")


def annual(state, user, language="en"):
    with state_context(state):
        draft = draft_start(state=state, user=user, kind="annual_report", parameters={"year": YEAR}, language=language)
    draft = draft_run(state=state, draft_id=draft.pk)
    assert draft.status == ReportDraft.Status.SUCCEEDED, draft.failure
    with default_storage.open(draft.file.name, "rb") as handle:
        return docx.Document(io.BytesIO(handle.read()))


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_received_by_date_of_issue_and_review_and_assignments_reconciled(planted):
    a = planted.a
    state = a.state
    upr, crc = Mechanism.objects.get(code="UPR"), Mechanism.objects.get(code="CRC")
    with state_context(state):
        justice = a.entity
        education = Entity.objects.get(name__startswith="Ministry of Education")

        def make(mechanism, symbol, paragraph, issued_on, position="supported", **extra):
            return Recommendation.objects.create(
                state=state,
                mechanism=mechanism,
                symbol=symbol,
                paragraph=paragraph,
                text_en=f"Recommendation {paragraph}",
                issued_on=issued_on,
                position=position,
                **extra,
            )

        # A 2019 review imported this year: not received this year.
        review_2019 = datetime.date(2019, 11, 8)
        moved = make(upr, "A/HRC/43/15", "121.1", review_2019, lead_entity=justice)
        make(upr, "A/HRC/43/15", "121.2", review_2019, lead_entity=education, supporting_entity_ids=[justice.pk])
        make(upr, "A/HRC/43/15", "121.3", review_2019)
        # Its lead entity changed during the year: counted once, at the last one.
        moved.lead_entity = education
        moved.save()
        # Issued this year.
        make(crc, "CRC/C/XAA/CO/5", "12", datetime.date(YEAR, 1, 15), lead_entity=justice)
        make(crc, "CRC/C/XAA/CO/5", "13", datetime.date(YEAR, 1, 15), position="noted")
        make(upr, "A/HRC/55/1", "1", datetime.date(YEAR, 3, 1))

    document = annual(state, a.people["secretariat"])
    texts = [p.text for p in document.paragraphs]
    tables = {rows_of(t)[0][0] + "|" + rows_of(t)[0][1]: rows_of(t) for t in document.tables}

    assert f"In {YEAR}, 3 recommendations were issued to the State." in texts
    # The planted recommendations have no date of issue and were recorded this year.
    assert f"2 recommendations recorded in {YEAR} have no date of issue: they are not counted above." in texts
    assert tables["Mechanism|Recommendations"] == [
        ["Mechanism", "Recommendations", "Supported", "Noted"],
        [crc.name, "2", "1", "1"],
        [upr.name, "1", "1", "0"],
    ]
    assert tables["Document|Mechanism"] == [
        ["Document", "Mechanism", "Issued on", "Recommendations", "Supported", "Noted"],
        ["CRC/C/XAA/CO/5", crc.name, day(datetime.date(YEAR, 1, 15)), "2", "1", "1"],
        ["A/HRC/55/1", upr.name, day(datetime.date(YEAR, 3, 1)), "1", "1", "0"],
    ]

    # Lead entities given this year: the planted published one (Justice), 121.1 (Justice, then
    # Education: counted at Education), 121.2 (Education, supported by Justice), CRC 12 (Justice).
    assert (
        "4 recommendations were given a lead entity during the year. 1 supporting role was given to entities "
        "(a recommendation may have several)."
    ) in texts
    assert tables["Entity|As lead entity"] == [
        ["Entity", "As lead entity", "As supporting entity"],
        ["Ministry of Justice of Alphaland", "2", "1"],
        ["Ministry of Education of Alphaland", "2", "0"],
        ["Total", "4", "1"],
    ]

    # Plural forms: one, and none.
    assert (
        "1 recommendation had its implementation reported and validated during the year; 0 were reported implemented."
    ) in texts
    assert "1 data-collection round was opened." in texts
    assert "0 reports were submitted to the mechanisms." in texts
    assert "The entities sent 0 progress updates during the year." in texts

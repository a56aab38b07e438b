"""The draft report to a mechanism, opened as Word: one section per cluster, a compact list of the
recommendations each answers, confirmed groups of related recommendations merged into one entry,
the validated information once per entry, the rest in one annex, the word count against the
mechanism's limit, column widths that keep words whole, the same structure in the six languages."""

from __future__ import annotations

import datetime
import io
import re

import docx
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from followup.models import Indicator, Measurement, ProgressUpdate
from recommendations.models import Cluster, Country, Entity, Mechanism, Recommendation, RelatedGroup
from reporting.documents.mechanism import WORD_LIMITS
from reporting.documents.wordml import TEXT_WIDTH, count_words
from reporting.drafts import draft_run, draft_start
from reporting.models import ReportDraft
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

REVIEW = "A/HRC/43/15"
ISSUED = datetime.date(2019, 12, 20)
UP_TO = datetime.date(2026, 6, 30)
VALIDATED = ProgressUpdate.Status.VALIDATED


def day(value: datetime.date) -> str:
    with translation.override("en"):
        return date_format(value, "DATE_FORMAT")


def body_blocks(document) -> list[Paragraph | Table]:
    """The body's paragraphs and tables, in the document's order."""
    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            blocks.append(Paragraph(element, document))
        elif element.tag == qn("w:tbl"):
            blocks.append(Table(element, document))
    return blocks


def style_of(block) -> str:
    return block.style.name if isinstance(block, Paragraph) else "table"


def rows_of(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def run_draft(state, user, *, language="en", grouping="cluster", review=REVIEW) -> ReportDraft:
    with state_context(state):
        draft = draft_start(
            state=state,
            user=user,
            kind="mechanism_report",
            parameters={
                "mechanism": Mechanism.objects.get(code="UPR").pk,
                "grouping": grouping,
                "up_to": UP_TO.isoformat(),
                **({"document": review} if review else {}),
            },
            language=language,
            title="Draft national report",
        )
    draft = draft_run(state=state, draft_id=draft.pk)
    assert draft.status == ReportDraft.Status.SUCCEEDED, draft.failure
    return draft


def document_of(draft: ReportDraft):
    with default_storage.open(draft.file.name, "rb") as handle:
        return docx.Document(io.BytesIO(handle.read()))


@pytest.fixture
def review(planted):
    """A UPR review of State A: three clusters; 121.1 and 121.5 a confirmed group with a CRC
    recommendation; validated information on the group (the same answer on both UPR members, a
    different one on the CRC member) and on 121.20; nothing validated on 121.10 and 121.30."""
    a = planted.a
    state = a.state
    upr, crc = Mechanism.objects.get(code="UPR"), Mechanism.objects.get(code="CRC")
    france, germany, chile = (Country.objects.get(iso3=code) for code in ("FRA", "DEU", "CHL"))
    with state_context(state):
        justice = a.cluster
        Cluster.objects.filter(pk=justice.pk).update(position=1)
        education = Cluster.objects.create(state=state, name="Education for all", position=2)
        health = Cluster.objects.create(state=state, name="Health", position=3)
        ministry = Entity.objects.get(name__startswith="Ministry of Education")
        group = RelatedGroup.objects.create(state=state)

        def make(paragraph, cluster, text, countries=(), position="supported", **extra):
            return Recommendation.objects.create(
                state=state,
                mechanism=extra.pop("mechanism", upr),
                symbol=extra.pop("symbol", REVIEW),
                paragraph=paragraph,
                text_en=text,
                position=position,
                issued_on=ISSUED,
                cluster_ids=[cluster.pk],
                primary_cluster=cluster,
                recommending_country_ids=[c.pk for c in countries],
                **extra,
            )

        r1 = make(
            "121.1",
            justice,
            "Ratify the International Convention for the Protection of All Persons from Enforced Disappearance "
            "and recognise the competence of its Committee without delay",
            [france, germany],
            lead_entity=a.entity,
            supporting_entity_ids=[ministry.pk],
            related_group=group,
        )
        r5 = make(
            "121.5",
            justice,
            "Accede to the Convention on Enforced Disappearance",
            [chile],
            position="noted",
            lead_entity=a.entity,
            related_group=group,
        )
        crc12 = make(
            "12",
            justice,
            "Criminalise enforced disappearance of children",
            mechanism=crc,
            symbol="CRC/C/XAA/CO/5",
            lead_entity=a.entity,
            related_group=group,
        )
        r10 = make("121.10", education, "Adopt a law on inclusive education", [france], lead_entity=ministry)
        r20 = make("121.20", education, "Train teachers in human rights education", [chile], lead_entity=ministry)
        r30 = make("121.30", health, "Guarantee access to mental health care", [germany])
        answer = "The Government sent the bill on ratification to parliament in March"
        for recommendation in (r1, r5):  # one answer applied to both members of the group
            ProgressUpdate.objects.create(
                state=state,
                recommendation=recommendation,
                entity=a.entity,
                implementation_status="in_progress",
                narrative=answer,
                reported_on=datetime.date(2026, 3, 15),
                status=VALIDATED,
            )
        ProgressUpdate.objects.create(
            state=state,
            recommendation=crc12,
            entity=a.entity,
            implementation_status="partially_implemented",
            narrative="The criminal code now defines enforced disappearance",
            reported_on=datetime.date(2026, 4, 1),
            status=VALIDATED,
        )
        ProgressUpdate.objects.create(
            state=state,
            recommendation=r20,
            entity=ministry,
            implementation_status="implemented",
            narrative="Every teacher training college teaches human rights since September",
            reported_on=datetime.date(2026, 2, 1),
            status=VALIDATED,
        )
        ProgressUpdate.objects.create(
            state=state,
            recommendation=r10,
            entity=ministry,
            implementation_status="in_progress",
            narrative="NOT-VALIDATED-YET",
            reported_on=datetime.date(2026, 2, 1),
        )
        indicator = Indicator.objects.create(
            state=state, recommendation=r1, name="Cases investigated", unit="cases", baseline=3, target=40
        )
        Measurement.objects.create(state=state, indicator=indicator, measured_on=datetime.date(2026, 1, 10), value=17)
        Measurement.objects.create(state=state, indicator=indicator, measured_on=datetime.date(2027, 1, 10), value=99)
    planted.review = {"r1": r1, "r5": r5, "crc12": crc12, "r10": r10, "r20": r20, "r30": r30, "ministry": ministry}
    return planted


def test_the_draft_is_organised_by_cluster_with_groups_merged_and_the_rest_in_the_annex(review):
    a = review.a
    document = document_of(run_draft(a.state, a.people["secretariat"]))
    blocks = body_blocks(document)
    styles = [(style_of(b), b.text if isinstance(b, Paragraph) else None) for b in blocks]
    headings = {level: [text for style, text in styles if style == f"Heading {level}"] for level in (1, 2, 3)}
    assert headings[1] == [
        "I. Introduction",
        "II. Overview",
        "III. Implementation of the recommendations",
        "Annex: recommendations without validated information",
    ]
    # One section per cluster, in the State's order.
    assert headings[2] == ["A. Justice and the rule of law", "B. Education for all", "C. Health"]
    # The group is one entry, its paragraph numbers said once; 121.20 is the other entry informed.
    assert headings[3] == ["121.1, 121.5", "121.20"]

    assert document.paragraphs[0].text == "Draft national report"
    assert document.paragraphs[1].text == (
        f"Alphaland · Universal Periodic Review · Recommendations of {REVIEW} ({day(ISSUED)})"
    )
    texts = [block.text for block in blocks if isinstance(block, Paragraph)]
    # Each section: its heading, then a numbered place for the narrative.
    for heading in headings[2]:
        index = styles.index(("Heading 2", heading))
        assert styles[index + 1][0] == "List Number"
        assert styles[index + 1][1].startswith("[Narrative of the section to be drafted: what was done on ")

    tables = [block for block in blocks if isinstance(block, Table)]
    by_caption = {block.text: blocks[i + 1] for i, block in enumerate(blocks[:-1]) if style_of(block) == "Caption"}
    assert rows_of(by_caption["Recommendations answered in section A"]) == [
        ["Paragraph", "Recommendation", "Recommending States", "Position"],
        [
            "121.1, 121.5",
            "Ratify the International Convention for the Protection of All Persons from Enforced Disappearance and "
            "recognise the competence of…",
            "Chile, France, Germany",
            "Supported (1), Noted (1)",
        ],
    ]
    assert rows_of(by_caption["Recommendations answered in section B"]) == [
        ["Paragraph", "Recommendation", "Recommending States", "Position"],
        ["121.20", "Train teachers in human rights education", "Chile", "Supported"],
    ]
    assert "Recommendations answered in section C" not in by_caption

    # The group's information once: its shared answer once, the CRC member's answer, its indicator.
    entry = blocks[styles.index(("Heading 3", "121.1, 121.5")) + 1 : styles.index(("Heading 3", "121.20"))]
    entry_texts = [
        block.text if isinstance(block, Paragraph) else "\n".join(map("|".join, rows_of(block))) for block in entry
    ]
    assert entry_texts[:5] == [
        "Responsible entities: Ministry of Justice of Alphaland (lead); "
        "Ministry of Education of Alphaland (supporting)",
        f"Implementation status: Partially implemented (as of {day(datetime.date(2026, 4, 1))})",
        "Related recommendations of other documents: CRC/C/XAA/CO/5 ¶ 12 (CRC)",
        f"Ministry of Justice of Alphaland, {day(datetime.date(2026, 3, 15))} (In progress): "
        "The Government sent the bill on ratification "
        "to parliament in March",
        f"Ministry of Justice of Alphaland, {day(datetime.date(2026, 4, 1))} (Partially implemented): "
        "The criminal code now defines "
        "enforced disappearance",
    ]
    assert [style_of(block) for block in entry[3:5]] == ["List Number", "List Number"]
    indicators = by_caption["Indicators and their latest values"]
    assert rows_of(indicators) == [
        ["Indicator", "Baseline", "Target", "Latest value", "Measured on"],
        ["Cases investigated (cases)", "3", "40", "17", day(datetime.date(2026, 1, 10))],
    ]
    # No paragraph number repeated within an entry: its heading says them once, nothing after it.
    for label in headings[3]:
        start = styles.index(("Heading 3", label))
        end = next((i for i in range(start + 1, len(styles)) if styles[i][0].startswith("Heading")), len(styles))
        said = " ".join(
            b.text if isinstance(b, Paragraph) else " ".join(c.text for r in b.rows for c in r.cells)
            for b in blocks[start:end]
        )
        for number in label.split(", "):
            assert len(re.findall(rf"(?<![\d.]){re.escape(number)}(?![\d.])", said)) == 1, (number, said)
    assert (
        texts.count(
            f"Ministry of Justice of Alphaland, {day(datetime.date(2026, 3, 15))} (In progress): "
            "The Government sent the bill on ratification "
            "to parliament in March"
        )
        == 1
    )

    # The annex: the recommendations without validated information, together, none repeated in III.
    annex = tables[-1]
    assert rows_of(annex) == [
        ["Paragraph", "Recommendation", "Section", "Lead entity", "Position"],
        ["121.10", "Adopt a law on inclusive education", "B", "Ministry of Education of Alphaland", "Supported"],
        ["121.30", "Guarantee access to mental health care", "C", "—", "Supported"],
    ]
    assert "NOT-VALIDATED-YET" not in " ".join(texts)
    assert "[No validated information yet" not in " ".join(texts)
    assert texts.count("1 recommendation of this section has no validated information yet: see the annex.") == 2


def test_the_cover_note_counts_the_words_against_the_limit(review):
    a = review.a
    document = document_of(run_draft(a.state, a.people["secretariat"]))
    blocks = body_blocks(document)
    styles = [style_of(b) for b in blocks]
    texts = [b.text if isinstance(b, Paragraph) else None for b in blocks]
    start = texts.index("I. Introduction")
    end = texts.index("Annex: recommendations without validated information")
    counted = 0
    for block in blocks[start:end]:
        if isinstance(block, Paragraph):
            counted += count_words(block.text)
        else:
            counted += sum(count_words(cell.text) for row in block.rows for cell in row.cells)
    assert 150 < counted < 600
    note = texts.index("Note for the drafting team")
    assert note < start and styles[note] == "Normal"
    assert texts[note + 2] == (
        f"Length: {counted} words (without this note and the annex), within the limit of 10,700 words for a UPR "
        "national report."
    )
    assert WORD_LIMITS == {"upr": 10_700, "treaty_body": 21_200}


def test_a_report_over_the_limit_names_its_largest_sections(review, client):
    a = review.a
    upr = Mechanism.objects.get(code="UPR")
    paragraph = " ".join(["The ministry trained the staff of every regional office in the law."] * 8)
    with state_context(a.state):
        health = Cluster.objects.get(name="Health")
        education = Cluster.objects.get(name="Education for all")
        added = Recommendation.objects.bulk_create(
            Recommendation(
                state=a.state,
                mechanism=upr,
                symbol=REVIEW,
                paragraph=f"122.{n}",
                text_en=f"Recommendation {n} on health and schools",
                position="supported",
                issued_on=ISSUED,
                cluster_ids=[(health if n % 3 else education).pk],
                primary_cluster=health if n % 3 else education,
            )
            for n in range(1, 121)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                state=a.state,
                recommendation=recommendation,
                entity=review.review["ministry"],
                implementation_status="in_progress",
                narrative=f"{paragraph} ({recommendation.paragraph})",
                reported_on=datetime.date(2026, 5, 1),
                status=VALIDATED,
            )
            for recommendation in added
        )
    draft = run_draft(a.state, a.people["secretariat"])
    texts = [p.text for p in document_of(draft).paragraphs]
    note = texts.index("Note for the drafting team")
    length = texts[note + 2]
    found = re.fullmatch(
        r"Length: ([\d,]+) words \(without this note and the annex\), ([\d,]+) words over the limit of 10,700 words "
        r"for a UPR national report\.",
        length,
    )
    assert found, length
    total, over = (int(value.replace(",", "")) for value in found.groups())
    assert total - over == 10_700
    largest = texts[note + 3]
    assert re.fullmatch(
        r"The largest sections: C\. Health \([\d,]+ words\); B\. Education for all \([\d,]+ words\); "
        r"A\. Justice and the rule of law \([\d,]+ words\)\.",
        largest,
    ), largest

    # The preview says the same.
    client.force_login(a.people["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("workspace:draft-preview", kwargs={"state_slug": a.state.slug, "pk": draft.pk}))
    assert response.status_code == 200
    assert response.context["report"].words.text == length
    body = response.content.decode()
    assert f'<p id="report-length" class="report-over"><strong>{length}</strong></p>' in body
    assert f"<p>{largest}</p>" in body


def test_table_columns_are_never_narrower_than_their_longest_word(review):
    a = review.a
    for language in ("en", "fr", "ru"):
        document = document_of(run_draft(a.state, a.people["secretariat"], language=language))
        for table in document.tables:
            properties = table._tbl.tblPr
            assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
            widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            assert sum(widths) == TEXT_WIDTH
            size = table._tbl.find(".//" + qn("w:sz"))
            half_points = int(size.get(qn("w:val"))) if size is not None else 22
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    assert int(cell._tc.tcPr.tcW.get(qn("w:w"))) == width
                    longest = max((len(word) for word in re.split(r"[\s/-]+", cell.text)), default=0)
                    # Half an em a character at least, plus the cell's margins: what a word needs.
                    assert width >= 216 + min(longest, 30) * 10 * half_points // 2, (language, cell.text, width)


def test_the_same_structure_in_the_six_languages(review):
    a = review.a

    def shape(language):
        document = document_of(run_draft(a.state, a.people["secretariat"], language=language))
        blocks = body_blocks(document)
        texts = [b.text if isinstance(b, Paragraph) else "" for b in blocks]
        # The cover note says how many texts are not translated into the language, or not.
        with translation.override(language):
            note, introduction = (
                translation.gettext("Note for the drafting team"),
                translation.gettext("I. Introduction"),
            )
        del blocks[texts.index(note) : texts.index(introduction)]
        return [
            (style_of(b), None) if isinstance(b, Paragraph) else ("table", len(b.rows), len(b.columns)) for b in blocks
        ], document

    english, _document = shape("en")
    for language, _name in settings.LANGUAGES:
        structure, document = shape(language)
        assert structure == english, language
        assert document.core_properties.language == language
        if language != "en":
            with translation.override(language):
                assert document.paragraphs[0].text == "Draft national report"
                heading = translation.gettext("III. Implementation of the recommendations")
            assert heading in [p.text for p in document.paragraphs]


def test_by_group_of_related_recommendations_and_every_document(review):
    a = review.a
    document = document_of(run_draft(a.state, a.people["admin"], grouping="related", review=""))
    headings = {level: [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"] for level in (2, 3)}
    # The group is a section; the others together in the last one. Two documents: labels carry their symbol.
    assert headings[2] == [
        "A. Ratify the International Convention for the Protection of All Persons from Enforced Disappearance "
        "and recognise the competence of…",
        "B. Recommendations not in a group of related recommendations",
    ]
    # (The planted validated update on A/HRC/99/XAA ¶ 1.1 is dated today, after the report's date.)
    assert headings[3] == [f"{REVIEW} ¶ 121.1, {REVIEW} ¶ 121.5", f"{REVIEW} ¶ 121.20"]
    assert document.paragraphs[1].text == (
        f"Alphaland · Universal Periodic Review · Recommendations of {REVIEW} ({day(ISSUED)}); A/HRC/99/XAA"
    )

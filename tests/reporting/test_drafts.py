"""Report drafts: the files the jobs write (opened and read), the language fallback, failures,
regeneration, the pages (progress, download, preview) and what they cost in queries."""

from __future__ import annotations

import datetime
import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from followup.models import Indicator, Measurement, ProgressUpdate
from recommendations.models import Cluster, Entity, Mechanism, Recommendation
from reporting.documents.common import Text
from reporting.drafts import draft_start
from reporting.models import ReportDraft, ReportingObligation
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
Status = ReportDraft.Status


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def ask(client, capture, state, kind, data) -> ReportDraft:
    """Post the form of ``kind``; the job runs (eagerly) once the request's transaction commits."""
    with capture(execute=True):
        response = client.post(url("draft-create", state, kind=kind), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    with state_context(state):
        return ReportDraft.objects.order_by("-pk").first()


def document_of(draft: ReportDraft) -> docx.Document:
    with default_storage.open(draft.file.name, "rb") as handle:
        return docx.Document(io.BytesIO(handle.read()))


@pytest.fixture
def world(planted):
    """State A: two clusters; a French-translated recommendation and English-only ones; validated,
    later and draft updates; an indicator with a value before and one after the chosen date."""
    a = planted.a
    state = a.state
    with state_context(state):
        education = Cluster.objects.create(state=state, name="Education for all", position=5)
        Cluster.objects.filter(pk=a.cluster.pk).update(position=1)
        ministry = Entity.objects.get(name__startswith="Ministry of Education")
        translated = Recommendation.objects.create(
            state=state,
            mechanism=Mechanism.objects.get(code="UPR"),
            symbol="A/HRC/99/XAA",
            paragraph="1.10",
            text_en="Adopt a law on inclusive education",
            text_fr="Adopter une loi sur l'éducation inclusive",
            position="supported",
            cluster_ids=[education.pk],
            primary_cluster=education,
            lead_entity=ministry,
            supporting_entity_ids=[a.entity.pk],
        )
        ProgressUpdate.objects.filter(pk=a.progress_update.pk).update(reported_on=days(-5))
        ProgressUpdate.objects.create(
            state=state,
            recommendation=translated,
            entity=ministry,
            implementation_status="implemented",
            narrative="The law was adopted by parliament",
            reported_on=days(-3),
            status=ProgressUpdate.Status.PUBLISHED,
        )
        ProgressUpdate.objects.create(
            state=state,
            recommendation=translated,
            entity=ministry,
            implementation_status="in_progress",
            narrative="LATER-THAN-THE-DATE",
            reported_on=days(2),
            status=ProgressUpdate.Status.VALIDATED,
        )
        indicator = Indicator.objects.create(
            state=state, recommendation=translated, name="Schools with ramps", unit="%", baseline=10, target=90
        )
        Measurement.objects.create(state=state, indicator=indicator, measured_on=days(-20), value=35)
        Measurement.objects.create(state=state, indicator=indicator, measured_on=days(1), value=99)
    planted.translated = translated
    planted.ministry = ministry
    return planted


def paragraphs(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_mechanism_report_in_french_with_fallback_numbering_and_data_up_to_the_date(
    client, world, django_capture_on_commit_callbacks
):
    a = world.a
    sign_in(client, a.people["secretariat"])
    upr = Mechanism.objects.get(code="UPR")
    draft = ask(
        client,
        django_capture_on_commit_callbacks,
        a.state,
        "mechanism_report",
        {"mechanism": upr.pk, "grouping": "cluster", "up_to": TODAY.isoformat(), "language": "fr", "title": ""},
    )
    assert draft.status == Status.SUCCEEDED, draft.failure
    assert draft.created_by == a.people["secretariat"]
    assert draft.parameters == {"mechanism": upr.pk, "grouping": "cluster", "up_to": TODAY.isoformat()}
    assert draft.file.name.startswith(f"reports/{a.state.pk}/") and draft.filename.endswith(".docx")
    assert (draft.progress_done, draft.progress_total) == (3, 3)

    document = document_of(draft)
    content = paragraphs(document)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    texts = [text for _style, text in content] + cells
    with translation.override("fr"):
        note = Text("x", False, "en").note
        headings = [
            str(translation.gettext("I. Introduction")),
            str(translation.gettext("III. Implementation of the recommendations")),
        ]
    for heading in headings:
        assert ("Heading 1", heading) in content
    # Sections in the State's cluster order, the recommendations without a cluster last.
    groups = [text for style, text in content if style == "Heading 2"]
    assert groups[0] == "A. Justice and the rule of law"
    assert groups[1] == "B. Education for all"
    assert groups[2].startswith("C. ")
    # The French text where there is one; the original, said so, where there is none.
    french = next(text for text in texts if "Adopter une loi" in text)
    assert note not in french and "Adopt a law" not in " ".join(texts)
    english = next(text for text in texts if "Ratify the Convention against enforced disappearance" in text)
    assert note in english
    # Numbered paragraphs (Word's own numbering), in the document's order.
    numbered = [text for style, text in content if style == "List Number"]
    assert any("The law was adopted by parliament" in text for text in numbered)
    assert any("The bill was sent to parliament" in text for text in numbered)
    # Only validated updates up to the date; drafts never.
    assert "LATER-THAN-THE-DATE" not in " ".join(texts)
    assert "Draft in progress" not in " ".join(texts)
    # The indicator's latest value up to the date, not the later one.
    indicator_table = next(t for t in document.tables if t.rows[1].cells[0].text == "Schools with ramps (%)")
    assert [c.text for c in indicator_table.rows[1].cells][1:4] == ["10", "90", "35"]
    # The annex lists the recommendation without validated information, with its section.
    annex = document.tables[-1]
    with translation.override("fr"):
        noted = str(translation.gettext("Noted"))
    assert [[c.text for c in row.cells] for row in annex.rows[1:]] == [
        [
            "1.2",
            f"Strengthen the national human rights institution (Alphaland) ALPHA-UNPUBLISHED [{note}]",
            "C",
            "—",
            noted,
        ]
    ]
    assert document.core_properties.language == "fr"


def test_preview_numbers_paragraphs_as_the_word_file_and_says_what_is_not_translated(
    client, world, django_capture_on_commit_callbacks
):
    a = world.a
    sign_in(client, a.people["admin"])
    draft = ask(
        client,
        django_capture_on_commit_callbacks,
        a.state,
        "mechanism_report",
        {
            "mechanism": Mechanism.objects.get(code="UPR").pk,
            "grouping": "theme",
            "up_to": TODAY.isoformat(),
            "language": "fr",
        },
    )
    response = client.get(url("draft-preview", a.state, pk=draft.pk))
    assert response.status_code == 200
    body = response.content.decode()
    report = response.context["report"]
    with translation.override("fr"):
        note = Text("x", False, "en").note
        assert report.sections[-1].title == translation.gettext("Recommendations without a theme")
    assert note in body
    assert "Adopter une loi" in body
    assert 'lang="fr"' in body
    # The same paragraph numbers as the Word file's, and the same length against the same limit.
    document = document_of(draft)
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    number = next(n for n, text in enumerate(numbered, start=1) if "The law was adopted by parliament" in text)
    entry = next(e for e in report.entries if e.pk == world.translated.pk)
    assert [update.number for update in entry.updates] == [number]
    assert f'<span class="paragraph-number">{number}.</span>' in body
    texts = [p.text for p in document.paragraphs]
    with translation.override("fr"):
        length = texts[texts.index(translation.gettext("Note for the drafting team")) + 2]
        assert length == report.words.text
    assert f'<p id="report-length">{escape(length)}</p>' in body


def test_information_request_packs_hold_a_word_and_an_excel_file_per_entity(
    client, world, django_capture_on_commit_callbacks
):
    a = world.a
    with state_context(a.state):
        # A text a spreadsheet would run as a formula, and what the ministry reported last time.
        Recommendation.objects.filter(pk=a.unpublished.pk).update(
            text_en='=HYPERLINK("http://evil")', lead_entity=a.entity
        )
    sign_in(client, a.people["secretariat"])
    draft = ask(
        client,
        django_capture_on_commit_callbacks,
        a.state,
        "information_request",
        {
            "deadline": days(30).isoformat(),
            "entities": [a.entity.pk, world.ministry.pk],
            "instructions": "Reply for the mid-term report.",
            "language": "en",
        },
    )
    assert draft.status == Status.SUCCEEDED, draft.failure
    assert (draft.progress_done, draft.progress_total) == (2, 2)
    assert draft.filename.endswith(".zip")
    with default_storage.open(draft.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = sorted(archive.namelist())
    assert names == [
        "ministry-of-education-of-alphaland.docx",
        "ministry-of-education-of-alphaland.xlsx",
        "ministry-of-justice-of-alphaland.docx",
        "ministry-of-justice-of-alphaland.xlsx",
    ]
    justice = docx.Document(io.BytesIO(archive.read("ministry-of-justice-of-alphaland.docx")))
    text = "\n".join(p.text for p in justice.paragraphs)
    assert "Request for information: Ministry of Justice of Alphaland" in text
    assert "Please reply by" in text and "Reply for the mid-term report." in text
    assert "Ratify the Convention against enforced disappearance" in text
    assert "Adopt a law on inclusive education" in text  # it supports that one
    assert "The bill was sent to parliament" in text  # what it reported last time (validated)
    assert "Draft in progress" not in text
    assert "Your entity leads 2 and supports 1 of these 3 recommendations." in text
    # A table to fill under each recommendation.
    assert len(justice.tables) == 3
    assert justice.tables[0].rows[0].cells[1].text == "Your answer"

    workbook = openpyxl.load_workbook(io.BytesIO(archive.read("ministry-of-justice-of-alphaland.xlsx")))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "No." and rows[0][12] == "Implementation status (to fill)"
    assert len(rows) == 1 + 3
    by_text = {row[4]: row for row in rows[1:]}
    formula = next(cell for cell in sheet["E"][1:] if str(cell.value).startswith("="))
    assert formula.data_type == "s"  # text, never a formula
    ratify = next(row for text_, row in by_text.items() if text_.startswith("Ratify"))
    assert ratify[7] == "Lead" and ratify[11] == "The bill was sent to parliament"
    assert str(sheet.data_validations.dataValidation[0].sqref) == "M2:M4"

    education = openpyxl.load_workbook(io.BytesIO(archive.read("ministry-of-education-of-alphaland.xlsx")))
    only = list(education.worksheets[0].iter_rows(values_only=True))
    assert len(only) == 2 and only[1][4] == "Adopt a law on inclusive education"


def test_packs_for_every_responsible_entity_when_none_is_ticked(client, world, django_capture_on_commit_callbacks):
    a = world.a
    sign_in(client, a.people["secretariat"])
    draft = ask(
        client,
        django_capture_on_commit_callbacks,
        a.state,
        "information_request",
        {"deadline": days(10).isoformat(), "language": "en"},
    )
    assert sorted(draft.parameters["entities"]) == sorted([a.entity.pk, world.ministry.pk])


def test_annual_report_counts_what_was_received_assigned_implemented_and_reported(
    client, world, django_capture_on_commit_callbacks
):
    a = world.a
    year = TODAY.year
    with state_context(a.state):
        Recommendation.objects.filter(pk=world.translated.pk).update(issued_on=datetime.date(year, 1, 15))
        # Its latest status this year is then "implemented".
        ProgressUpdate.objects.filter(narrative="LATER-THAN-THE-DATE").delete()
        ReportingObligation.objects.filter(pk=a.obligation.pk).update(
            status="submitted", submitted_on=TODAY, reference="CRC/C/XAA/7"
        )
    sign_in(client, a.people["secretariat"])
    draft = ask(client, django_capture_on_commit_callbacks, a.state, "annual_report", {"year": year, "language": "en"})
    assert draft.status == Status.SUCCEEDED, draft.failure
    assert draft.title == f"Annual report {year}"
    document = document_of(draft)
    text = "\n".join(p.text for p in document.paragraphs)
    # Planted ones have no issue date (said apart); the translated one was issued in the year.
    assert f"In {year}, 1 recommendation was issued to the State." in text
    # Lead entities were set on creation this year (the history says so): published and translated.
    assert "2 recommendations were given a lead entity during the year." in text
    assert "1 report was submitted to the mechanisms." in text
    tables = {t.rows[0].cells[0].text + "|" + t.rows[0].cells[1].text: t for t in document.tables}
    implemented = tables["Recommendation|Mechanism"]
    assert [c.text for c in implemented.rows[1].cells][:3] == [
        "A/HRC/99/XAA ¶ 1.10",
        "Universal Periodic Review",
        "Ministry of Education of Alphaland",
    ]
    submitted = tables["Report|Mechanism"]
    assert submitted.rows[1].cells[3].text == "CRC/C/XAA/7"


def test_a_failed_job_says_why_and_keeps_no_file(client, world, django_capture_on_commit_callbacks, monkeypatch):
    from reporting import drafts

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(drafts, "mechanism_report_docx", broken)
    a = world.a
    sign_in(client, a.people["secretariat"])
    before = set(default_storage.listdir(f"reports/{a.state.pk}")[1])
    draft = ask(
        client,
        django_capture_on_commit_callbacks,
        a.state,
        "mechanism_report",
        {
            "mechanism": Mechanism.objects.get(code="UPR").pk,
            "grouping": "cluster",
            "up_to": TODAY.isoformat(),
            "language": "en",
        },
    )
    assert draft.status == Status.FAILED
    assert "the disk is full" in draft.failure and not draft.file and draft.finished_at
    assert set(default_storage.listdir(f"reports/{a.state.pk}")[1]) == before
    page = client.get(url("draft-detail", a.state, pk=draft.pk))
    assert "the disk is full" in page.content.decode()
    assert client.get(url("draft-download", a.state, pk=draft.pk)).status_code == 404


def test_regenerating_makes_a_new_draft_with_the_same_parameters(client, planted, django_capture_on_commit_callbacks):
    a = planted.a
    sign_in(client, a.people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("draft-regenerate", a.state, pk=a.report_draft.pk))
    with state_context(a.state):
        new = ReportDraft.objects.order_by("-pk").first()
        assert ReportDraft.objects.filter(pk=a.report_draft.pk).exists()  # the old one is kept
    assert response["Location"] == url("draft-detail", a.state, pk=new.pk)
    assert new.pk != a.report_draft.pk
    assert (new.kind, new.title, new.language, new.obligation_id) == (
        a.report_draft.kind,
        a.report_draft.title,
        a.report_draft.language,
        a.report_draft.obligation_id,
    )
    assert new.parameters == {**a.report_draft.parameters, "regenerated_from": a.report_draft.pk}
    assert new.created_by == a.people["admin"] and new.status == Status.SUCCEEDED
    assert new.file.name != a.report_draft.file.name


def test_the_draft_page_polls_while_the_job_runs_and_offers_the_file_after(client, planted):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    with state_context(a.state):
        # Recorded, not run: these tests roll back, so the job queued on commit never starts.
        waiting = draft_start(
            state=a.state, user=a.people["secretariat"], kind="annual_report", parameters={"year": 2025}, language="en"
        )
        ReportDraft.objects.filter(pk=waiting.pk).update(status=Status.RUNNING, progress_done=2, progress_total=5)
    page = client.get(url("draft-detail", a.state, pk=waiting.pk), headers={"HX-Request": "true"})
    body = page.content.decode()
    assert body.lstrip().startswith('<section id="draft-status"') and "<html" not in body
    assert 'hx-trigger="every 1s"' in body and "2 of 5" in body and 'value="40"' in body
    assert "Refresh" in body  # without JavaScript, a plain link
    done = client.get(url("draft-detail", a.state, pk=a.report_draft.pk))
    assert "hx-trigger" not in done.content.decode()
    assert url("draft-download", a.state, pk=a.report_draft.pk) in done.content.decode()
    assert client.get(url("draft-download", a.state, pk=waiting.pk)).status_code == 404


def test_download_is_an_attachment_that_is_not_sniffed(client, planted):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    response = client.get(url("draft-download", a.state, pk=a.report_draft.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="{a.report_draft.filename}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert document.paragraphs[0].text == "Draft report of Alphaland"


def test_the_list_costs_the_same_queries_whatever_the_drafts(client, planted, django_assert_max_num_queries):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    client.get(url("draft-list", a.state))  # warm the session
    with state_context(a.state):
        for n in range(3):
            ReportDraft.objects.create(
                state=a.state,
                kind="information_request",
                title=f"Packs {n}",
                language="fr",
                parameters={"entities": [a.entity.pk], "mechanism": None, "deadline": "2030-01-01"},
                created_by=a.people["admin"],
            )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(url("draft-list", a.state))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Packs 2" in body and "Ministry of Justice of Alphaland" in body
    with state_context(a.state):
        for n in range(3, 20):
            ReportDraft.objects.create(
                state=a.state,
                kind="annual_report",
                title=f"Annual {n}",
                language="en",
                parameters={"year": 2020},
                created_by=a.people["secretariat"],
            )
    with django_assert_max_num_queries(len(few)):
        client.get(url("draft-list", a.state))


def test_forms_refuse_a_past_deadline_and_another_mechanisms_obligation(client, planted):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    response = client.post(
        url("draft-create", a.state, kind="information_request"), {"deadline": TODAY.isoformat(), "language": "en"}
    )
    assert response.status_code == 200 and response.context["form"].has_error("deadline")
    response = client.post(
        url("draft-create", a.state, kind="mechanism_report"),
        {
            "mechanism": Mechanism.objects.get(code="UPR").pk,
            "grouping": "cluster",
            "up_to": TODAY.isoformat(),
            "language": "en",
            "obligation_choice": a.obligation.pk,  # due to the CRC
        },
    )
    assert response.status_code == 200 and response.context["form"].has_error("obligation_choice")
    assert client.get(url("draft-create", a.state, kind="nothing")).status_code == 404
    # From the calendar: the obligation and its mechanism filled in.
    form = client.get(url("draft-create", a.state, kind="mechanism_report") + f"?obligation={a.obligation.pk}").context[
        "form"
    ]
    assert form.initial["obligation_choice"] == a.obligation.pk
    with state_context(a.state):
        assert ReportDraft.objects.count() == 2  # only the planted ones


def test_the_job_with_another_states_draft_does_nothing(planted):
    """A's job given B's draft id finds nothing under A: B's draft and file are untouched."""
    from reporting.tasks import report_draft_task
    from tenants.scoping import cross_state_access

    b_draft = planted.b.report_draft
    assert report_draft_task(planted.a.state.pk, b_draft.pk) == ""
    with cross_state_access():
        after = ReportDraft.objects.get(pk=b_draft.pk)
    assert (after.status, after.file.name, after.started_at) == (b_draft.status, b_draft.file.name, b_draft.started_at)

"""Information request packs that come back: a pack is generated, its workbook filled in with
openpyxl as a focal point would (a good answer given to its related recommendations too, a wrong
status, a row without an id, a row copied from another entity's workbook), uploaded; the preview
names every row not used and why; applying makes the draft updates; the same file again changes
nothing; a corrected file corrects the same drafts. Files of another State or entity, or altered,
are refused."""

from __future__ import annotations

import datetime
import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from followup.models import ProgressUpdate
from followup.workflow import update_submit, updates_edit_drafts
from recommendations.models import Entity, Mechanism, Recommendation, RelatedGroup
from reporting.documents.packs import COLUMNS, pack_token
from reporting.drafts import draft_run, draft_start
from reporting.models import PackAnswer, PackReturn, ReportDraft
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

JUSTICE = "ministry-of-justice-of-alphaland"
EDUCATION = "ministry-of-education-of-alphaland"
COL = {name: index + 1 for index, name in enumerate(COLUMNS)}


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


@pytest.fixture
def pack(planted):
    """State A's packs for its two ministries (UPR recommendations): Justice leads the published
    recommendation, 1.3 and (of the CRC) 12, all three a confirmed group; Education leads 1.4."""
    a = planted.a
    state = a.state
    upr, crc = Mechanism.objects.get(code="UPR"), Mechanism.objects.get(code="CRC")
    with state_context(state):
        education = Entity.objects.get(name__startswith="Ministry of Education")
        group = RelatedGroup.objects.create(state=state)
        Recommendation.objects.filter(pk=a.published.pk).update(related_group=group)
        r3 = Recommendation.objects.create(
            state=state,
            mechanism=upr,
            symbol="A/HRC/99/XAA",
            paragraph="1.3",
            text_en="Criminalise enforced disappearance",
            position="supported",
            lead_entity=a.entity,
            related_group=group,
        )
        crc12 = Recommendation.objects.create(
            state=state,
            mechanism=crc,
            symbol="CRC/C/XAA/CO/5",
            paragraph="12",
            text_en="Investigate every disappearance of a child",
            lead_entity=a.entity,
            related_group=group,
        )
        r4 = Recommendation.objects.create(
            state=state,
            mechanism=upr,
            symbol="A/HRC/99/XAA",
            paragraph="1.4",
            text_en="Adopt a law on inclusive education",
            position="supported",
            lead_entity=education,
        )
        Recommendation.objects.filter(pk=a.unpublished.pk).update(lead_entity=a.entity)
        draft = draft_start(
            state=state,
            user=a.people["secretariat"],
            kind="information_request",
            parameters={
                "entities": [a.entity.pk, education.pk],
                "mechanism": upr.pk,
                "deadline": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
                "instructions": "",
            },
            language="en",
        )
    draft = draft_run(state=state, draft_id=draft.pk)
    assert draft.status == ReportDraft.Status.SUCCEEDED, draft.failure
    with default_storage.open(draft.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    planted.pack = {
        "draft": draft,
        "archive": archive,
        "education": education,
        "r3": r3,
        "crc12": crc12,
        "r4": r4,
    }
    return planted


def workbook_of(pack, stem=JUSTICE):
    return openpyxl.load_workbook(io.BytesIO(pack.pack["archive"].read(f"{stem}.xlsx")))


def row_of(sheet, reference):
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[COL["reference"] - 1].value == reference)


def fill(sheet, row, **values):
    for name, value in values.items():
        sheet.cell(row=row, column=COL[name], value=value)


def saved(workbook, name="answers.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def filled(pack):
    """Justice's workbook as its focal point fills it: one good answer (for its related
    recommendations too), a wrong status, a row without what was done, a row with no id, and a
    row copied from Education's workbook."""
    workbook = workbook_of(pack)
    sheet = workbook.worksheets[0]
    published = row_of(sheet, "A/HRC/99/XAA ¶ 1.1")
    fill(
        sheet,
        published,
        status="In progress",
        narrative="The bill on enforced disappearance was adopted by parliament",
        evidence="Official Gazette 12/2026",
        reported_on=datetime.datetime(2026, 3, 1),
        to_group="yes",
    )
    fill(sheet, row_of(sheet, "A/HRC/99/XAA ¶ 1.2"), status="Done", narrative="The institution was set up")
    fill(sheet, row_of(sheet, "A/HRC/99/XAA ¶ 1.3"), status="Implemented")
    bad = sheet.max_row + 1
    fill(sheet, bad, id="see above", status="Implemented", narrative="Something was done")
    other = workbook_of(pack, EDUCATION).worksheets[0]
    copied = [cell.value for cell in other[row_of(other, "A/HRC/99/XAA ¶ 1.4")]]
    stolen = sheet.max_row + 1
    for column, value in enumerate(copied, start=1):
        sheet.cell(row=stolen, column=column, value=value)
    fill(sheet, stolen, status="Implemented", narrative="Education did this")
    return workbook, {"published": published, "bad": bad, "stolen": stolen}


def upload(client, state, file) -> PackReturn:
    response = client.post(url("pack-return-list", state), {"file": file})
    assert response.status_code == 302, response.context["form"].errors
    with state_context(state):
        return PackReturn.objects.select_related("entity").get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def apply(client, state, pack_return) -> PackReturn:
    response = client.post(url("pack-return-apply", state, pk=pack_return.pk))
    assert response.status_code == 302
    with state_context(state):
        return PackReturn.objects.get(pk=pack_return.pk)


def drafts_of(planted) -> list[tuple]:
    """The draft updates of Justice, but the planted one."""
    a = planted.a
    with state_context(a.state):
        return list(
            ProgressUpdate.objects.filter(entity=a.entity, status="draft")
            .exclude(pk=a.draft_update.pk)
            .order_by("recommendation_id")
            .values_list("pk", "recommendation_id", "implementation_status", "narrative", "reported_on", "version")
        )


def test_the_round_trip_of_a_filled_workbook(client, pack):
    a = pack.a
    focal = a.people["focal_point"]
    sign_in(client, focal)
    workbook, rows = filled(pack)
    before = drafts_of(pack)
    assert before == []

    first = upload(client, a.state, saved(workbook))
    assert (first.entity, first.status, first.unanswered) == (a.entity, "preview", 0)
    page = client.get(url("pack-return-detail", a.state, pk=first.pk))
    body = page.content.decode()
    # Every row not used, and why.
    assert [(p["place"], p["reference"], p["message"]) for p in first.problems] == [
        (
            f"row:{row_of(workbook.worksheets[0], 'A/HRC/99/XAA ¶ 1.2')}",
            "A/HRC/99/XAA ¶ 1.2",
            "“Done” is not an implementation status: choose one of Not started, In progress, Partially "
            "implemented, Implemented, No longer applicable.",
        ),
        (
            f"row:{row_of(workbook.worksheets[0], 'A/HRC/99/XAA ¶ 1.3')}",
            "A/HRC/99/XAA ¶ 1.3",
            "“What was done” is empty: say what was done.",
        ),
        (
            f"row:{rows['bad']}",
            "",
            "No recommendation id in the column “Id”: the answer cannot be matched to one.",
        ),
    ]
    refused = page.context["refused"]
    assert [(s["where"], s["reference"], s["message"]) for s in refused] == [
        (
            f"row {rows['stolen']}",
            "A/HRC/99/XAA ¶ 1.4",
            f"This recommendation (id {pack.pack['r4'].pk}) is not one Ministry of Justice of Alphaland was asked "
            "about: the row may come from another entity's workbook.",
        )
    ]
    for problem in [*page.context["problems"], *refused]:
        assert f'<th scope="row">{problem["where"]}</th>' in body
        assert escape(problem["message"]) in body
    # The answer goes to its related recommendations the entity leads too (1.3, and the CRC's 12).
    assert [(s["reference"], s["action"], s["via_group"]) for s in page.context["steps"]] == [
        ("A/HRC/99/XAA ¶ 1.1", "create", False),
        ("A/HRC/99/XAA ¶ 1.3", "create", True),
        ("CRC/C/XAA/CO/5 ¶ 12", "create", True),
    ]
    assert page.context["counts"] == {"create": 3, "update": 0, "unchanged": 0, "refused": 1}
    assert drafts_of(pack) == []  # nothing is made before it is applied

    applied = apply(client, a.state, first)
    assert (applied.status, applied.created, applied.updated, applied.unchanged, applied.refused) == (
        "applied",
        3,
        0,
        0,
        1,
    )
    made = drafts_of(pack)
    narrative = "The bill on enforced disappearance was adopted by parliament\n\nEvidence: Official Gazette 12/2026"
    assert [row[1:] for row in made] == [
        (pk, "in_progress", narrative, datetime.date(2026, 3, 1), 1)
        for pk in sorted([a.published.pk, pack.pack["r3"].pk, pack.pack["crc12"].pk])
    ]
    with state_context(a.state):
        authors = set(ProgressUpdate.objects.filter(pk__in=[row[0] for row in made]).values_list("author", "entity"))
        assert authors == {(focal.pk, a.entity.pk)}
        assert PackAnswer.objects.filter(request=pack.pack["draft"], entity=a.entity).count() == 3
    # The focal point sees them among the drafts to submit.
    my_work = client.get(url("my-work", a.state))
    assert {update.pk for update in my_work.context["drafts"]} >= {row[0] for row in made}

    # The same file again: nothing changes.
    again = apply(client, a.state, upload(client, a.state, saved(workbook)))
    assert (again.created, again.updated, again.unchanged, again.refused) == (0, 0, 3, 1)
    assert drafts_of(pack) == made

    # A corrected file: the wrong status and the empty row answered, the good answer reworded.
    sheet = workbook.worksheets[0]
    fill(sheet, row_of(sheet, "A/HRC/99/XAA ¶ 1.2"), status="Implemented")
    fill(sheet, rows["published"], narrative="The law on enforced disappearance entered into force in 2026")
    corrected = apply(client, a.state, upload(client, a.state, saved(workbook)))
    assert (corrected.created, corrected.updated, corrected.unchanged) == (1, 3, 0)
    after = drafts_of(pack)
    # The same drafts, changed (a new version), and one more for 1.2.
    same = {row[0]: row for row in made}
    changed = [row for row in after if row[0] in same]
    assert [(row[0], row[3].split("\n")[0], row[5]) for row in changed] == [
        (row[0], "The law on enforced disappearance entered into force in 2026", 2) for row in made
    ]
    new = [row for row in after if row[0] not in same]
    assert [row[1:4] for row in new] == [(a.unpublished.pk, "implemented", "The institution was set up")]


def test_a_submitted_draft_is_not_overwritten_by_a_later_file(client, pack):
    a = pack.a
    sign_in(client, a.people["secretariat"])
    workbook, rows = filled(pack)
    apply(client, a.state, upload(client, a.state, saved(workbook)))
    with state_context(a.state):
        answer = PackAnswer.objects.select_related("update").get(request=pack.pack["draft"], recommendation=a.published)
        update_submit(update=answer.update, user=a.people["focal_point"], version=answer.update.version)
    fill(workbook.worksheets[0], rows["published"], narrative="A later version 2026")
    later = apply(client, a.state, upload(client, a.state, saved(workbook)))
    assert (later.created, later.updated, later.refused) == (0, 2, 2)
    message = next(o["message"] for o in later.outcome if o["reference"] == "A/HRC/99/XAA ¶ 1.1")
    assert message == (
        "The draft an earlier upload made has been submitted (Submitted): change it in the workspace, not by a new "
        "upload."
    )
    with state_context(a.state):
        assert ProgressUpdate.objects.get(pk=answer.update_id).narrative.startswith("The bill on enforced")


def test_files_of_another_state_or_entity_or_altered_are_refused(client, pack):
    a, b = pack.a, pack.b
    focal = a.people["focal_point"]
    sign_in(client, focal)

    def refused(file) -> str:
        response = client.post(url("pack-return-list", a.state), {"file": file})
        assert response.status_code == 200
        return response.context["form"].errors["file"][0]

    # Education's workbook, brought back by Justice's focal point.
    education = workbook_of(pack, EDUCATION)
    education.worksheets[0].cell(row=2, column=COL["status"], value="Implemented")
    assert refused(saved(education)) == (
        "This file is the request sent to Ministry of Education of Alphaland: you may bring back your own "
        "entity's only."
    )
    # A workbook whose reference names another State (validly signed: as that State's would be).
    other = workbook_of(pack)
    about = other.worksheets[1]
    token_cell = next(cell for row in about.iter_rows() for cell in row if str(cell.value or "").count(":") == 2)
    token_cell.value = pack_token(state_id=b.state.pk, entity_id=b.entity.pk, request_id=pack.pack["draft"].pk)
    assert refused(saved(other)) == "This file is a request of another State: it cannot be brought back here."
    # A reference changed by hand (the entity's id), and none at all.
    original = pack_token(state_id=a.state.pk, entity_id=a.entity.pk, request_id=pack.pack["draft"].pk)
    payload, rest = original.split(":", 1)
    token_cell.value = payload[:-2] + ("AA" if not payload.endswith("AA") else "BB") + ":" + rest
    message = (
        "This file carries no reference of a request (or its reference was changed): send back the workbook or "
        "document the secretariat sent, with your answers in it."
    )
    assert refused(saved(other)) == message
    token_cell.value = None
    assert refused(saved(other)) == message
    # Not an Office file at all, and a zip bomb.
    assert refused(SimpleUploadedFile("answers.xlsx", b"not a zip")) == (
        "The file is not a valid ZIP-based Office document."
    )
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<a/>" + b" " * (4 * 1024 * 1024))
    assert refused(SimpleUploadedFile("answers.xlsx", bomb.getvalue())) == (
        "The part 'xl/workbook.xml' is compressed to a suspicious degree (a possible ZIP bomb)."
    )
    with state_context(a.state):
        assert PackReturn.objects.count() == 1  # the planted one only
    # The secretariat may bring back any entity's.
    sign_in(client, a.people["secretariat"])
    assert upload(client, a.state, saved(education)).entity == pack.pack["education"]
    # An observer may not come here.
    sign_in(client, a.people["observer"])
    assert client.get(url("pack-return-list", a.state)).status_code == 403


def test_the_word_document_comes_back_too(client, pack):
    a = pack.a
    sign_in(client, a.people["focal_point"])
    document = docx.Document(io.BytesIO(pack.pack["archive"].read(f"{JUSTICE}.docx")))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    index = captions.index("To fill: A/HRC/99/XAA ¶ 1.3")
    table = document.tables[index]
    table.rows[1].cells[1].text = "Partially implemented"
    table.rows[2].cells[1].text = "A draft law is before parliament (2026)"
    table.rows[4].cells[1].text = "2026-02-15"
    out = io.BytesIO()
    document.save(out)
    pack_return = upload(client, a.state, SimpleUploadedFile("answers.docx", out.getvalue()))
    assert (pack_return.problems, pack_return.unanswered) == ([], 2)
    applied = apply(client, a.state, pack_return)
    assert applied.created == 1
    assert [row[1:5] for row in drafts_of(pack)] == [
        (
            pack.pack["r3"].pk,
            "partially_implemented",
            "A draft law is before parliament (2026)",
            datetime.date(2026, 2, 15),
        )
    ]


def test_many_drafts_are_edited_only_at_the_version_read_and_while_editable(planted):
    a = planted.a
    with state_context(a.state):
        draft = a.draft_update
        saved = updates_edit_drafts(
            edits=[
                (draft.pk, draft.version, {"narrative": "Edited at once", "implementation_status": "implemented"}),
                (a.progress_update.pk, a.progress_update.version, {"narrative": "Not a draft"}),  # validated
            ]
        )
        assert saved == {draft.pk}
        assert list(
            ProgressUpdate.objects.filter(pk__in=[draft.pk, a.progress_update.pk])
            .order_by("pk")
            .values_list("pk", "narrative", "implementation_status", "version")
        ) == [
            (a.progress_update.pk, a.progress_update.narrative, "in_progress", a.progress_update.version),
            (draft.pk, "Edited at once", "implemented", draft.version + 1),
        ]
        # Read at a version since changed: not saved.
        assert updates_edit_drafts(edits=[(draft.pk, draft.version, {"narrative": "Stale"})]) == set()
        assert ProgressUpdate.objects.get(pk=draft.pk).narrative == "Edited at once"

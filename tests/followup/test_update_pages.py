"""Progress updates through the pages: who may write what, conflicts, evidence files."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from followup.models import Evidence, ProgressUpdate
from tenants.scoping import state_context
from tests.factories import PLANTED_PDF

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def url(name, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": "alpha", **kwargs})


def sign_in(client, planted, role):
    client.force_login(planted.a.people[role], backend=BACKEND)


def upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def docx(*, macros=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


FORM = {
    "implementation_status": "in_progress",
    "reported_on": "2026-02-01",
    "narrative": "Bill adopted in first reading",
}


def test_a_focal_point_reports_with_a_file_and_submits(client, planted):
    sign_in(client, planted, "focal_point")
    response = client.post(
        url("recommendation-update-create", pk=planted.a.published.pk),
        {**FORM, "entity": planted.a.entity.pk, "evidence": upload("Minutes.PDF", PLANTED_PDF), "then": "submit"},
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        update = ProgressUpdate.objects.exclude(pk__in=[planted.a.progress_update.pk, planted.a.draft_update.pk]).get()
        assert update.status == "submitted" and update.author == planted.a.people["focal_point"]
        evidence = update.evidence.get()
    assert (evidence.name, evidence.content_type) == ("Minutes.pdf", "application/pdf")
    assert evidence.file.name.startswith(f"evidence/{planted.a.state.pk}/")
    assert default_storage.open(evidence.file.name).read() == PLANTED_PDF
    download = client.get(url("evidence-download", pk=evidence.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PLANTED_PDF
    assert 'attachment; filename="Minutes.pdf"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"MZ\x90\x00\x03 this is a program", "not a kind of file"),
        ("report.docm", docx(macros=True), "contains macros"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-style Office file"),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 40, "damaged"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_a_refused_file_keeps_the_text_and_saves_nothing(client, planted, name, data, message):
    sign_in(client, planted, "focal_point")
    before = set(default_storage.listdir(f"evidence/{planted.a.state.pk}")[1])
    response = client.post(
        url("recommendation-update-create", pk=planted.a.published.pk),
        {**FORM, "entity": planted.a.entity.pk, "evidence": upload(name, data), "then": "submit"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Bill adopted in first reading" in body
    with state_context(planted.a.state):
        assert ProgressUpdate.objects.count() == 2
    assert set(default_storage.listdir(f"evidence/{planted.a.state.pk}")[1]) == before


def test_an_oversize_file_is_refused_with_the_limit(client, planted, settings):
    settings.NRTD_MAX_EVIDENCE_BYTES = 1000
    sign_in(client, planted, "focal_point")
    response = client.post(
        url("evidence-add", pk=planted.a.draft_update.pk), {"file": upload("big.pdf", PLANTED_PDF + b" " * 2000)}
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("at most 1000" in m for m in messages)
    with state_context(planted.a.state):
        assert Evidence.objects.filter(update=planted.a.draft_update).count() == 1


def test_accepted_office_and_text_files(client, planted):
    sign_in(client, planted, "focal_point")
    for name, data, kind in [
        ("plan.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.csv", "région;total\nNord;12\n".encode(), "text/csv"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),
    ]:
        client.post(url("evidence-add", pk=planted.a.draft_update.pk), {"file": upload(name, data)})
        with state_context(planted.a.state):
            assert Evidence.objects.filter(update=planted.a.draft_update, name=name).get().content_type == kind


def test_two_people_editing_the_same_update(client, planted):
    """The second save meets a conflict: their text is shown again, the first is kept, nothing is lost."""
    sign_in(client, planted, "focal_point")
    edit = url("update-edit", pk=planted.a.draft_update.pk)
    form = client.get(edit).context["form"]
    version = form["version"].value()
    first = {**FORM, "narrative": "First colleague's text", "version": version, "then": "save"}
    second = {**FORM, "narrative": "Second colleague's text", "version": version, "then": "save"}
    assert client.post(edit, first).status_code == 302
    response = client.post(edit, second)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this update" in body
    assert "Second colleague&#x27;s text" in body and "First colleague&#x27;s text" in body
    with state_context(planted.a.state):
        saved = ProgressUpdate.objects.get(pk=planted.a.draft_update.pk)
    assert saved.narrative == "First colleague's text"
    # Saving again, having seen the other text, replaces it.
    retry = {**second, "version": response.context["form"]["version"].value()}
    assert client.post(edit, retry).status_code == 302
    with state_context(planted.a.state):
        assert ProgressUpdate.objects.get(pk=planted.a.draft_update.pk).narrative == "Second colleague's text"


def test_the_secretariat_returns_and_validates_through_the_page(client, planted):
    sign_in(client, planted, "focal_point")
    draft = planted.a.draft_update
    client.post(url("update-submit", pk=draft.pk), {"version": draft.version})
    sign_in(client, planted, "secretariat")
    review = url("update-review", pk=draft.pk)
    response = client.post(review, {"decision": "return", "comment": "", "version": draft.version + 1})
    assert any("needs a comment" in str(m) for m in response.wsgi_request._messages)
    client.post(review, {"decision": "return", "comment": "Which law?", "version": draft.version + 1})
    with state_context(planted.a.state):
        assert ProgressUpdate.objects.get(pk=draft.pk).status == "returned"
    # A stale page changes nothing.
    response = client.post(review, {"decision": "validate", "version": draft.version + 1})
    assert any("out of date" in str(m) for m in response.wsgi_request._messages)


def test_focal_points_act_only_for_their_own_entities(client, planted):
    from recommendations.models import Entity, FocalPoint

    with state_context(planted.a.state):
        other = Entity.objects.create(state=planted.a.state, name="Ministry of Health")
        FocalPoint.objects.filter(pk=planted.a.focal_point.pk).update(entity=other)
    sign_in(client, planted, "focal_point")
    # Not their entity's draft: not shown at all; the validated one is readable but not editable.
    assert client.get(url("update-detail", pk=planted.a.draft_update.pk)).status_code == 404
    assert client.get(url("update-detail", pk=planted.a.progress_update.pk)).status_code == 200
    assert client.post(url("update-submit", pk=planted.a.draft_update.pk), {"version": 1}).status_code == 404
    assert client.get(url("recommendation-update-create", pk=planted.a.published.pk)).status_code == 403
    # The entity sent in the form must be one they report for.
    response = client.post(
        url("recommendation-update-create", pk=planted.a.published.pk), {**FORM, "entity": planted.a.entity.pk}
    )
    assert response.status_code == 403


def test_observers_see_validated_updates_only(client, planted):
    sign_in(client, planted, "observer")
    listed = client.get(url("update-list")).context["updates"]
    assert [u.pk for u in listed] == [planted.a.progress_update.pk]
    body = client.get(url("recommendation-detail", pk=planted.a.published.pk)).content.decode()
    assert "Draft in progress" not in body and "Report progress" not in body


def test_update_list_query_count_does_not_grow(client, planted, django_assert_max_num_queries):
    from followup import workflow

    sign_in(client, planted, "secretariat")
    client.get(url("update-list"))
    with state_context(planted.a.state):
        for _n in range(15):
            workflow.update_create(
                state=planted.a.state,
                user=planted.a.people["secretariat"],
                entity=planted.a.entity,
                recommendation=planted.a.published,
                data=FORM,
            )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("update-list") + "?status=validated")
    with CaptureQueriesContext(connection) as many:
        client.get(url("update-list"))
    assert len(many) == len(few)


def test_a_zip_part_that_expands_hugely_is_not_read(client, planted):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b" " * (2 * 1024 * 1024))
        archive.writestr("word/document.xml", "<w:document/>")
    sign_in(client, planted, "focal_point")
    response = client.post(
        url("evidence-add", pk=planted.a.draft_update.pk), {"file": upload("bomb.docx", buffer.getvalue())}
    )
    assert any("not a kind of file" in str(m) for m in response.wsgi_request._messages)

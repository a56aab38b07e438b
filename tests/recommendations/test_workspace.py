"""The workspace pages: filters, manual create and edit with stale-edit protection, imports."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportJob
from recommendations.models import Mechanism, Recommendation, Theme
from tenants.scoping import state_context
from tests.imports.test_jobs import uhri_record

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def test_filters_narrow_the_list(client, planted):
    sign_in(client, planted.a.people["observer"])
    base = url("recommendation-list", planted.a.state)
    listed = lambda query: sorted(r.pk for r in client.get(base, query).context["recommendations"])  # noqa: E731
    assert listed({"position": "noted"}) == [planted.a.unpublished.pk]
    assert listed({"published": "true"}) == [planted.a.published.pk]
    assert listed({"q": "national institution"}) == [planted.a.unpublished.pk]
    theme = Theme.objects.first()
    assert listed({"theme": theme.pk}) == [planted.a.published.pk]
    assert listed({"mechanism": "CRC"}) == []
    assert listed({"sort": "symbol", "mechanism": "UPR"}) == sorted([planted.a.published.pk, planted.a.unpublished.pk])


def test_curator_creates_and_edits_and_a_stale_edit_keeps_the_text(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    upr = Mechanism.objects.get(code="UPR")
    response = client.post(
        url("recommendation-create", planted.a.state),
        {"mechanism": upr.pk, "symbol": "A/HRC/1/1", "paragraph": "9.9", "annotation_type": "recommendation",
         "text_en": "Adopt a national action plan", "text_fr": ""},
    )  # fmt: skip
    with state_context(planted.a.state):
        created = Recommendation.objects.get(paragraph="9.9")
    assert response["Location"] == url("recommendation-detail", planted.a.state, pk=created.pk)
    assert (created.text_en, created.text_fr) == ("Adopt a national action plan", None)

    edit_url = url("recommendation-edit", planted.a.state, pk=created.pk)
    form = client.get(edit_url).context["form"]
    seen = form.initial["seen_updated_at"].isoformat()
    fields = {"mechanism": upr.pk, "annotation_type": "recommendation", "seen_updated_at": seen}
    first = client.post(edit_url, {**fields, "text_en": "Adopt and fund a national action plan"})
    assert first.status_code == 302
    second = client.post(edit_url, {**fields, "text_en": "My own wording"})
    assert second.status_code == 200
    assert second.context["form"].non_field_errors()[0].startswith("Someone else saved this recommendation")
    assert second.context["form"]["text_en"].value() == "My own wording"
    with state_context(planted.a.state):
        assert Recommendation.objects.get(pk=created.pk).text_en == "Adopt and fund a national action plan"


def test_observer_cannot_edit(client, planted):
    sign_in(client, planted.a.people["observer"])
    response = client.post(url("recommendation-edit", planted.a.state, pk=planted.a.published.pk), {"text_en": "x"})
    assert response.status_code == 403


def test_upload_preview_confirm_import(client, planted, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    sign_in(client, planted.a.people["admin"])
    data = json.dumps([uhri_record(1, Countries=["Alphaland"]), uhri_record(2, Countries=["Alphaland"])]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("import-list", planted.a.state),
            {"file": SimpleUploadedFile("uhri-export.json", data), "format": "auto", "mapping": "", "encoding": ""},
        )
    with state_context(planted.a.state):
        preview = ImportJob.objects.get(filename="uhri-export.json")
        assert (preview.dry_run, preview.status, preview.created) == (True, "succeeded", 2)
        assert Recommendation.objects.filter(import_key__startswith="uhri:").count() == 0
    assert response["Location"] == url("import-detail", planted.a.state, pk=preview.pk)
    page = client.get(response["Location"])
    assert "If you import this file:" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(response["Location"])
    with state_context(planted.a.state):
        job = ImportJob.objects.exclude(pk=preview.pk).get(filename="uhri-export.json")
        assert (job.dry_run, job.status, job.created) == (False, "succeeded", 2)
        assert Recommendation.objects.filter(import_key__startswith="uhri:").count() == 2
    assert confirmed["Location"] == url("import-detail", planted.a.state, pk=job.pk)


def test_oversize_and_empty_uploads_are_refused_with_the_reason(client, planted, settings):
    settings.NRTD_MAX_UPLOAD_BYTES = 10
    sign_in(client, planted.a.people["admin"])
    response = client.post(
        url("import-list", planted.a.state),
        {"file": SimpleUploadedFile("big.json", b"[" + b" " * 20 + b"]"), "format": "auto"},
    )
    assert response.context["form"].errors["file"] == [
        "“big.json” is 22\xa0bytes; the largest file accepted is 10\xa0bytes."
    ]
    response = client.post(
        url("import-list", planted.a.state), {"file": SimpleUploadedFile("none.json", b""), "format": "auto"}
    )
    assert response.context["form"].errors["file"] == ["The submitted file is empty."]

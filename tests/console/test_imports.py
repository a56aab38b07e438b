"""The platform console: a State's first import started by the hosting office, and cross-State statistics."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from console.models import PlatformAuditEntry
from console.queries import platform_statistics
from imports.models import ImportJob
from recommendations.models import Recommendation
from tenants.scoping import cross_state_access, state_context
from tests.factories import StateFactory
from tests.imports.test_jobs import uhri_record

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def import_url(state):
    return reverse("platform:state-import", kwargs={"pk": state.pk})


def test_platform_admin_uploads_previews_and_confirms_an_import_for_the_state(
    client, planted, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    state = planted.a.state
    sign_in(client, planted.platform_admin)
    data = json.dumps([uhri_record(1, Countries=["Alphaland"]), uhri_record(2, Countries=["Alphaland"])]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            import_url(state),
            {"file": SimpleUploadedFile("first.json", data), "format": "auto", "mapping": "", "encoding": ""},
        )
    with state_context(state):
        preview = ImportJob.objects.get(filename="first.json")
        assert (preview.dry_run, preview.status, preview.created) == (True, "succeeded", 2)
        assert Recommendation.objects.filter(import_key__startswith="uhri:").count() == 0
    detail = reverse("platform:state-import-detail", kwargs={"pk": state.pk, "job_id": preview.pk})
    assert response["Location"] == detail
    assert "If you import this file:" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(detail)
    with state_context(state):
        job = ImportJob.objects.exclude(pk=preview.pk).get(filename="first.json")
        assert (job.dry_run, job.status, job.created, job.created_by) == (False, "succeeded", 2, planted.platform_admin)
        assert Recommendation.objects.filter(import_key__startswith="uhri:").count() == 2
    assert confirmed["Location"] == reverse("platform:state-import-detail", kwargs={"pk": state.pk, "job_id": job.pk})
    page = client.get(confirmed["Location"]).content.decode()
    assert "The import is finished:" in page
    # Nothing went to the other State.
    with state_context(planted.b.state):
        assert Recommendation.objects.filter(import_key__startswith="uhri:").count() == 0
    entries = PlatformAuditEntry.objects.filter(state_ref=state.pk, action="import").order_by("id")
    assert [(e.details["event"], e.details["job"], e.actor_email) for e in entries] == [
        ("preview", preview.pk, "platform@example.org"),
        ("confirm", job.pk, "platform@example.org"),
    ]


def test_a_bad_file_is_refused_with_the_reason_and_writes_nothing(client, planted, settings):
    settings.NRTD_MAX_UPLOAD_BYTES = 10
    sign_in(client, planted.platform_admin)
    with cross_state_access():
        jobs_before = ImportJob.objects.count()
    response = client.post(
        import_url(planted.a.state), {"file": SimpleUploadedFile("big.json", b"[" + b" " * 20 + b"]"), "format": "auto"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "“big.json” is 22\xa0bytes; the largest file accepted is 10\xa0bytes."
    ]
    assert "the largest file accepted is 10" in response.content.decode()
    response = client.post(
        import_url(planted.a.state), {"file": SimpleUploadedFile("rows.csv", b"a,b\n1,2\n"), "format": "csv"}
    )
    assert response.context["form"].errors["mapping"] == ["Choose the column mapping of your spreadsheet."]
    with cross_state_access():
        assert ImportJob.objects.count() == jobs_before
    assert not PlatformAuditEntry.objects.filter(action="import").exists()


def test_an_unreadable_file_fails_the_job_with_the_reason_shown_to_the_platform_admin(
    client, planted, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    sign_in(client, planted.platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            import_url(planted.a.state), {"file": SimpleUploadedFile("broken.json", b"{not json"), "format": "auto"}
        )
    with state_context(planted.a.state):
        job = ImportJob.objects.get(filename="broken.json")
        assert job.status == "failed" and job.failure
        assert Recommendation.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "could not be imported, and nothing was written" in page


def test_uhri_fetch_button_starts_a_preview_job_for_the_state(
    client, planted, settings, django_capture_on_commit_callbacks
):
    settings.UHRI_API_URL = "http://127.0.0.1:9/api/"
    sign_in(client, planted.platform_admin)
    assert "Fetch and preview" in client.get(import_url(planted.a.state)).content.decode()
    # Queued on commit; not run here (the fake API lives in tests/recommendations/test_uhri_fetch.py).
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("platform:state-uhri-fetch", kwargs={"pk": planted.a.state.pk}))
    assert len(callbacks) == 1
    with state_context(planted.a.state):
        job = ImportJob.objects.get(format="uhri-api")
        assert (job.dry_run, job.status, job.created_by) == (True, "pending", planted.platform_admin)
    assert response["Location"] == reverse(
        "platform:state-import-detail", kwargs={"pk": planted.a.state.pk, "job_id": job.pk}
    )
    assert PlatformAuditEntry.objects.get(action="import").details["event"] == "fetch"


def test_without_an_api_address_there_is_no_fetch(client, planted, settings):
    settings.UHRI_API_URL = ""
    sign_in(client, planted.platform_admin)
    assert "Fetch and preview" not in client.get(import_url(planted.a.state)).content.decode()
    response = client.post(reverse("platform:state-uhri-fetch", kwargs={"pk": planted.a.state.pk}))
    assert response.status_code == 404


def test_a_suspended_state_takes_no_import(client, planted, settings):
    with cross_state_access():
        planted.a.state.status = "suspended"
        planted.a.state.save(update_fields=["status"])
    sign_in(client, planted.platform_admin)
    response = client.post(
        import_url(planted.a.state), {"file": SimpleUploadedFile("x.json", b"[]"), "format": "auto"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Imports are for active States only; Alphaland is not."]
    with cross_state_access():
        assert not ImportJob.objects.filter(filename="x.json").exists()


@pytest.mark.parametrize("persona", ["a_admin", "b_admin", "outsider"])
def test_everyone_but_platform_admins_gets_404(client, planted, persona, settings):
    settings.UHRI_API_URL = "http://127.0.0.1:9/api/"
    sign_in(client, planted.persona(persona))
    state, job = planted.a.state, planted.a.import_job
    detail = reverse("platform:state-import-detail", kwargs={"pk": state.pk, "job_id": job.pk})
    assert client.get(import_url(state)).status_code == 404
    assert client.post(import_url(state), {"file": SimpleUploadedFile("x.json", b"[]")}).status_code == 404
    assert client.post(reverse("platform:state-uhri-fetch", kwargs={"pk": state.pk})).status_code == 404
    assert client.get(detail).status_code == 404
    assert client.post(detail).status_code == 404
    assert client.get(reverse("platform:statistics")).status_code == 404


def test_another_states_job_under_a_states_id_is_404(client, planted):
    sign_in(client, planted.platform_admin)
    url = reverse("platform:state-import-detail", kwargs={"pk": planted.a.state.pk, "job_id": planted.b.import_job.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_statistics_are_sums_over_every_state_and_show_no_states_row(client, planted):
    with cross_state_access():
        StateFactory(slug="gamma", name="Gammaland", iso3="XGG", status="archived")
    sign_in(client, planted.platform_admin)
    response = client.get(reverse("platform:statistics"))
    assert response.status_code == 200
    statistics = response.context["statistics"]
    assert dict(statistics["states"]) == {"Active": 2, "Suspended": 0, "Archived": 1}
    assert statistics["states_total"] == 3
    by_kind = dict(statistics["by_kind"])
    assert by_kind["Universal Periodic Review"] == 4 and sum(by_kind.values()) == 4
    assert dict(statistics["by_position"]) == {
        "Supported": 2,
        "Noted": 2,
        "Partially supported": 0,
        "Pending": 0,
        "No position": 0,
    }
    assert [(imports, previews) for _month, imports, previews in statistics["imports_by_month"]] == [(0, 2)]
    assert dict(statistics["members_by_role"]) == {
        "State administrator": 2,
        "Secretariat officer": 2,
        "Focal point": 2,
        "Observer": 2,
        "National human rights institution": 2,
    }
    body = response.content.decode()
    for text in ("Ratify the Convention", "Alphaland", "Betaland", "Gammaland", "BETA-ONLY", "alpha.json"):
        assert text not in body


def test_statistics_take_the_same_queries_whatever_the_number_of_states(planted):
    with CaptureQueriesContext(connection) as two_states:
        platform_statistics()
    with cross_state_access():
        StateFactory(slug="gamma", name="Gammaland", iso3="XGG")
    with CaptureQueriesContext(connection) as three_states:
        platform_statistics()
    assert len(three_states.captured_queries) == len(two_states.captured_queries) <= 10

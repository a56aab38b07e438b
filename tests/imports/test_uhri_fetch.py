"""Fetching a State's records from the UHRI API (a local fake server), preview, import, resume."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from imports.models import ImportJob
from imports.uhri_fetch import uhri_fetch_confirm, uhri_fetch_resume, uhri_fetch_run
from recommendations.models import Recommendation
from tenants.scoping import cross_state_access, state_context
from tests.factories import StateFactory
from tests.imports.fake_uhri import client_for

pytestmark = pytest.mark.django_db


def new_job(state, dry_run: bool) -> ImportJob:
    with state_context(state):
        return ImportJob.objects.create(state=state, format="uhri-api", filename="UHRI API", dry_run=dry_run)


def test_preview_then_confirm_imports_what_the_preview_fetched(
    fake_api, settings, slovenia, django_capture_on_commit_callbacks
):
    job = uhri_fetch_run(state=slovenia, job_id=new_job(slovenia, dry_run=True).pk, client=client_for(settings))
    assert (job.status, job.format, job.created, job.rejected) == ("succeeded", "uhri-api", 5, 0)
    assert fake_api.pages == [0, 1, 2]
    with state_context(slovenia):
        assert not Recommendation.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = uhri_fetch_confirm(preview=job, user=None)
        confirmed.refresh_from_db()
        assert (confirmed.status, confirmed.created) == ("succeeded", 5)
        themes = {theme.name for r in Recommendation.objects.all() for theme in r.themes}
    assert themes == {"Equality & non-discrimination"}
    assert fake_api.pages == [0, 1, 2], "the confirmation imported the preview's records without fetching again"


def test_a_page_that_keeps_failing_stops_the_job_and_resuming_goes_on_from_it(
    fake_api, settings, slovenia, django_capture_on_commit_callbacks
):
    fake_api.failures[1] = 2  # more than max_retries=1
    job = uhri_fetch_run(state=slovenia, job_id=new_job(slovenia, dry_run=False).pk, client=client_for(settings))
    assert job.status == "failed"
    assert "HTTP 500" in job.failure and "page 1" in job.failure
    with state_context(slovenia):
        assert not Recommendation.objects.exists()
    assert fake_api.pages == [0]

    with state_context(slovenia), django_capture_on_commit_callbacks(execute=True):
        uhri_fetch_resume(job=job, user=None)  # the task, with the configured client
    # The eager run used settings' client (page size 2): page 0 was not fetched again.
    assert fake_api.pages == [0, 1, 2]
    with state_context(slovenia):
        job.refresh_from_db()
        assert (job.status, job.created, job.rejected) == ("succeeded", 5, 0)
        assert Recommendation.objects.count() == 5


def test_a_state_missing_from_the_countries_list_fails_with_its_name(fake_api, settings, db):
    with cross_state_access():
        state = StateFactory(name="Atlantis", slug="atlantis", iso3="")
    job = uhri_fetch_run(state=state, job_id=new_job(state, dry_run=True).pk, client=client_for(settings))
    assert job.status == "failed"
    assert "no entry for Atlantis" in job.failure


def test_workspace_button_fetches_a_preview(client, fake_api, planted, settings, django_capture_on_commit_callbacks):
    with cross_state_access():
        planted.a.state.name = "Slovenia"
        planted.a.state.save()
    client.force_login(planted.a.people["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("workspace:import-list", kwargs={"state_slug": planted.a.state.slug}))
    assert "Fetch and preview" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workspace:import-uhri-fetch", kwargs={"state_slug": planted.a.state.slug}))
    with state_context(planted.a.state):
        job = ImportJob.objects.get(format="uhri-api")
    assert response["Location"] == reverse(
        "workspace:import-detail", kwargs={"state_slug": planted.a.state.slug, "pk": job.pk}
    )
    assert (job.status, job.dry_run, job.created) == ("succeeded", True, 5)


def test_without_an_api_address_there_is_no_button_and_no_fetch(client, planted, settings):
    settings.UHRI_API_URL = ""
    client.force_login(planted.a.people["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("workspace:import-list", kwargs={"state_slug": planted.a.state.slug}))
    assert "Fetch and preview" not in page.content.decode()
    response = client.post(reverse("workspace:import-uhri-fetch", kwargs={"state_slug": planted.a.state.slug}))
    assert response.status_code == 404


def test_command_prints_the_counts(fake_api, slovenia):
    out = io.StringIO()
    call_command("fetch_uhri", "--state", "slovenia", "--json", stdout=out)
    outcome = json.loads(out.getvalue())
    assert (outcome["status"], outcome["created"], outcome["by_position"]["supported"]) == ("succeeded", 5, 0)
    with pytest.raises(CommandError, match="No State"):
        call_command("fetch_uhri", "--state", "nowhere")

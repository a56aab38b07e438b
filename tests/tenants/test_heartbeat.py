"""Jobs never stay "Waiting" or "Running": the stale-job sweep, a finished job never run twice,
and a request body over the limit refused before it is read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from imports.models import ImportJob
from imports.tasks import import_job_task
from reporting.models import ReportDraft
from tenants.heartbeat import stale_jobs_fail
from tenants.scoping import state_context


def import_job(state, **fields) -> ImportJob:
    with state_context(state):
        job = ImportJob.objects.create(state=state, format="auto", filename="a.json", **fields)
        if "created_at" in fields:  # auto_now_add: set afterwards
            ImportJob.objects.filter(pk=job.pk).update(created_at=fields["created_at"])
        return job


@pytest.mark.django_db
def test_the_sweep_fails_silent_and_lost_jobs_in_their_language(planted, settings):
    settings.NRTD_JOB_STALE_SECONDS = 180
    settings.NRTD_JOB_WAITING_LIMIT_SECONDS = 3600
    now = timezone.now()
    state = planted.a.state
    long_ago = now - timedelta(minutes=10)
    silent = import_job(state, status="running", started_at=long_ago, heartbeat_at=long_ago, options={"language": "fr"})
    alive = import_job(state, status="running", started_at=long_ago, heartbeat_at=now - timedelta(seconds=20))
    # Started, no heartbeat yet: counted from its start.
    starting = import_job(state, status="running", started_at=now - timedelta(seconds=30))
    lost = import_job(state, status="pending", options={"language": "es"})
    with state_context(state):
        ImportJob.objects.filter(pk=lost.pk).update(created_at=now - timedelta(hours=2))
        waiting = import_job(state, status="pending")
        draft = planted.a.report_draft
        ReportDraft.objects.filter(pk=draft.pk).update(status="running", heartbeat_at=long_ago, language="ar")

    assert stale_jobs_fail() == 3

    with state_context(state):
        jobs = {
            job.pk: job
            for job in ImportJob.objects.filter(pk__in=[silent.pk, alive.pk, starting.pk, lost.pk, waiting.pk])
        }
        draft.refresh_from_db()
    assert jobs[silent.pk].status == "failed"
    assert jobs[silent.pk].failure.startswith("La tâche s’est arrêtée"), jobs[silent.pk].failure
    assert jobs[silent.pk].finished_at is not None
    assert jobs[lost.pk].status == "failed"
    assert jobs[lost.pk].failure.startswith("La tarea nunca empezó"), jobs[lost.pk].failure
    assert (jobs[alive.pk].status, jobs[starting.pk].status, jobs[waiting.pk].status) == (
        "running",
        "running",
        "pending",
    )
    assert draft.status == "failed"
    assert draft.failure and draft.failure.isascii() is False  # Arabic
    # A second sweep finds nothing more.
    assert stale_jobs_fail() == 0


@pytest.mark.django_db
def test_a_job_already_failed_is_not_run_again(planted):
    """A message delivered again (the broker's visibility timeout, after the sweep failed its job)
    does nothing: the person was told it failed, and may start it again."""
    state = planted.a.state
    job = import_job(state, status="failed", failure="The job stopped: …")
    assert import_job_task(state.pk, job.pk) == "failed"
    with state_context(state):
        job.refresh_from_db()
    assert (job.status, job.started_at, job.failure) == ("failed", None, "The job stopped: …")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("en", "File too large"), ("fr", "Fichier trop volumineux")])
def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(client, settings, language, heading):
    settings.NRTD_MAX_REQUEST_BYTES = 1000
    response = client.generic(
        "POST", "/accounts/login/", b"x" * 10, CONTENT_TYPE="text/plain", CONTENT_LENGTH="5000000",
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    assert response.status_code == 413
    assert heading in response.content.decode()
    # Under the limit: on to the view as before.
    assert client.post("/accounts/login/", {"username": "x"}).status_code != 413

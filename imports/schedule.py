"""Keeping a State in step with the UHRI: a fetch on a schedule, previewed for the secretariat.

A State turns the schedule on (every day, week, two weeks or month; weekly unless changed) and
chooses the mechanisms it follows (``UhriSchedule``). Celery beat runs ``schedules_queue`` every
hour: each State whose next fetch is due gets a job (``imports.tasks.uhri_schedule_task``), which
fetches the State's records from the UHRI API, keeps those of the mechanisms followed, and
prepares a preview, a dry run: what is new or changed. When something is, the State's curators
are told in their notifications (imports.extensions; the workspace writes them), and one of them
confirms the preview as any other. Nothing is imported without that confirmation.

A fetch that fails (the client has already retried each request with backoff) is tried again
later, going on from the page where it stopped: after 30 minutes, then 2 hours. When the third
attempt fails too, the failure is reported the same way and the schedule waits for its next turn.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports import extensions
from imports.jobs import uhri_schedule_queue
from imports.models import ImportJob, UhriSchedule
from imports.rules import job_resumable
from imports.uhri_client import UhriApiClient
from imports.uhri_fetch import FORMAT, uhri_api_configured, uhri_fetch_run
from tenants.models import State
from tenants.scoping import cross_state_access, state_context

# Waits before the second and third attempts of a failed fetch; the third failure is reported.
RETRY_DELAYS = (timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# While a State's fetch is queued or running, its next turn is pushed this far: a beat that runs
# twice, or a slow worker, does not start a second fetch.
CLAIM = timedelta(hours=6)


def schedule_for(state: State) -> UhriSchedule | None:
    """The State's schedule, if it has one (inside its context)."""
    return UhriSchedule.objects.filter(state=state).first()


@transaction.atomic
def schedule_save(*, state: State, user, enabled: bool, interval_days: int, mechanism_ids: list[int]) -> UhriSchedule:
    """Create or change the State's schedule (inside its context).

    Side effects: the schedule row; turning it on (or changing how often) sets its next fetch to
    now, so the next hourly run fetches; turning it off clears it.
    """
    schedule = UhriSchedule.objects.select_for_update().filter(state=state).first()
    if schedule is None:
        schedule = UhriSchedule(state=state)
    starts = enabled and (not schedule.enabled or schedule.pk is None or schedule.interval_days != interval_days)
    schedule.enabled = enabled
    schedule.interval_days = interval_days
    schedule.mechanism_ids = sorted(set(mechanism_ids))
    schedule.updated_by = user
    if not enabled:
        schedule.next_run_at = None
    elif starts or schedule.next_run_at is None:
        schedule.next_run_at = timezone.now()
    schedule.save()
    return schedule


def schedules_queue(*, now=None) -> int:
    """Queue the fetch of every State whose turn has come (Celery beat, hourly); how many.

    Each State is claimed first (its next turn pushed by ``CLAIM``) in the same transaction that
    queues it, so two beats never fetch twice.
    """
    if not uhri_api_configured():
        return 0
    now = now or timezone.now()
    with cross_state_access():
        due = list(
            UhriSchedule.objects.filter(
                enabled=True, next_run_at__lte=now, state__status=State.Status.ACTIVE
            ).values_list("state_id", "pk")
        )
    queued = 0
    for state in State.objects.filter(pk__in=[state_id for state_id, _pk in due]).order_by("pk"):
        with state_context(state):
            claimed = UhriSchedule.objects.filter(state=state, enabled=True, next_run_at__lte=now).update(
                next_run_at=now + CLAIM
            )
            if claimed:
                uhri_schedule_queue(state)
                queued += 1
    return queued


def scheduled_fetch_run(*, state: State, client: UhriApiClient, now=None) -> ImportJob | None:
    """The State's scheduled fetch: a new preview, or the failed one resumed; then its outcome
    recorded on the schedule and told to the State's curators when there is something to confirm
    or the retries are spent. None when the State has no schedule turned on."""
    with state_context(state):
        schedule = UhriSchedule.objects.filter(state=state, enabled=True).select_related("last_job").first()
        if schedule is None:
            return None
        job = _job_to_run(state, schedule)
    job = uhri_fetch_run(state=state, job_id=job.pk, client=client)
    return _record(state, schedule.pk, job, now or timezone.now())


def _job_to_run(state: State, schedule: UhriSchedule) -> ImportJob:
    last = schedule.last_job
    if schedule.failures and last is not None and job_resumable(last):
        # Go on from the page where the failed attempt stopped.
        ImportJob.objects.filter(pk=last.pk).update(status=ImportJob.Status.PENDING, failure="")
        return last
    return ImportJob.objects.create(
        state=state,
        format=FORMAT,
        # Translators: the name of an import job in the history; %(state)s is the State.
        filename=_("Scheduled UHRI fetch for %(state)s") % {"state": state.name},
        options={
            "language": state.default_language or settings.LANGUAGE_CODE,
            "mechanisms": list(schedule.mechanism_ids),
            "scheduled": True,
        },
        dry_run=True,
    )


def _record(state: State, schedule_id: int, job: ImportJob, now) -> ImportJob:
    with state_context(state):
        schedule = UhriSchedule.objects.select_for_update().get(pk=schedule_id)
        schedule.last_run_at, schedule.last_job = now, job
        event = None
        if job.status == ImportJob.Status.FAILED:
            schedule.failures += 1
            schedule.last_failure = job.failure
            if schedule.failures < MAX_ATTEMPTS:
                schedule.next_run_at = now + RETRY_DELAYS[schedule.failures - 1]
            else:
                event = "failed"
                schedule.failures = 0
                schedule.next_run_at = now + timedelta(days=schedule.interval_days)
        else:
            schedule.failures = 0
            schedule.last_failure = ""
            schedule.next_run_at = now + timedelta(days=schedule.interval_days)
            if job.created or job.updated:
                event = "preview"
        schedule.save()
        if event is not None:
            for listener in extensions.SCHEDULED_FETCH_LISTENERS:
                listener(state=state, schedule=schedule, job=job, event=event)
    return job

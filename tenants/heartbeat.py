"""No job stays "Waiting" or "Running" for ever.

A job row (``settings.NRTD_JOB_MODELS``: the imports' and the report drafts') has ``status``
(pending, running, succeeded, failed), ``failure``, ``started_at``, ``finished_at``,
``created_at`` and ``heartbeat_at``, and a ``job_language`` (the language of the person who
asked for it: the reasons below are written in it).

- While a task runs a job, ``job_heartbeat`` writes ``heartbeat_at`` every
  ``NRTD_JOB_HEARTBEAT_SECONDS`` from a thread of its own, on a connection of its own (the job's
  own transaction is invisible until it commits).
- ``job_fail`` writes a job's final "failed" with its reason; when the job's connection died
  (PostgreSQL restarted, the backend terminated), on a fresh one.
- ``stale_jobs_fail`` (Celery beat, every minute) fails a running job whose heartbeat stopped for
  ``NRTD_JOB_STALE_SECONDS`` (its worker was killed, or lost its database for good), and a
  waiting job older than ``NRTD_JOB_WAITING_LIMIT_SECONDS`` (its message was lost), each with a
  reason the person understands; the job's page offers to start it again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tenants.models import State
from tenants.scoping import cross_state_access, state_context

logger = logging.getLogger("nrtd.jobs")

PENDING, RUNNING, SUCCEEDED, FAILED = "pending", "running", "succeeded", "failed"
OPEN = (PENDING, RUNNING)


def job_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in settings.NRTD_JOB_MODELS]


def job_language(job: models.Model) -> str:
    return getattr(job, "job_language", None) or settings.LANGUAGE_CODE


@contextmanager
def job_heartbeat(model: type[models.Model], state: State, job_id: int) -> Iterator[None]:
    """Write the job's ``heartbeat_at`` now and every NRTD_JOB_HEARTBEAT_SECONDS while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while True:
                try:
                    with state_context(state):
                        model.objects.filter(pk=job_id, status__in=OPEN).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("heartbeat of %s %s not written", model.__name__, job_id, exc_info=True)
                    connections[DEFAULT_DB_ALIAS].close()
                if stop.wait(settings.NRTD_JOB_HEARTBEAT_SECONDS):
                    return
        finally:
            connections.close_all()  # this thread's own

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _connection_fresh() -> None:
    """Drop the default connection if it died (or sits in a failed transaction outside any
    atomic block), so the next query opens a new one."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        return  # the caller's transaction: not ours to drop
    if connection.connection is not None and not connection.is_usable():
        connection.close()


def job_fail(model: type[models.Model], state: State, job_id: int, failure: str, *, only_open: bool = False, **fields):
    """Mark the job failed with ``failure`` (on a fresh connection if the job's died); the job as it now is.

    ``only_open``: leave alone a job that finished meanwhile."""
    values = {"status": FAILED, "failure": failure, "finished_at": timezone.now(), **fields}
    for attempt in (1, 2):
        _connection_fresh()
        try:
            with state_context(state):
                rows = model.objects.filter(pk=job_id)
                if only_open:
                    rows = rows.filter(status__in=OPEN)
                rows.update(**values)
                return model.objects.get(pk=job_id)
        except DatabaseError:
            if attempt == 2 or connections[DEFAULT_DB_ALIAS].in_atomic_block:
                raise
            logger.warning("%s %s: marking it failed again on a new connection", model.__name__, job_id)
            connections[DEFAULT_DB_ALIAS].close()
    raise AssertionError("unreachable")


def job_failure_text(error: BaseException) -> str:
    """What the person reads when a job stopped on an error nobody foresaw (in the active language)."""
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
    return _("The job stopped on an error, and nothing was saved: %(reason)s. Start it again.") % {"reason": reason}


def queue_failure_text() -> str:
    return _(
        "The job could not be queued: the service that runs jobs is not answering. Nothing was done; "
        "start it again in a few minutes."
    )


def stale_jobs_fail() -> int:
    """Fail every job whose worker is gone (running, no heartbeat for NRTD_JOB_STALE_SECONDS) or
    that never started (waiting for NRTD_JOB_WAITING_LIMIT_SECONDS); the number failed."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.NRTD_JOB_STALE_SECONDS)
    waiting_before = now - timedelta(seconds=settings.NRTD_JOB_WAITING_LIMIT_SECONDS)
    failed = 0
    for model in job_models():
        with cross_state_access():
            stale = list(
                model.objects.alias(last=Coalesce("heartbeat_at", "started_at", "created_at"))
                .filter(Q(status=RUNNING, last__lt=stale_before) | Q(status=PENDING, created_at__lt=waiting_before))
                .select_related("state")
            )
        for job in stale:
            with translation.override(job_language(job)):
                if job.status == RUNNING:
                    failure = _(
                        "The job stopped: the worker running it stopped answering (restarted, or lost "
                        "its database). Nothing was saved. Start it again."
                    )
                else:
                    failure = _("The job never started: it was lost while waiting. Nothing was done. Start it again.")
            with state_context(job.state):
                # Only if it is still as it was seen: a heartbeat just written keeps it running.
                rows = model.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at)
                done = rows.update(status=FAILED, failure=failure, finished_at=now)
            if done:
                failed += 1
                logger.warning(
                    "%s %s of State %s failed as stale (%s)", model.__name__, job.pk, job.state_id, job.status
                )
    return failed

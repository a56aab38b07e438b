"""No job stays "Waiting" or "Running" for ever: its database connection terminated under it, its
worker killed whole, its broker down when it was queued."""

from __future__ import annotations

import os
import signal
import time

import psycopg
import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from imports.models import ImportJob
from imports.runs import progress_key
from imports.services import import_job_restart
from recommendations.models import Recommendation
from tenants.heartbeat import stale_jobs_fail
from tenants.scoping import state_context
from tests.fault_helpers import database_url, wait_for, worker_process, worker_stop
from tests.faults.test_broker_lost import RECORDS, job_status, upload

pytestmark = pytest.mark.broker


def nothing_imported(state) -> bool:
    with state_context(state):
        found = Recommendation.objects.filter(import_key__startswith="uhri:").exists()
    connections.close_all()
    return not found


def progress_at_least(private_redis, job, count):
    from django.core.cache.backends.redis import RedisCache

    progress = RedisCache(private_redis.url, {})
    return lambda: (progress.get(progress_key(job.pk)) or 0) >= count


def test_database_connection_terminated_during_an_import(committed, private_redis, private_queue, tmp_path):
    state = committed.a.state
    media, log = tmp_path / "media", tmp_path / "worker.log"
    worker = worker_process(queue=private_queue, redis_url=private_redis.url, media=media, log=log)
    try:
        job = upload(committed, tmp_path, media, "first.json", RECORDS)
        wait_for(progress_at_least(private_redis, job, 1000), 90, "the first batch")
        # The import's backend: the one whose transaction has written (the heartbeat's are short),
        # terminated over a connection of the worker's own role, whose backend it is.
        with psycopg.connect(database_url(), autocommit=True) as admin:
            terminated = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            ).fetchall()
        assert terminated == [(True,)]
        wait_for(lambda: job_status(state, job) == ImportJob.Status.FAILED, 60, "the job to fail", every=0.5)
        assert "connection to the database was lost" in job.failure, job.failure
        assert nothing_imported(state)
        assert worker.poll() is None, log.read_text()

        # The page's "Start again": the same file, a new job, imported whole.
        with override_settings(MEDIA_ROOT=str(media)), state_context(state):
            again = import_job_restart(job=job, user=committed.a.people["secretariat"])
        connections.close_all()
        wait_for(lambda: job_status(state, again) == ImportJob.Status.SUCCEEDED, 120, "the new job", every=0.5)
        assert again.created == RECORDS
    finally:
        worker_stop(worker)


def test_a_worker_killed_whole_has_its_job_failed_by_the_sweep(
    committed, private_redis, private_queue, tmp_path, settings
):
    state = committed.a.state
    media, log = tmp_path / "media", tmp_path / "worker.log"
    settings.NRTD_JOB_STALE_SECONDS = 2
    worker = worker_process(
        queue=private_queue, redis_url=private_redis.url, media=media, log=log,
        extra_env={"NRTD_JOB_HEARTBEAT_SECONDS": "0.25"},
    )  # fmt: skip
    try:
        # Long enough to be still running after the threshold has passed once.
        job = upload(committed, tmp_path, media, "first.json", 2 * RECORDS)
        wait_for(progress_at_least(private_redis, job, 1000), 90, "the first batch")
        # Alive: its heartbeat keeps it running through a sweep longer than the threshold.
        time.sleep(settings.NRTD_JOB_STALE_SECONDS + 0.5)
        assert stale_jobs_fail() == 0
        assert job_status(state, job) == ImportJob.Status.RUNNING
        assert job.heartbeat_at > timezone.now() - timezone.timedelta(seconds=settings.NRTD_JOB_STALE_SECONDS)

        os.killpg(worker.pid, signal.SIGKILL)  # the main process and its child, at once
        worker.wait()
        killed_at = time.monotonic()
        # Within the threshold and a sweep, not the broker's hour (wait_for gives up after 30 s).
        wait_for(lambda: stale_jobs_fail() == 1, 30, "the sweep to fail the job", every=0.5)
        took = time.monotonic() - killed_at
        print(f"job failed {took:.1f} s after its worker was killed (threshold {settings.NRTD_JOB_STALE_SECONDS} s)")
        assert job_status(state, job) == ImportJob.Status.FAILED
        assert "the worker running it stopped answering" in job.failure, job.failure
        assert nothing_imported(state)
    finally:
        worker_stop(worker)
        connections.close_all()


def test_an_upload_while_the_broker_is_down_fails_its_job_with_the_reason(
    committed, private_redis, private_queue, tmp_path
):
    state = committed.a.state
    private_redis.kill()
    job = upload(committed, tmp_path, tmp_path / "media", "first.json", 10)
    assert job_status(state, job) == ImportJob.Status.FAILED
    assert "could not be queued" in job.failure, job.failure

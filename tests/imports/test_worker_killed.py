"""A worker killed in the middle of an import: nothing half-written, and the job runs again.

A real Celery worker process (prefork, one child) takes the job from Redis; the test kills the
child with SIGKILL once the import has written its first batch inside its transaction. The
transaction dies with the process, the broker gives the job back (late acknowledgement,
``task_reject_on_worker_lost``), a new child runs it from the start, and the State ends up with
each recommendation exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import override_settings

from imports.models import ImportJob
from imports.runs import progress_key
from imports.services import import_job_start
from recommendations.models import Recommendation
from tenants.models import HistoryEntry
from tenants.scoping import state_context
from tests.fault_helpers import database_url
from tests.imports.test_jobs import uhri_record

pytestmark = pytest.mark.broker
RECORDS = 20_000


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_leaves_nothing_half_written_and_the_job_runs_again(
    committed, redis_service, celery_queue, tmp_path
):
    state = committed.a.state
    queue = celery_queue
    media = tmp_path / "media"
    records = [uhri_record(n, Countries=["Alphaland"], AnnotationId=str(uuid.UUID(int=n))) for n in range(RECORDS)]
    upload = tmp_path / "alphaland.json"
    upload.write_text(json.dumps(records))

    env = {
        **os.environ,
        "NRTD_MODE": "development",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_service.redis_url,
        "REDIS_URL": redis_service.redis_url,
        "MEDIA_ROOT": str(media),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "nrtd", "worker", "--pool=prefork", "--concurrency=1",
         "--queues", queue, "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    progress = RedisCache(redis_service.redis_url, {})
    try:
        # The upload, as the workspace does it; the job goes to the worker's queue.
        with override_settings(MEDIA_ROOT=str(media)), state_context(state):
            job = import_job_start(
                state=state,
                user=committed.a.people["secretariat"],
                upload=SimpleUploadedFile(upload.name, upload.read_bytes()),
                format="auto",
                options={},
                dry_run=False,
            )

        # First batch written inside the import's transaction: kill the child that runs it.
        wait_for(lambda: (progress.get(progress_key(job.pk)) or 0) >= 1000, 60, "the first batch")
        children = wait_for(lambda: children_of(worker.pid), 5, "the worker's child")
        for child in children:
            os.kill(child, signal.SIGKILL)
        with state_context(state):
            assert not Recommendation.objects.filter(import_key__startswith="uhri:").exists()

        def finished():
            with state_context(state):
                job.refresh_from_db()
            connections.close_all()
            return job.status == ImportJob.Status.SUCCEEDED

        wait_for(finished, 120, "the job to run again and finish")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log = worker.stderr.read().decode(errors="replace")
        if "job" in locals():
            progress.delete(progress_key(job.pk))
        connections.close_all()
    # The worker saw its child die under the job (not a job that finished before the kill).
    assert "WorkerLostError" in log or "signal 9" in log, log

    with state_context(state):
        imported = Recommendation.objects.filter(import_key__startswith="uhri:")
        assert (job.created, job.updated, job.rejected) == (RECORDS, 0, 0)
        assert imported.count() == RECORDS
        ids = list(imported.values_list("pk", flat=True))
        # History holds the second run's inserts only: the first run's died with its transaction.
        assert (
            HistoryEntry.objects.filter(
                table_name="recommendations_recommendation", row_id__in=[str(pk) for pk in ids]
            ).count()
            == RECORDS
        )
    connections.close_all()

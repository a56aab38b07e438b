"""Redis killed under a running import: the worker survives, the job ends, the next job runs."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import override_settings

from imports.models import ImportJob
from imports.runs import progress_key
from imports.services import import_job_start
from tenants.scoping import state_context
from tests.fault_helpers import wait_for, worker_process, worker_stop
from tests.imports.test_jobs import uhri_record

pytestmark = pytest.mark.broker
RECORDS = 20_000


def job_status(state, job):
    with state_context(state):
        job.refresh_from_db()
    connections.close_all()
    return job.status


def upload(committed, tmp_path, media, name, count):
    state = committed.a.state
    records = [uhri_record(n, Countries=["Alphaland"], AnnotationId=str(uuid.UUID(int=n))) for n in range(count)]
    with override_settings(MEDIA_ROOT=str(media)), state_context(state):
        job = import_job_start(
            state=state,
            user=committed.a.people["secretariat"],
            upload=SimpleUploadedFile(name, json.dumps(records).encode()),
            format="auto",
            options={},
            dry_run=False,
        )
    connections.close_all()
    return job


def test_redis_killed_during_an_import_the_worker_survives(
    committed, private_redis, private_queue, tmp_path, client, settings
):
    state = committed.a.state
    media = tmp_path / "media"
    log = tmp_path / "worker.log"
    settings.NRTD_WORKER_HEARTBEAT_SECONDS = 1
    # As docker-compose runs it: four children, heartbeat, gossip and mingle.
    worker = worker_process(
        queue=private_queue, redis_url=private_redis.url, media=media, log=log, concurrency=4,
        extra_env={"NRTD_WORKER_HEARTBEAT_SECONDS": "1"},
    )  # fmt: skip
    caches = {"default": {"BACKEND": "nrtd.cache.ResilientRedisCache", "LOCATION": private_redis.url}}
    try:
        # Long enough to run on after the reconnection (a few seconds), whatever the machine's load.
        job = upload(committed, tmp_path, media, "first.json", 2 * RECORDS)
        progress = RedisCache(private_redis.url, {})
        wait_for(lambda: (progress.get(progress_key(job.pk)) or 0) >= 1000, 90, "the first batch")
        # Gone for a few seconds: the worker reconnects while the job still runs, and the job
        # acknowledges its message after the restart (Celery 5.7.0 stopped here, nrtd.celery_worker).
        private_redis.kill()
        time.sleep(3)
        private_redis.start()
        wait_for(
            lambda: job_status(state, job) in {ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED},
            120, "the first job to end", every=0.5,
        )  # fmt: skip
        assert worker.poll() is None, log.read_text()
        second = upload(committed, tmp_path, media, "second.json", 10)
        wait_for(lambda: job_status(state, second) == ImportJob.Status.SUCCEEDED, 120, "the second job", every=0.5)
        assert worker.poll() is None, log.read_text()
        # Its heartbeat, on /readyz: there while it runs, missed once it stopped.
        with override_settings(CACHES=caches):
            assert client.get("/readyz").json() == {"status": "ok"}
            worker_stop(worker)
            wait_for(lambda: "worker" in client.get("/readyz").json().get("failing", {}), 10, "the heartbeat missed")
    finally:
        worker_stop(worker)
    text = log.read_text()
    assert "Unrecoverable error" not in text, text
    assert "Connection to broker lost" in text  # the outage was seen, with the job running

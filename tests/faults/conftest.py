"""Fault tests: private Redis servers killed, frozen and started again; real worker processes."""

from __future__ import annotations

import uuid

import pytest

from nrtd.celery import app
from tests.celery_helpers import celery_forget_connections
from tests.fault_helpers import PrivateRedis

pytestmark = pytest.mark.broker


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_queue(private_redis):
    """Jobs the code queues go to the private Redis, on a queue of this test's own."""
    name = f"nrtd-fault-{uuid.uuid4().hex[:8]}"
    keys = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=private_redis.url, result_backend=None, task_always_eager=False, task_default_queue=name)
    celery_forget_connections()
    yield name
    app.conf.update(saved)
    celery_forget_connections()

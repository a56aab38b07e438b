"""A real Celery worker for the tests that are about the broker (see the ``celery_queue`` fixture)."""

from contextlib import contextmanager

from django.db import connections


def celery_forget_connections() -> None:
    """Make the Celery app connect, and route, anew after its settings change.

    The app caches its connection pools, its result backend and its router (with the default
    queue) at first use, so a changed ``task_default_queue`` is ignored until they are dropped.
    """
    from nrtd.celery import app

    app._pool = None
    app.__dict__.pop("amqp", None)
    app._local.__dict__.pop("backend", None)


@contextmanager
def celery_worker(queue: str):
    """A real Celery worker (a thread of this process, solo pool) consuming ``queue``.

    It opens its own database connections; they are closed after each task, in the worker's
    thread, so the test database can be dropped at the end of the session.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from nrtd.celery import app

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"):
            yield
    finally:
        task_postrun.disconnect(close_connections)

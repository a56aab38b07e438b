"""The Celery worker's consumer, mended, and the worker's heartbeat.

**The consumer.** Celery 5.7.0 (with kombu 5.7.0) exits for good when Redis goes away while a
job runs: on losing the broker, ``Consumer.on_connection_error_after_connected`` first
``collect()``-s the connection (which drops the transport's ``client``, kombu
``Connection._do_close_transport``) and then, new in 5.7.0, ``close()``-s it. Closing closes the
channels; a channel holding an unacknowledged message (late acknowledgement: the running job's)
restores it, and the Redis transport builds a client from ``connection.client.hostname`` — None
now: ``AttributeError: 'NoneType' object has no attribute 'hostname'``. ``ignore_errors`` only
ignores connection errors, so the error leaves the consumer: "Unrecoverable error", the worker
stops. (5.6.3 did the ``collect()`` only.) The message is not lost without the restore: it stays
in the transport's unacked set and comes back after the visibility timeout, or the job ends on
its own and acknowledges it.

The same dropped client fails the running job's acknowledgement when the job ends after the
restart (``Message.ack`` on the old channel: the same AttributeError, in the event loop: the worker
stops too). ``Consumer`` below gives the transport its client back after ``collect()`` (the old
channels then reach Redis when it is back, or fail with a connection error, which Celery ignores)
and makes the close tolerate an AttributeError all the same; nothing else changes, and Celery's
restart (reconnecting for ever, ``broker_connection_max_retries=None``) goes on as usual. Remove
it once Celery fixes its restart path (tests/faults/test_broker_lost.py tells).

**The heartbeat.** Each worker writes ``WORKER_HEARTBEAT_KEY`` to the shared cache every
``NRTD_WORKER_HEARTBEAT_SECONDS``: its name and the time. ``/readyz`` reads it (a worker that
stopped, or none started, shows there).
"""

from __future__ import annotations

import logging
import socket
import time

from celery import bootsteps
from celery.worker.consumer import Consumer as CeleryConsumer
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("nrtd.celery")

WORKER_HEARTBEAT_KEY = "nrtd:worker-heartbeat"


class Consumer(CeleryConsumer):
    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        transport = getattr(connection, "_transport", None)
        if transport is not None:
            client = transport.client
            collect, close = connection.collect, connection.close

            def collect_keeping_client(*args, **kwargs):
                # The old channels keep a way to Redis: the running job's late acknowledgement,
                # and the restore at close, reach Redis when it is back (or fail with a
                # connection error, which Celery ignores) instead of an AttributeError.
                try:
                    return collect(*args, **kwargs)
                finally:
                    transport.client = client

            def close_tolerantly():
                try:
                    close()
                except AttributeError:  # as above, should a channel have lost its way all the same
                    logger.warning("broker connection lost; its unacknowledged messages come back later")

            connection.collect = collect_keeping_client
            connection.close = close_tolerantly
        return super().on_connection_error_after_connected(exc)


def worker_heartbeat(hostname: str) -> None:
    """Say this worker is alive (its name and the time), for /readyz. Never fails the worker."""
    try:
        cache.set(WORKER_HEARTBEAT_KEY, {"worker": hostname, "at": time.time()}, timeout=24 * 3600)
    except Exception:  # the cache may be down: the next beat tries again
        logger.warning("worker heartbeat not written", exc_info=True)


class HeartbeatStep(bootsteps.StartStopStep):
    """Writes the worker's heartbeat at start, then every NRTD_WORKER_HEARTBEAT_SECONDS."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.entry = None

    def start(self, worker):
        name = getattr(worker, "hostname", None) or socket.gethostname()
        worker_heartbeat(name)
        self.entry = worker.timer.call_repeatedly(settings.NRTD_WORKER_HEARTBEAT_SECONDS, worker_heartbeat, (name,))

    def stop(self, worker):
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None

"""Celery tasks that work inside one State.

A task takes ids, never model instances; ``state_task`` looks the State up, refuses to run
without one (fail closed), and runs the body inside ``state_context``. ``enqueue`` queues a task
only once the current transaction commits, so a worker never looks for rows that are not there
yet (or never will be, after a rollback).
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from typing import Any

import pghistory
from celery import Task
from django.db import transaction
from django.db.models import Model
from django.utils import translation
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from nrtd.celery import app
from tenants.heartbeat import OPEN, job_fail, job_failure_text, job_heartbeat, job_language, queue_failure_text
from tenants.models import State
from tenants.scoping import state_context

logger = logging.getLogger("nrtd.jobs")


class StateRequired(Exception):
    """A State-bound task was started without a usable State."""


def state_task(
    *task_args: Any, atomic: bool = True, job_model: type[Model] | None = None, **task_kwargs: Any
) -> Callable:
    """Declare a Celery task whose first argument is a State id.

    The decorated function receives the ``State`` as its first argument. With ``atomic=True``
    (the default) the whole body runs in one ``state_context``; with ``atomic=False`` it runs
    unscoped and must open ``state_context(state)`` itself around each unit of work (long jobs
    that commit progress as they go).

    ``job_model``: the task runs the job row whose id is its second argument (tenants.heartbeat):
    a job already finished or failed is not run again (a message delivered twice, or after the
    stale-job sweep failed it); while it runs, its heartbeat is written; an error the body did
    not handle marks it failed with the reason (on a fresh connection if the old one died).
    """

    def decorator(func: Callable) -> Task:
        @functools.wraps(func)
        def run(state_id: int | None, *args: Any, **kwargs: Any) -> Any:
            if state_id is None:
                raise StateRequired(f"{func.__name__} needs a State id")
            state = State.objects.filter(pk=state_id).first()
            if state is None or not state.is_active:
                raise StateRequired(f"{func.__name__}: State {state_id} does not exist or is not active")
            # History of what the task changes names the task, as a request's names the person.
            with pghistory.context(task=func.__name__):
                if job_model is not None:
                    return _job_run(job_model, func, state, *args, **kwargs)
                if not atomic:
                    return func(state, *args, **kwargs)
                with state_context(state):
                    return func(state, *args, **kwargs)

        return app.task(*task_args, **task_kwargs)(run)

    return decorator


def _job_run(model: type[Model], func: Callable, state: State, job_id: int, *args: Any, **kwargs: Any) -> Any:
    with state_context(state):
        job = model.objects.filter(pk=job_id).first()
    if job is None or job.status not in OPEN:
        logger.warning("%s %s is not waiting nor running (%s): not run", model.__name__, job_id, job and job.status)
        return job.status if job is not None else ""
    try:
        with job_heartbeat(model, state, job_id):
            return func(state, job_id, *args, **kwargs)
    except Exception as error:
        logger.exception("%s %s of State %s stopped on an error", model.__name__, job_id, state.pk)
        with translation.override(job_language(job)):
            failure = job_failure_text(error)
        job_fail(model, state, job_id, failure, only_open=True)
        raise


def enqueue(task: Task | str, state: State, *args: Any, job: Model | None = None, **kwargs: Any) -> None:
    """Queue ``task`` (a task, or its name) for ``state`` after the current transaction commits.

    Each app queues its tasks from one module (``<app>/jobs.py``), by name: the tasks module
    imports the services that queue, so the services cannot import it.

    A broker that cannot be reached (down, frozen: the publish gives up within
    NRTD_BROKER_TIMEOUT seconds) does not fail the request that queued: the error is logged and
    ``job``, the row the task would run, is marked failed with a reason its page shows (no job
    left "Waiting" for a message that was never sent).
    """
    state_id = state.pk
    job_ref = (type(job), job.pk) if job is not None else None

    def publish() -> None:
        named = task_named(task)
        if app.conf.task_always_eager:
            named.delay(state_id, *args, **kwargs)  # runs here: its errors are the caller's
            return
        try:
            named.delay(state_id, *args, **kwargs)
        except (KombuOperationalError, RedisError, OSError) as error:
            logger.error("could not queue %s for State %s: %r", named.name, state_id, error)
            if job_ref is not None:
                model, job_id = job_ref
                with state_context(state):
                    row = model.objects.filter(pk=job_id).first()
                with translation.override(job_language(row) if row else None):
                    failure = queue_failure_text()
                job_fail(model, state, job_id, failure, only_open=True)

    transaction.on_commit(publish)


def task_named(task: Task | str) -> Task:
    """The task itself, given its name (``app.tasks.function``): its module is imported first,
    since a web process has not necessarily loaded every tasks module yet."""
    if not isinstance(task, str):
        return task
    importlib.import_module(task.rpartition(".")[0])
    return app.tasks[task]

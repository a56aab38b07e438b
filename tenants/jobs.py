"""Celery tasks that work inside one State.

A task takes ids, never model instances; ``state_task`` looks the State up, refuses to run
without one (fail closed), and runs the body inside ``state_context``. ``enqueue`` queues a task
only once the current transaction commits, so a worker never looks for rows that are not there
yet (or never will be, after a rollback).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import pghistory
from celery import Task
from django.db import transaction

from nrtd.celery import app
from tenants.models import State
from tenants.scoping import state_context


class StateRequired(Exception):
    """A State-bound task was started without a usable State."""


def state_task(*task_args: Any, atomic: bool = True, **task_kwargs: Any) -> Callable:
    """Declare a Celery task whose first argument is a State id.

    The decorated function receives the ``State`` as its first argument. With ``atomic=True``
    (the default) the whole body runs in one ``state_context``; with ``atomic=False`` it runs
    unscoped and must open ``state_context(state)`` itself around each unit of work (long jobs
    that commit progress as they go).
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
                if not atomic:
                    return func(state, *args, **kwargs)
                with state_context(state):
                    return func(state, *args, **kwargs)

        return app.task(*task_args, **task_kwargs)(run)

    return decorator


def enqueue(task: Task | str, state: State, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` (a task, or its name) for ``state`` after the current transaction commits.

    Each app queues its tasks from one module (``<app>/jobs.py``), by name: the tasks module
    imports the services that queue, so the services cannot import it.
    """
    state_id = state.pk
    transaction.on_commit(lambda: task_named(task).delay(state_id, *args, **kwargs))


def task_named(task: Task | str) -> Task:
    """The task itself, given its name (``app.tasks.function``): its module is imported first,
    since a web process has not necessarily loaded every tasks module yet."""
    if not isinstance(task, str):
        return task
    importlib.import_module(task.rpartition(".")[0])
    return app.tasks[task]

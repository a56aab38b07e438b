"""The one module that queues the recommendations app's Celery jobs (recommendations.tasks)."""

from __future__ import annotations

from tenants.jobs import enqueue
from tenants.models import State


def related_suggest_queue(state: State) -> None:
    """Look again for groups of related recommendations in the State, after the transaction commits."""
    enqueue("recommendations.tasks.related_suggest_task", state)

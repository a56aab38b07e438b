"""The one module that queues the follow-up app's Celery jobs (followup.tasks)."""

from __future__ import annotations

from tenants.jobs import enqueue
from tenants.models import State


def notifications_send_queue(state: State, notification_ids: list[int]) -> None:
    """E-mail the notifications just written, once their transaction commits."""
    enqueue("followup.tasks.send_notifications_task", state, notification_ids)

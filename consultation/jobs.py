"""The one module that queues the consultation app's Celery jobs (consultation.tasks)."""

from __future__ import annotations

from consultation.models import MessagePost
from tenants.jobs import enqueue


def post_deliver_queue(post: MessagePost) -> None:
    """Deliver a message or a reply to everyone concerned (one job for all), once it commits."""
    enqueue("consultation.tasks.post_deliver_task", post.state, post.pk)

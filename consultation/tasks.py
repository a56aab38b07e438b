"""Background jobs of the consultation app (thin: they call services). Queued by consultation.jobs."""

from consultation.network import post_deliver
from tenants.jobs import state_task


@state_task()
def post_deliver_task(state, post_id: int) -> int:
    """Record who receives a message or a reply, notify them and send every e-mail: one job."""
    return post_deliver(state=state, post_id=post_id)

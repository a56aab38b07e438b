"""Background jobs of the follow-up app (thin: they call services). Queued by followup.jobs and Celery beat."""

import pghistory

from followup.notify import send_notifications
from followup.reminders import reminders_run
from nrtd.celery import app
from tenants.jobs import state_task


@state_task()
def send_notifications_task(state, notification_ids: list[int]) -> int:
    """E-mail the notifications just written (queued after their transaction commits)."""
    return send_notifications(state, notification_ids)


@app.task(name="followup.tasks.reminders_task")
def reminders_task() -> dict:
    """Deadline reminders and the overdue digest of every active State (Celery beat, hourly).

    Not bound to one State: ``followup.reminders.reminders_run`` finds the States with open
    rounds and works in each one's context in turn. Sending twice is harmless (each message is
    logged once), so beat may run it as often as it likes.
    """
    with pghistory.context(task="reminders_task"):
        return reminders_run().as_dict()

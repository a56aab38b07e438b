"""Background jobs of the tenants app: the stale-job sweep (Celery beat, every minute)."""

import pghistory

from nrtd.celery import app
from tenants.heartbeat import stale_jobs_fail


@app.task(name="tenants.tasks.stale_jobs_task")
def stale_jobs_task() -> int:
    """Fail the jobs whose worker is gone, or that never started (tenants.heartbeat)."""
    with pghistory.context(task="stale_jobs_task"):
        return stale_jobs_fail()

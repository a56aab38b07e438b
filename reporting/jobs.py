"""The one module that queues the reporting app's Celery jobs (reporting.tasks)."""

from __future__ import annotations

from reporting.models import ReportDraft
from tenants.jobs import enqueue


def report_draft_queue(draft: ReportDraft) -> None:
    """Assemble a recorded report draft, once its transaction commits."""
    enqueue("reporting.tasks.report_draft_task", draft.state, draft.pk, job=draft)

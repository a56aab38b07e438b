"""Background jobs of the reporting app (thin: they call services). Queued by reporting.jobs."""

from reporting.drafts import draft_run
from reporting.models import ReportDraft
from tenants.jobs import state_task


@state_task(atomic=False, job_model=ReportDraft)
def report_draft_task(state, draft_id: int) -> str:
    """Assemble a report draft, committing its progress as it goes (reporting.drafts)."""
    draft = draft_run(state=state, draft_id=draft_id)
    return draft.status if draft is not None else ""

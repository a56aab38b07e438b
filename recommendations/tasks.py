"""Background jobs of the recommendations app (thin: they call services). Queued by recommendations.jobs."""

from recommendations.suggestions import related_suggestions_refresh
from tenants.jobs import state_task


@state_task()
def related_suggest_task(state) -> int:
    """Look for groups of related recommendations in the State's data; returns how many are open."""
    return related_suggestions_refresh(state=state)

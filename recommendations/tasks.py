"""Background jobs of the recommendations app (thin: they call services). Queued by recommendations.jobs."""

from recommendations.suggestions import related_suggestions_refresh
from tenants.jobs import state_task


@state_task(atomic=False)
def related_suggest_task(state) -> int:
    """Look for groups of related recommendations in the State's data; returns how many are open.

    Not one transaction: the service reads and writes in short ones and computes with none open.
    """
    return related_suggestions_refresh(state=state)

"""Named questions about reporting data."""

from __future__ import annotations

from django.db.models import QuerySet

from followup.queries import my_entity_ids
from reporting.models import PackReturn
from tenants.models import State, User
from tenants.rules import is_curator, is_focal_point


def pack_returns_visible_to(user: User, state: State) -> QuerySet[PackReturn]:
    """The packs brought back the person may open: every one for the secretariat, those of their
    own entities for a focal point, none for anyone else."""
    returns = PackReturn.objects.select_related("entity", "request", "uploaded_by")
    if is_curator(user, state):
        return returns
    if is_focal_point(user, state):
        return returns.filter(entity_id__in=my_entity_ids(user, state))
    return returns.none()

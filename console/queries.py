"""Cross-State figures for the hosting office: aggregates only, never a State's row."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from imports.models import ImportJob
from recommendations.models import Entity, Mechanism, Position, Recommendation
from tenants.models import HistoryEntry, Membership, Role, State
from tenants.scoping import cross_state_access


def state_figures() -> dict[int, dict]:
    """Per State, for the platform console: recommendations, members, entities, last change.

    Aggregates only (no row of any State is read into the console), four queries whatever the
    number of States.
    """
    figures: dict[int, dict] = {}

    def put(key: str, rows) -> None:
        for state_id, value in rows:
            figures.setdefault(state_id, {})[key] = value

    with cross_state_access():
        put(
            "recommendations",
            Recommendation.objects.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n"),
        )
        put("members", Membership.objects.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n"))
        put("entities", Entity.objects.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n"))
        put(
            "last_change",
            HistoryEntry.objects.order_by()
            .values("state")
            .annotate(last=Max("changed_at"))
            .values_list("state", "last"),
        )
    return figures


def platform_statistics() -> dict:
    """Cross-State figures for the hosting office: sums over every State, never a State's row.

    States by status, recommendations by mechanism kind and by position, imports per month
    (confirmed imports and previews), and members by role. Five queries whatever the number of
    States; no State is named or listed.
    """

    def counted(queryset, field: str) -> dict:
        return dict(queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))

    with cross_state_access():
        states = counted(State.objects.all(), "status")
        kinds = counted(Recommendation.objects.all(), "mechanism__kind")
        positions = counted(Recommendation.objects.all(), "position")
        roles = counted(Membership.objects.all(), "role")
        months = list(
            ImportJob.objects.order_by()
            .annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(imports=Count("pk", filter=Q(dry_run=False)), previews=Count("pk", filter=Q(dry_run=True)))
            .order_by("month")
            .values_list("month", "imports", "previews")
        )
    return {
        "states": [(label, states.get(value, 0)) for value, label in State.Status.choices],
        "states_total": sum(states.values()),
        "by_kind": [(label, kinds.get(value, 0)) for value, label in Mechanism.Kind.choices],
        "by_position": [
            *((label, positions.get(value, 0)) for value, label in Position.choices),
            (_("No position"), sum(n for value, n in positions.items() if not value)),
        ],
        "recommendations_total": sum(positions.values()),
        "imports_by_month": months,
        "members_by_role": [(label, roles.get(value, 0)) for value, label in Role.choices],
        "members_total": sum(roles.values()),
    }

"""Named questions about States and memberships."""

from __future__ import annotations

from django.db.models import QuerySet
from django_scopes import get_scope

from tenants.models import Membership, State, User
from tenants.scoping import cross_state_access, state_context


def states_with_portal() -> QuerySet[State]:
    return State.objects.filter(status=State.Status.ACTIVE, portal_enabled=True).order_by("name")


def membership_for(user: User, state: State) -> Membership | None:
    """The user's membership in ``state``, or None; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_nrtd_memberships", {})
    if state.pk not in cache:
        current = get_scope()
        if current.get("_enabled") and getattr(current.get("state"), "pk", None) == state.pk:
            cache[state.pk] = Membership.objects.filter(user=user).first()
        else:
            with state_context(state):
                cache[state.pk] = Membership.objects.filter(user=user).first()
    return cache[state.pk]


def memberships_of(user: User) -> list[Membership]:
    """Every active State the user belongs to, for their own list of workspaces."""
    if not user.is_authenticated:
        return []
    with cross_state_access():
        return list(
            Membership.objects.filter(user=user, state__status=State.Status.ACTIVE)
            .select_related("state")
            .order_by("state__name")
        )


def state_figures() -> dict[int, dict]:
    """Per State, for the platform console: recommendations, members, entities, last change.

    Aggregates only (no row of any State is read into the console), four queries whatever the
    number of States.
    """
    from django.db.models import Count, Max

    from recommendations.models import Entity, Recommendation
    from tenants.models import HistoryEntry

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

"""Named questions about States and memberships."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import get_scope

from tenants.models import Membership, Role, State, SupportSession, User
from tenants.scoping import cross_state_access, state_context


def states_with_portal() -> QuerySet[State]:
    return State.objects.filter(status=State.Status.ACTIVE, portal_enabled=True).order_by("name")


def membership_for(user: User, state: State) -> Membership | None:
    """The user's membership in ``state``, or None; cached on the user object for the request.

    A platform administrator with an active support session in ``state`` (and no membership of
    their own there) gets an observer's membership, never saved, whose ``support_session`` names
    the session: read-only, as an observer, never a curator (docs/platform.md).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_nrtd_memberships", {})
    if state.pk not in cache:
        current = get_scope()
        if current.get("_enabled") and getattr(current.get("state"), "pk", None) == state.pk:
            cache[state.pk] = _membership_or_support(user, state)
        else:
            with state_context(state):
                cache[state.pk] = _membership_or_support(user, state)
    return cache[state.pk]


def _membership_or_support(user: User, state: State) -> Membership | None:
    membership = Membership.objects.filter(user=user).first()
    if membership is None and user.is_platform_admin:
        session = active_support_sessions(user).order_by("-started_at").first()
        if session is not None:
            membership = Membership(state=state, user=user, role=Role.OBSERVER)
            membership.support_session = session
    return membership


def support_session_of(membership: Membership | None) -> SupportSession | None:
    """The support session a membership stands for (None for a real membership)."""
    return getattr(membership, "support_session", None)


def active_support_sessions(user: User) -> QuerySet[SupportSession]:
    """The user's support sessions neither ended nor expired (in the State scope in force)."""
    since = timezone.now() - settings.SUPPORT_SESSION_LENGTH
    return SupportSession.objects.filter(user=user, ended_at__isnull=True, started_at__gt=since)


def support_session_for(user: User, state: State) -> SupportSession | None:
    """The platform administrator's active support session in ``state``, or None."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_platform_admin):
        return None
    with state_context(state):
        return active_support_sessions(user).order_by("-started_at").first()


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


def platform_statistics() -> dict:
    """Cross-State figures for the hosting office: sums over every State, never a State's row.

    States by status, recommendations by mechanism kind and by position, imports per month
    (confirmed imports and previews), and members by role. Five queries whatever the number of
    States; no State is named or listed.
    """
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth

    from recommendations.models import ImportJob, Mechanism, Position, Recommendation

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

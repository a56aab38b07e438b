"""Named questions about States and memberships."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
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
    # A deactivated membership opens nothing (docs/people.md).
    membership = Membership.objects.filter(user=user, is_active=True).first()
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
            Membership.objects.filter(user=user, is_active=True, state__status=State.Status.ACTIVE)
            .select_related("state")
            .order_by("state__name")
        )


def closed_door_for(user: User, slug: str) -> tuple[State, Membership] | None:
    """Why a signed-in person who cannot enter the State at ``slug`` may be told so rather than
    answered 404: the State is suspended or archived and they are an active member of it, or the
    State is active and their membership there was deactivated. None for everyone else, who
    must learn nothing of the State."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    state = State.objects.filter(slug=slug).first()
    if state is None:
        return None
    with state_context(state):
        membership = Membership.objects.filter(user=user).first()
    if membership is None:
        return None
    if state.status != State.Status.ACTIVE and membership.is_active:
        return state, membership
    if state.status == State.Status.ACTIVE and not membership.is_active:
        return state, membership
    return None


def state_administrators(state: State) -> list[User]:
    """The State's active administrators (whom a person who lost access may write to)."""
    with state_context(state):
        return list(
            User.objects.filter(
                is_active=True,
                pk__in=Membership.objects.filter(role=Role.STATE_ADMIN, is_active=True).values("user_id"),
            ).order_by("name", "email")
        )

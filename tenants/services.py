"""Business operations on States and memberships. Each runs in one transaction."""

from __future__ import annotations

from django.db import transaction

from tenants.models import Membership, Role, State, User
from tenants.scoping import state_context


@transaction.atomic
def state_create(
    *,
    name: str,
    slug: str,
    iso3: str,
    content_languages: list[str],
    default_language: str,
    portal_enabled: bool = False,
    admin_email: str | None = None,
    admin_name: str = "",
) -> tuple[State, User | None]:
    """Create a State and, when an e-mail is given, its first administrator.

    The administrator's account is created without a usable password when new; they set one
    through the password-reset link (the platform page sends it). Returns the State and the
    administrator (or None).
    """
    state = State(
        name=name,
        slug=slug,
        iso3=iso3.upper(),
        content_languages=content_languages,
        default_language=default_language,
        portal_enabled=portal_enabled,
    )
    state.full_clean()
    state.save()
    admin = None
    if admin_email:
        admin = User.objects.filter(email__iexact=admin_email).first()
        if admin is None:
            admin = User.objects.create_user(admin_email, password=None, name=admin_name)
        membership_set(state=state, user=admin, role=Role.STATE_ADMIN)
    return state, admin


def membership_set(*, state: State, user: User, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``state`` (creating or changing their membership)."""
    with state_context(state):
        membership, _ = Membership.objects.update_or_create(state=state, user=user, defaults={"role": role})
    return membership

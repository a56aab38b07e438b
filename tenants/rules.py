"""Who may do what, declared in one place (django-rules).

Permissions take as their object the State, or an object of a State (a progress update, an import
job...): ``user.has_perm("tenants.view_workspace", state)``,
``user.has_perm("followup.change_update", update)``. The role predicates below answer for the
object's State; each app's ``rules.py`` combines them with what it knows of its objects. Views
and templates name the permission; nothing else checks roles by hand.
"""

from __future__ import annotations

import rules
from django_scopes import get_scope

from tenants.models import Role, State
from tenants.queries import membership_for


def state_of(obj) -> State | None:
    """The State an object belongs to (the object itself when it is a State)."""
    if obj is None or isinstance(obj, State):
        return obj
    state_id = getattr(obj, "state_id", None)
    if state_id is None:
        return None
    # The State the request or job is in, when the object is of it: no query.
    current = get_scope().get("state")
    if getattr(current, "pk", None) == state_id:
        return current
    return obj.state


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_platform_admin)


def has_role(*roles: str):
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user, obj) -> bool:
        state = state_of(obj)
        if state is None:
            return False
        membership = membership_for(user, state)
        return membership is not None and membership.role in roles

    return predicate


is_member = has_role(*Role.values)
is_state_admin = has_role(Role.STATE_ADMIN)
is_curator = has_role(Role.STATE_ADMIN, Role.SECRETARIAT)
is_focal_point = has_role(Role.FOCAL_POINT)
# An NHRI account reads what an observer reads (and gives its institution's assessments).
is_observer = has_role(Role.OBSERVER, Role.NHRI)
is_nhri = has_role(Role.NHRI)

rules.add_perm("tenants.view_workspace", is_member)
rules.add_perm("tenants.manage_state", is_state_admin)
rules.add_perm("tenants.view_members", is_state_admin | is_curator)
# Invite people in any role, change roles, deactivate (docs/people.md); read the State's log.
rules.add_perm("tenants.manage_people", is_state_admin)
rules.add_perm("tenants.view_state_log", is_state_admin)
rules.add_perm("tenants.access_platform", is_platform_admin)

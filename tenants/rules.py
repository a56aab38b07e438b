"""Who may do what, declared in one place (django-rules).

Object permissions take the State as their object: ``user.has_perm("tenants.view_workspace",
state)``. Views name the permission; nothing else checks roles by hand.
"""

import rules

from tenants.models import Role
from tenants.queries import membership_for


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_platform_admin)


def has_role(*roles: str):
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user, state) -> bool:
        if state is None:
            return False
        membership = membership_for(user, state)
        return membership is not None and membership.role in roles

    return predicate


is_member = has_role(*Role.values)
is_state_admin = has_role(Role.STATE_ADMIN)
is_curator = has_role(Role.STATE_ADMIN, Role.SECRETARIAT)
is_focal_point = has_role(Role.FOCAL_POINT)
is_observer = has_role(Role.OBSERVER)

rules.add_perm("tenants.view_workspace", is_member)
rules.add_perm("tenants.manage_state", is_state_admin)
rules.add_perm("tenants.view_members", is_state_admin | is_curator)
rules.add_perm("tenants.access_platform", is_platform_admin)

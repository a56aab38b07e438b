"""Permissions on reporting pages (the object is the State, or the entity a pack was sent to)."""

import rules

from followup.queries import my_entity_ids
from tenants.rules import is_curator, is_focal_point, is_member, state_of


@rules.predicate
def focal_point_of_entity(user, entity) -> bool:
    """A focal point of this entity."""
    state = state_of(entity)
    return state is not None and is_focal_point(user, state) and entity.pk in my_entity_ids(user, state)


# Report drafts (reporting.drafts): assembled, read and downloaded by the secretariat and the State
# administrators only. Focal points and observers see no draft at all, not even their own entity's
# information request pack: the secretariat sends the pack to the ministry.
rules.add_perm("reporting.draft_reports", is_curator)

# Calendar of obligations (reporting.calendar): every member of the State reads it (observers and
# focal points too) and may subscribe to its feed; the secretariat and State administrators manage it.
rules.add_perm("reporting.view_calendar", is_member)
rules.add_perm("reporting.manage_calendar", is_curator)

# Dashboard (reporting.dashboard): every member of the State, on the whole State (the figures count
# what the recommendation list and the validated updates already show every member). The overdue
# round tasks chart is the secretariat's (followup.manage_rounds), as the rounds' completion is.
rules.add_perm("reporting.view_dashboard", is_member)

# Information request packs brought back (reporting.returns): the secretariat and State
# administrators for any entity, a focal point for its own entity only (the pack's signed
# reference names the entity). The object of ``return_pack_for`` is the entity; the returns a
# person may open are reporting.queries.pack_returns_visible_to.
rules.add_perm("reporting.return_packs", is_curator | is_focal_point)
rules.add_perm("reporting.return_pack_for", is_curator | focal_point_of_entity)

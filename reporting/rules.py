"""Permissions on reporting pages (the object is the State)."""

import rules

from tenants.rules import is_curator, is_member

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

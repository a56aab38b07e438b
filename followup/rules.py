"""Permissions on follow-up pages (the object is the State); object-level checks: followup.access."""

import rules

from tenants.rules import is_curator, is_focal_point, is_member

rules.add_perm("followup.view_followup", is_member)
rules.add_perm("followup.manage_plans", is_curator)
rules.add_perm("followup.review_updates", is_curator)
rules.add_perm("followup.report_progress", is_curator | is_focal_point)
rules.add_perm("followup.manage_rounds", is_curator)
rules.add_perm("followup.view_rounds", is_curator | is_focal_point)

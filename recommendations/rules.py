"""Permissions on recommendations (the object is the State)."""

import rules

from tenants.rules import is_curator, is_member

rules.add_perm("recommendations.view_recommendation", is_member)
rules.add_perm("recommendations.change_recommendation", is_curator)
rules.add_perm("recommendations.curate_recommendation", is_curator)
rules.add_perm("recommendations.manage_entities", is_curator)
rules.add_perm("recommendations.manage_clusters", is_curator)

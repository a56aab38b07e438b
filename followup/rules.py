"""Who may see and do what with follow-up data (django-rules), State-wide and object by object.

State-wide permissions take the State: whether a role may open a kind of page at all. Object
permissions take the object: focal points act only on their own entities' items, the secretariat
on all. ``followup.queries.updates_visible_to`` is the queryset counterpart of
``followup.view_update`` (a list shows what its detail page would).
"""

from __future__ import annotations

import rules

from followup.models import Action, Indicator, ProgressUpdate
from followup.queries import my_entity_ids, reporting_entities, subject_entity_ids
from recommendations.models import Recommendation
from tenants.rules import is_curator, is_focal_point, is_member, is_observer, state_of


@rules.predicate
def reports_for_its_entity(user, update: ProgressUpdate) -> bool:
    """A focal point of the entity the update speaks for."""
    state = state_of(update)
    return is_focal_point(user, state) and update.entity_id in my_entity_ids(user, state)


@rules.predicate
def counted(user, update: ProgressUpdate) -> bool:
    """Validated or published: what every member of the State may read."""
    return update.status in (ProgressUpdate.Status.VALIDATED, ProgressUpdate.Status.PUBLISHED)


@rules.predicate
def responsible_for_subject(user, indicator: Indicator) -> bool:
    """A focal point of an entity responsible for the indicator's action or recommendation."""
    state = state_of(indicator)
    subject = indicator.action or indicator.recommendation
    return is_focal_point(user, state) and bool(subject_entity_ids(subject) & my_entity_ids(user, state))


@rules.predicate
def second_pair_of_eyes(user, update: ProgressUpdate) -> bool:
    """Four-eyes review is off in the update's State, or the person neither wrote nor last edited it
    (the workflow checks the same in the validation's UPDATE)."""
    if not state_of(update).four_eyes_review:
        return True
    return user.pk not in (update.author_id, update.last_edited_by_id)


@rules.predicate
def may_report_on(user, subject: Recommendation | Action) -> bool:
    return bool(reporting_entities(user, state_of(subject), subject))


# Pages (the object is the State).
rules.add_perm("followup.view_followup", is_member)
rules.add_perm("followup.manage_plans", is_curator)
rules.add_perm("followup.review_updates", is_curator)
rules.add_perm("followup.report_progress", is_curator | is_focal_point)
rules.add_perm("followup.manage_rounds", is_curator)
rules.add_perm("followup.view_rounds", is_curator | is_focal_point)

# Objects.
rules.add_perm("followup.view_update", is_curator | reports_for_its_entity | ((is_focal_point | is_observer) & counted))
# Change its text and evidence, or submit it (whether its state allows it is the workflow's
# check, made in the same statement as the change).
rules.add_perm("followup.change_update", is_curator | reports_for_its_entity)
# Validate it: the secretariat, and under four-eyes review not its author or last editor.
rules.add_perm("followup.validate_update", is_curator & second_pair_of_eyes)
rules.add_perm("followup.add_measurement", is_curator | responsible_for_subject)
# Write a progress update on a recommendation or an action.
rules.add_perm("followup.report_on", may_report_on)

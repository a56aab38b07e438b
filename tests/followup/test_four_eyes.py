"""Four-eyes review: who wrote or last edited a progress update cannot validate it (a State setting,
read in the validation's own UPDATE), and the secretariat sees who may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from followup import workflow
from followup.models import ProgressUpdate
from tenants.models import Membership, State
from tenants.scoping import cross_state_access, state_context
from tenants.services import state_settings_save

pytestmark = pytest.mark.django_db
Status = ProgressUpdate.Status


@pytest.fixture
def a(planted):
    with state_context(planted.a.state):
        yield planted.a


def submitted(a, *, author):
    update = workflow.update_create(
        state=a.state,
        user=author,
        entity=a.entity,
        recommendation=a.published,
        data={"implementation_status": "in_progress", "narrative": "Entered from the ministry's letter."},
    )
    return workflow.update_submit(update=update, user=author, version=update.version)


def test_new_states_have_four_eyes_review_on():
    with cross_state_access():
        state = State.objects.create(name="Newland", slug="newland", iso3="XNW", content_languages=["en"])
    assert state.four_eyes_review is True


def test_the_author_cannot_validate_their_own_update_and_is_told_who_may(a):
    secretariat, admin = a.people["secretariat"], a.people["admin"]
    update = submitted(a, author=secretariat)
    with pytest.raises(workflow.TransitionRefused) as refusal:
        workflow.update_validate(update=update, user=secretariat, version=update.version)
    assert str(refusal.value) == (
        "You wrote or last edited this update, so someone else must validate it (four-eyes review): admin of Alphaland."
    )
    # Nothing moved, and the status of the recommendation is unchanged.
    current = ProgressUpdate.objects.get(pk=update.pk)
    assert (current.status, current.version, current.reviewed_by) == (Status.SUBMITTED, update.version, None)
    # Returning it is allowed; someone else validates it.
    validated = workflow.update_validate(update=update, user=admin, version=update.version)
    assert (validated.status, validated.reviewed_by) == (Status.VALIDATED, admin)


def test_the_last_editor_cannot_validate_either(a):
    focal, secretariat, admin = a.people["focal_point"], a.people["secretariat"], a.people["admin"]
    update = submitted(a, author=focal)
    update = workflow.update_return(update=update, user=admin, version=update.version, comment="Add the date")
    # The secretariat corrects it on the ministry's behalf, and submits it.
    update = workflow.update_edit(update=update, version=update.version, data={"narrative": "Dated."}, user=secretariat)
    assert update.last_edited_by == secretariat
    update = workflow.update_submit(update=update, user=secretariat, version=update.version)
    with pytest.raises(workflow.TransitionRefused, match="four-eyes review"):
        workflow.update_validate(update=update, user=secretariat, version=update.version)
    assert workflow.update_validate(update=update, user=admin, version=update.version).status == Status.VALIDATED


def test_with_four_eyes_review_off_the_author_may_validate(a):
    state_settings_save(state=a.state, values={"four_eyes_review": False})
    secretariat = a.people["secretariat"]
    update = submitted(a, author=secretariat)
    assert workflow.update_validate(update=update, user=secretariat, version=update.version).status == Status.VALIDATED


def test_the_setting_is_read_when_validating_not_when_the_page_was_loaded(a):
    state_settings_save(state=a.state, values={"four_eyes_review": False})
    secretariat = a.people["secretariat"]
    update = submitted(a, author=secretariat)
    # Turned on while the page is open: the validation sees it.
    with cross_state_access():
        State.objects.filter(pk=a.state.pk).update(four_eyes_review=True)
    with pytest.raises(workflow.TransitionRefused, match="four-eyes review"):
        workflow.update_validate(update=update, user=secretariat, version=update.version)


def test_when_nobody_else_may_validate_the_refusal_says_so(a):
    secretariat, admin = a.people["secretariat"], a.people["admin"]
    update = submitted(a, author=secretariat)
    # The administrator is the only other reviewer; as an observer, nobody else is left.
    Membership.objects.filter(user=admin).update(role="observer")
    with pytest.raises(workflow.TransitionRefused) as refusal:
        workflow.update_validate(update=update, user=secretariat, version=update.version)
    assert str(refusal.value) == (
        "You wrote or last edited this update, so someone else must validate it (four-eyes review), and nobody "
        "else in the secretariat can. Ask an administrator to invite a second reviewer."
    )


def test_the_update_page_shows_who_may_validate_and_offers_the_author_only_to_return_it(client, planted):
    a = planted.a
    secretariat = a.people["secretariat"]
    with state_context(a.state):
        update = submitted(a, author=secretariat)
    page_url = reverse("workspace:update-detail", kwargs={"state_slug": "alpha", "pk": update.pk})
    client.force_login(secretariat)
    page = client.get(page_url)
    assert [person.email for person in page.context["reviewers"]] == ["admin@alpha.example.org"]
    assert page.context["may_validate"] is False
    assert page.context["review_form"].fields["decision"].choices == [("return", "Return for correction")]
    body = page.content.decode()
    assert "May validate it: admin of Alphaland" in body
    # Posted anyway, the validation is refused with the reason.
    refused = client.post(
        reverse("workspace:update-review", kwargs={"state_slug": "alpha", "pk": update.pk}),
        {"decision": "validate", "version": update.version, "comment": ""},
        follow=True,
    )
    assert [str(m) for m in refused.context["messages"]] == [
        "You wrote or last edited this update, so someone else must validate it (four-eyes review): admin of Alphaland."
    ]
    # The administrator may.
    client.force_login(a.people["admin"])
    page = client.get(page_url)
    assert page.context["may_validate"] is True
    assert [value for value, _label in page.context["review_form"].fields["decision"].choices] == ["validate", "return"]
    # My work marks the update the author may not validate.
    client.force_login(secretariat)
    work = client.get(reverse("workspace:my-work", kwargs={"state_slug": "alpha"})).content.decode()
    assert "you wrote or edited it: someone else validates it" in work

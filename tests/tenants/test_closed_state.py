"""A member of a suspended or archived State is told so, and whom to write to; everyone else
still gets 404, so an address reveals nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from console.services import state_archive, state_suspend
from tenants.models import State

pytestmark = pytest.mark.django_db

WORKSPACE = "/alpha/workspace/recommendations/"


@pytest.mark.parametrize("close", [state_suspend, state_archive])
def test_members_are_told_the_state_is_closed_and_whom_to_write_to(client, planted, settings, close):
    settings.NRTD_HOSTING_CONTACT = "support@nrtd.example.org"
    close(state=planted.a.state, actor=planted.platform_admin, reason="Contract under review")
    status = State.objects.get(pk=planted.a.state.pk).status
    for role in ("admin", "observer"):
        client.force_login(planted.a.people[role])
        response = client.get(WORKSPACE)
        assert response.status_code == 403
        text = response.content.decode()
        if status == State.Status.SUSPENDED:
            assert (
                "Alphaland is suspended for now: nobody can enter its workspace, and its data is kept as it is." in text
            )
        else:
            assert "Alphaland is archived: nobody can enter its workspace, and its data is kept as it is." in text
        assert '<a href="mailto:support@nrtd.example.org">support@nrtd.example.org</a>' in text
        # Not the reason: that is the hosting office's record.
        assert "Contract under review" not in text
    # The API and the portal say nothing more than 404.
    assert client.get(reverse("api:state-api:recommendation-list", kwargs={"state_slug": "alpha"})).status_code == 404
    assert client.get(reverse("portal:home", kwargs={"state_slug": "alpha"})).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "b_admin", "platform_admin"])
def test_strangers_still_get_404(client, planted, persona):
    state_suspend(state=planted.a.state, actor=planted.platform_admin, reason="Contract under review")
    client.force_login(planted.persona(persona))
    response = client.get(WORKSPACE)
    assert response.status_code == 404
    assert "Alphaland" not in response.content.decode()


def test_without_a_contact_address_the_page_names_the_hosting_office(client, planted, settings):
    settings.NRTD_HOSTING_CONTACT = ""
    state_suspend(state=planted.a.state, actor=planted.platform_admin, reason="Review")
    client.force_login(planted.a.people["focal_point"])
    text = client.get(WORKSPACE).content.decode()
    assert "To know why, or when it will open again, write to the hosting office that runs this site." in text

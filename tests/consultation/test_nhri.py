"""The national human rights institution's accounts: they read what observers read, give the
institution's assessment (apart from the government's status), and the State's settings."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from consultation.models import Assessment
from tenants.models import Invitation, Role, State
from tenants.scoping import cross_state_access, state_context

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def url(name, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": "alpha", **kwargs})


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)


def test_an_nhri_account_reads_what_an_observer_reads_and_changes_nothing(client, planted):
    a = planted.a
    sign_in(client, a.people["nhri"])
    assert client.get(url("recommendation-list")).status_code == 200
    assert client.get(url("update-detail", pk=a.progress_update.pk)).status_code == 200
    # Drafts, curation, rounds, the review of submissions: as for an observer.
    assert client.get(url("update-detail", pk=a.draft_update.pk)).status_code == 404
    assert client.get(url("recommendation-edit", pk=a.published.pk)).status_code == 403
    assert client.get(url("round-list")).status_code == 403
    assert client.get(url("consultation-list")).status_code == 403
    assert client.post(url("recommendation-comment-create", pk=a.published.pk), {"text": "x"}).status_code == 403
    page = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
    assert "Ask the ministry where the bill stands" in page  # reads the discussion
    assert "Change the assessment" in page


def test_the_nhri_gives_its_assessment_apart_from_the_governments_status(client, planted):
    a = planted.a
    sign_in(client, a.people["nhri"])
    response = client.post(
        url("assessment-edit", pk=a.published.pk),
        {"implementation_status": "not_started", "assessed_on": "2026-01-15", "text": "No bill has been tabled."},
    )
    assert response["Location"] == url("recommendation-detail", pk=a.published.pk)
    with state_context(a.state):
        assessment = Assessment.objects.get(recommendation=a.published)
        assert (assessment.implementation_status, assessment.text, assessment.author) == (
            "not_started",
            "No bill has been tabled.",
            a.people["nhri"],
        )
        # The government's status is untouched.
        a.published.refresh_from_db()
    # Everyone in the workspace reads it, in its own section.
    sign_in(client, a.people["focal_point"])
    page = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
    assert "Assessment of the national human rights institution" in page and "No bill has been tabled." in page
    assert "Give the institution" not in page and "Change the assessment" not in page
    assert client.get(url("assessment-edit", pk=a.published.pk)).status_code == 403
    # On the portal only while the State publishes them.
    client.logout()
    public = reverse("portal:recommendation-detail", kwargs={"state_slug": "alpha", "pk": a.published.pk})
    assert "No bill has been tabled." in client.get(public).content.decode()
    with cross_state_access():
        State.objects.filter(pk=a.state.pk).update(nhri_assessments_public=False)
    assert "No bill has been tabled." not in client.get(public).content.decode()
    assert "Assessment of the national human rights institution" not in client.get(public).content.decode()


def test_an_assessment_dated_in_the_future_is_refused(client, planted):
    sign_in(client, planted.a.people["nhri"])
    response = client.post(
        url("assessment-edit", pk=planted.a.published.pk),
        {"implementation_status": "implemented", "assessed_on": "2999-01-01", "text": "Later"},
    )
    assert response.status_code == 200
    assert "An assessment cannot be dated in the future." in response.content.decode()


def test_the_administrator_chooses_the_settings_and_gives_nhri_accounts(
    client, planted, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://nrtd.example.org"
    a = planted.a
    sign_in(client, a.people["secretariat"])
    assert client.get(url("consultation-settings")).status_code == 403
    sign_in(client, a.people["admin"])
    # The two settings are a section of the State's settings page.
    response = client.post(
        reverse("workspace:state-settings", kwargs={"state_slug": a.state.slug}),
        {"section": "consultation", "consultation-consultation_anonymous": "on"},
    )
    assert response.status_code == 302
    with cross_state_access():
        state = State.objects.get(pk=a.state.pk)
    assert (state.consultation_anonymous, state.nhri_assessments_public) == (True, False)
    # An account: an invitation of the State's, with the NHRI role, its link on SITE_URL.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("consultation-settings"),
            {"email": "Analyst@NHRI.example.org", "name": "Nadia Analyst"},
            HTTP_HOST="localhost:31337",
        )
    assert response.status_code == 302
    with state_context(a.state):
        invitation = Invitation.objects.get(email="analyst@nhri.example.org")
    assert (invitation.role, invitation.name, invitation.invited_by) == (Role.NHRI, "Nadia Analyst", a.people["admin"])
    assert [m.to for m in mail.outbox] == [["analyst@nhri.example.org"]]
    assert "https://nrtd.example.org/alpha/invitation/" in mail.outbox[0].body
    assert "31337" not in mail.outbox[0].body
    # A member with another role keeps it.
    response = client.post(url("consultation-settings"), {"email": a.people["observer"].email, "name": "x"})
    assert "is already a member of Alphaland, as Observer." in response.content.decode()

"""The secretariat's side of consultations: opening one, reviewing what was sent beside the
State's own updates, accepting, considering, rejecting, closing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultation.models import Consultation, Submission
from consultation.submissions import ConsultationRefused, consultation_open
from recommendations.models import Mechanism, Recommendation
from tenants.scoping import state_context
from tests.factories import PLANTED_PDF

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def url(name, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": "alpha", **kwargs})


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_the_secretariat_opens_a_consultation_on_a_cluster_in_two_languages(client, planted):
    a = planted.a
    with state_context(a.state):
        other = Recommendation.objects.create(
            state=a.state,
            mechanism=Mechanism.objects.get(code="CRC"),
            symbol="CRC/C/ALP/CO/5",
            paragraph="7",
            text="Outside the cluster",
            published=True,
        )
    sign_in(client, a.people["secretariat"])
    assert client.get(url("consultation-create")).status_code == 200
    response = client.post(
        url("consultation-create"),
        {
            "title_en": "Justice: what do you see?",
            "title_fr": "Justice : qu'observez-vous ?",
            "introduction_en": "Tell us how the law is applied.",
            "cluster": a.cluster.pk,
            "opens_on": days(0),
            "closes_on": days(30),
        },
    )
    with state_context(a.state):
        consultation = Consultation.objects.get(title_en="Justice: what do you see?")
    assert response["Location"] == url("consultation-detail", pk=consultation.pk)
    assert consultation.recommendation_ids == [a.published.pk]
    assert other.pk not in consultation.recommendation_ids
    assert (consultation.title_fr, consultation.opened_by) == ("Justice : qu'observez-vous ?", a.people["secretariat"])
    # The portal shows it in the visitor's language, and the English introduction where there is no French one.
    page = client.get(
        reverse("portal:consultation-detail", kwargs={"state_slug": "alpha", "pk": consultation.pk}), {"lang": "fr"}
    ).content.decode()
    assert "Justice : qu&#x27;observez-vous ?" in page and "Tell us how the law is applied." in page


def test_a_consultation_without_a_published_recommendation_or_a_sensible_period_is_refused(planted):
    a = planted.a
    with state_context(a.state):
        unpublished = Recommendation.objects.filter(pk=a.unpublished.pk)
        common = {"state": a.state, "user": a.people["secretariat"], "titles": {"en": "T"}, "introductions": {}}
        with pytest.raises(ConsultationRefused, match="None of these recommendations is published"):
            consultation_open(
                **common, opens_on=timezone.localdate(), closes_on=timezone.localdate(), recommendations=unpublished
            )
        with pytest.raises(ConsultationRefused, match="on or after the day it opens"):
            consultation_open(
                **common,
                opens_on=timezone.localdate(),
                closes_on=timezone.localdate() - datetime.timedelta(days=1),
                cluster=a.cluster,
            )
        with pytest.raises(ConsultationRefused, match="No recommendation matches"):
            consultation_open(
                **common,
                opens_on=timezone.localdate(),
                closes_on=timezone.localdate(),
                recommendations=Recommendation.objects.none(),
            )


def test_the_review_shows_the_submission_beside_the_states_updates(client, planted):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    listing = client.get(url("consultation-detail", pk=a.consultation.pk)).content.decode()
    assert "To review (1)" in listing and "Pending information" in listing
    assert "Rejected information" not in listing  # other statuses under their own tab
    page = client.get(url("submission-detail", pk=a.submission.pk)).content.decode()
    assert "Pending information" in page and "pending@example.org" in page and "report.pdf" in page
    # Beside it: the recommendation's status, its updates (the draft too, for the secretariat), the NHRI's view.
    assert "The bill was sent to parliament" in page and "Draft in progress" in page
    assert "NHRI's assessment" in page and "In progress" in page
    download = client.get(url("submission-file", pk=a.submission.pk))
    assert b"".join(download.streaming_content) == PLANTED_PDF and download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("decision", "status", "public"),
    [("accept", "accepted", True), ("consider", "considered", False), ("reject", "rejected", False)],
)
def test_a_decision_publishes_only_what_is_accepted(client, planted, decision, status, public):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    response = client.post(
        url("submission-review", pk=a.submission.pk), {"decision": decision, "note": "Checked", "seen": "pending"}
    )
    assert response["Location"] == url("consultation-detail", pk=a.consultation.pk)
    with state_context(a.state):
        submission = Submission.objects.get(pk=a.submission.pk)
    assert (submission.status, submission.reviewed_by, submission.review_note) == (
        status,
        a.people["secretariat"],
        "Checked",
    )
    client.logout()
    page = client.get(reverse("portal:recommendation-detail", kwargs={"state_slug": "alpha", "pk": a.published.pk}))
    assert ("Pending information" in page.content.decode()) is public
    assert "pending@example.org" not in page.content.decode() and "report.pdf" not in page.content.decode()


def test_a_decision_made_meanwhile_is_not_overwritten(client, planted):
    a = planted.a
    with state_context(a.state):
        Submission.objects.filter(pk=a.submission.pk).update(status="rejected")
    sign_in(client, a.people["secretariat"])
    response = client.post(
        url("submission-review", pk=a.submission.pk), {"decision": "accept", "seen": "pending"}, follow=True
    )
    assert "Someone decided on this submission while you were reading it" in response.content.decode()
    with state_context(a.state):
        assert Submission.objects.get(pk=a.submission.pk).status == "rejected"


def test_closing_early_stops_the_portal_taking_information(client, planted):
    a = planted.a
    sign_in(client, a.people["admin"])
    client.post(url("consultation-close", pk=a.consultation.pk))
    with state_context(a.state):
        consultation = Consultation.objects.get(pk=a.consultation.pk)
    assert consultation.closed_at is not None and not consultation.is_open()
    assert consultation.last_day == timezone.localdate()
    response = client.post(url("consultation-close", pk=a.consultation.pk), follow=True)
    assert "This consultation was already closed." in response.content.decode()


def test_focal_points_and_observers_never_see_submissions(client, planted):
    a = planted.a
    for role in ("focal_point", "observer", "nhri"):
        sign_in(client, a.people[role])
        assert client.get(url("submission-detail", pk=a.submission.pk)).status_code == 403
        assert client.get(url("submission-file", pk=a.submission.pk)).status_code == 403
        page = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
        assert "Pending information" not in page and "Information sent in consultations" not in page
    sign_in(client, a.people["secretariat"])
    page = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
    assert "Information sent in consultations" in page and "Pending Watch" in page

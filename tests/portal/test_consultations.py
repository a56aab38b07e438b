"""Consultations on the portal: the form (no JavaScript, CSRF, never cached), what is refused,
spam held back through the real rate limiter, and nothing public before it is accepted."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultation.models import Consultation, Submission
from tenants.models import State
from tenants.scoping import cross_state_access, state_context
from tests.factories import A_UNPUBLISHED_MARKER, PLANTED_PDF

pytestmark = pytest.mark.django_db


def portal(name, **kwargs):
    return reverse(f"portal:{name}", kwargs={"state_slug": "alpha", **kwargs})


def form_url(planted, **params):
    address = portal("consultation-submit", pk=planted.a.consultation.pk)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def fields(planted, **overrides):
    data = {
        "kind": "civil_society",
        "organisation": "Rights Watch Alphaland",
        "contact": "info@rights-watch.example.org",
        "recommendations": [str(planted.a.published.pk)],
        "text": "The bill has not reached parliament yet.",
        "publish_name": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def csrf_of(page: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_a_visitor_sends_information_with_a_pdf_and_it_waits_for_review(planted):
    client = Client(enforce_csrf_checks=True)
    response = client.get(form_url(planted, recommendation=planted.a.published.pk, lang="en"))
    assert response.status_code == 200
    # Never kept by a cache: a page of its own, with its token.
    assert "no-store" in response["Cache-Control"] and "X-Portal-Cache" not in response
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    # Only the consultation's published recommendations; the one asked about is ticked.
    assert f'value="{planted.a.published.pk}" id="rec-{planted.a.published.pk}" checked' in page
    assert A_UNPUBLISHED_MARKER not in page and f'value="{planted.a.unpublished.pk}"' not in page
    # The trap is out of sight and out of the keyboard's way.
    assert '<div class="trap" aria-hidden="true">' in page and 'tabindex="-1"' in page
    # Without the token: refused.
    data = fields(planted, file=SimpleUploadedFile("Evidence.pdf", PLANTED_PDF))
    assert client.post(form_url(planted), data).status_code == 403
    data = fields(planted, file=SimpleUploadedFile("Evidence.pdf", PLANTED_PDF))
    data["csrfmiddlewaretoken"] = csrf_of(page)
    response = client.post(form_url(planted, lang="en"), data)
    assert response.status_code == 200
    assert "Your information was received." in response.content.decode()
    with state_context(planted.a.state):
        submission = Submission.objects.get(text="The bill has not reached parliament yet.")
    assert (submission.status, submission.organisation, submission.contact, submission.publish_name) == (
        "pending",
        "Rights Watch Alphaland",
        "info@rights-watch.example.org",
        True,
    )
    assert (submission.file_name, submission.file_type, submission.file_size) == (
        "Evidence.pdf",
        "application/pdf",
        len(PLANTED_PDF),
    )
    assert submission.recommendation_ids == [planted.a.published.pk]
    # Not public while pending.
    public = Client().get(portal("recommendation-detail", pk=planted.a.published.pk)).content.decode()
    assert "has not reached parliament" not in public and "Rights Watch" not in public


def test_anonymous_information_only_where_the_state_allows_it(client, planted):
    data = fields(planted, organisation="", contact="", publish_name=None)
    response = client.post(form_url(planted), data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    with cross_state_access():
        State.objects.filter(pk=planted.a.state.pk).update(consultation_anonymous=True)
    page = client.get(form_url(planted)).content.decode()
    assert "Leave the name and the contact empty to send anonymously." in page
    assert "Your information was received." in client.post(form_url(planted), data).content.decode()
    with state_context(planted.a.state):
        submission = Submission.objects.get(text="The bill has not reached parliament yet.")
    assert (submission.organisation, submission.contact, submission.anonymous) == ("", "", True)


def test_information_on_another_states_or_an_unpublished_recommendation_is_refused(client, planted):
    for pk in (planted.b.published.pk, planted.a.unpublished.pk, 999_999):
        response = client.post(form_url(planted), fields(planted, recommendations=[str(pk)]))
        assert response.status_code == 200
        assert f"Select a valid choice. {pk} is not one of the available choices." in response.content.decode()
    # Another State's consultation under this State's address is not there.
    address = portal("consultation-submit", pk=planted.b.consultation.pk)
    assert client.post(address, fields(planted)).status_code == 404
    with state_context(planted.a.state):
        assert not Submission.objects.filter(text="The bill has not reached parliament yet.").exists()


@pytest.mark.parametrize("how", ["closed early", "period over", "not open yet"])
def test_a_consultation_that_is_not_open_takes_nothing(client, planted, how):
    today = timezone.localdate()
    change = {
        "closed early": {"closed_at": timezone.now()},
        "period over": {
            "opens_on": today - datetime.timedelta(days=10),
            "closes_on": today - datetime.timedelta(days=1),
        },
        "not open yet": {"opens_on": today + datetime.timedelta(days=1)},
    }[how]
    with state_context(planted.a.state):
        Consultation.objects.filter(pk=planted.a.consultation.pk).update(**change)
    response = client.post(form_url(planted), fields(planted))
    if how == "not open yet":
        # Not announced before it opens.
        assert response.status_code == 404
        assert client.get(portal("consultation-detail", pk=planted.a.consultation.pk)).status_code == 404
    else:
        assert response.status_code == 400
        assert "it no longer takes information" in response.content.decode()
        page = client.get(form_url(planted)).content.decode()
        assert "it no longer takes information" in page and 'name="text"' not in page
    with state_context(planted.a.state):
        assert not Submission.objects.filter(text="The bill has not reached parliament yet.").exists()


def test_a_robot_that_fills_the_trap_is_thanked_and_nothing_is_kept(client, planted):
    response = client.post(form_url(planted), fields(planted, website="http://spam.example.com"))
    assert response.status_code == 200
    assert "Your information was received." in response.content.decode()
    with state_context(planted.a.state):
        assert not Submission.objects.filter(text="The bill has not reached parliament yet.").exists()


def test_posts_per_hour_are_limited_by_the_rate_limiter(client, planted, settings):
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "submit": (2, 3600)}
    for number in range(2):
        response = client.post(form_url(planted), fields(planted, text=f"Information {number}"))
        assert "Your information was received." in response.content.decode()
    refused = client.post(form_url(planted), fields(planted, text="Information 3"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # Robots count too: a trap-filler is held back by the same limit.
    assert client.post(form_url(planted), fields(planted, website="x")).status_code == 429
    # Another address is not held back.
    response = client.post(form_url(planted), fields(planted, text="Information 4"), REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    with state_context(planted.a.state):
        texts = sorted(Submission.objects.filter(text__startswith="Information ").values_list("text", flat=True))
    assert texts == ["Information 0", "Information 1", "Information 4"]


def test_one_address_may_send_at_most_so_much_to_one_consultation(client, planted, settings):
    settings.NRTD_CONSULTATION_MAX_PER_ADDRESS = 2
    for number in range(2):
        client.post(form_url(planted), fields(planted, text=f"Information {number}"))
    refused = client.post(form_url(planted), fields(planted, text="Information 2"))
    assert refused.status_code == 429
    assert "as much information from your connection as it takes from one (2 submissions)" in refused.content.decode()
    # The text typed is kept in the form.
    assert "Information 2</textarea>" in refused.content.decode()
    assert (
        client.post(form_url(planted), fields(planted, text="Information 3"), REMOTE_ADDR="10.9.8.7").status_code == 200
    )
    with state_context(planted.a.state):
        assert Submission.objects.filter(text__startswith="Information ").count() == 3


def test_a_file_is_checked_like_evidence(client, planted):
    data = fields(planted, file=SimpleUploadedFile("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"))
    response = client.post(form_url(planted), data)
    assert "“tool.exe” is not a kind of file that can be kept as evidence." in response.content.decode()
    with state_context(planted.a.state):
        assert not Submission.objects.filter(text="The bill has not reached parliament yet.").exists()


def test_the_search_cache_never_holds_the_form_or_its_token(client, planted):
    client.get(form_url(planted))
    assert "csrftoken" in client.cookies
    first = client.get(portal("home"), {"q": "Ratify"})
    second = client.get(portal("home"), {"q": "Ratify"})
    assert (first["X-Portal-Cache"], second["X-Portal-Cache"]) == ("miss", "hit")
    assert "csrfmiddlewaretoken" not in second.content.decode()
    # Consultation pages are never kept.
    for address in (portal("consultation-list"), portal("consultation-detail", pk=planted.a.consultation.pk)):
        assert "X-Portal-Cache" not in client.get(address)


def test_accepted_information_shows_on_the_public_page_with_the_name_if_agreed(client, planted):
    a = planted.a
    page = client.get(portal("recommendation-detail", pk=a.published.pk), {"lang": "en"}).content.decode()
    # The planted accepted one, with its organisation's name; the others never.
    assert "The bill was debated in public hearings" in page and "Civic Forum of Alphaland" in page
    assert A_UNPUBLISHED_MARKER not in page and "civic-forum@example.org" not in page
    assert "Checked with the ministry" not in page  # the secretariat's note
    with state_context(a.state):
        Submission.objects.filter(pk=a.accepted_submission.pk).update(publish_name=False)
    page = client.get(portal("recommendation-detail", pk=a.published.pk)).content.decode()
    assert "Civic Forum of Alphaland" not in page and "A contributor (name not published)" in page
    api = client.get(
        reverse("api:public-api:recommendation-detail", kwargs={"state_slug": "alpha", "pk": a.published.pk})
    ).json()
    assert [(c["organisation"], c["kind"], c["text"]) for c in api["contributions"]] == [
        ("", "nhri", "The bill was debated in public hearings")
    ]
    assert api["nhri_assessment"]["text"] == "The institution sees slow progress"
    # The consultation's page lists its published recommendation, with the way to send information on it.
    page = client.get(portal("consultation-detail", pk=a.consultation.pk)).content.decode()
    assert f"?recommendation={a.published.pk}" in page and A_UNPUBLISHED_MARKER not in page

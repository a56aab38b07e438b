"""Keeping a State in step with the UHRI: a scheduled fetch (Celery beat) of the mechanisms it
follows, prepared as a preview the secretariat confirms, told in the notifications; a failed fetch
tried again and reported. Against a local fake UHRI server (tests.imports.test_uhri_fetch)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Notification
from followup.notify import message
from imports.models import ImportJob, UhriSchedule
from imports.schedule import schedule_save, scheduled_fetch_run, schedules_queue
from imports.services import import_job_confirm
from imports.tasks import uhri_schedules_task
from recommendations.models import Mechanism, Recommendation
from tenants.scoping import cross_state_access, state_context
from tests.imports.fake_uhri import SLOVENIA, client_for

pytestmark = pytest.mark.django_db
CRC = "b0000000-0000-4000-8000-000000000001"


def upr_record(number: int) -> dict:
    return {
        "annotationId": f"e0a1b2c3-0000-4000-8000-{number:012d}",
        "symbol": "A/HRC/43/15",
        "countryIds": [SLOVENIA],
        "uprPositionIds": [],
        "uprSessionIds": [],
        "bodyId": None,
        "en": f"121.{number} Continue its efforts to combat discrimination (Pakistan);",
    }


def crc_record(number: int) -> dict:
    return {
        "annotationId": f"e0a1b2c3-0000-4000-8000-{900 + number:012d}",
        "symbol": "CRC/C/SVN/CO/5-6",
        "countryIds": [SLOVENIA],
        "bodyId": CRC,
        "en": f"{number}. The Committee recommends that the State party register every child at birth.",
    }


@pytest.fixture
def slovenia_with_people(planted):
    """State A of the planted data, named Slovenia (the fake API knows it), with its curators."""
    with cross_state_access():
        planted.a.state.name = "Slovenia"
        planted.a.state.save()
    return planted.a


def curators_told(state, kind: str) -> list[tuple[str, str]]:
    with state_context(state):
        rows = Notification.objects.filter(kind=kind).select_related("user").order_by("user__email")
        return [(notification.user.email, message(notification)) for notification in rows]


def test_a_state_turns_the_schedule_on_and_the_next_beat_prepares_a_preview(
    slovenia_with_people, fake_api, settings, django_capture_on_commit_callbacks
):
    state = slovenia_with_people.state
    fake_api.records = [upr_record(1), upr_record(2), crc_record(3)]
    with state_context(state):
        schedule = schedule_save(
            state=state,
            user=slovenia_with_people.people["admin"],
            enabled=True,
            interval_days=7,
            mechanism_ids=[],
        )
    assert schedule.next_run_at <= timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        assert uhri_schedules_task.delay().get() == 1
    with state_context(state):
        schedule.refresh_from_db()
        job = schedule.last_job
        assert (job.format, job.dry_run, job.status, job.created, job.options["scheduled"]) == (
            "uhri-api",
            True,
            "succeeded",
            3,
            True,
        )
        assert not Recommendation.objects.filter(external_id__startswith="e0a1b2c3").exists()
        assert (schedule.failures, schedule.last_failure) == (0, "")
        assert timedelta(days=6, hours=23) < schedule.next_run_at - timezone.now() <= timedelta(days=7)
    path = reverse("workspace:import-detail", kwargs={"state_slug": state.slug, "pk": job.pk})
    told = curators_told(state, Notification.Kind.IMPORT_READY)
    expected = (
        "The scheduled UHRI fetch found 3 new and 0 changed recommendations; review the preview and confirm the import."
    )
    emails = sorted(slovenia_with_people.people[role].email for role in ("admin", "secretariat"))
    assert told == [(email, expected) for email in emails]
    with state_context(state):
        assert {n.params["path"] for n in Notification.objects.filter(kind=Notification.Kind.IMPORT_READY)} == {path}

    # Not its turn again: the next beat queues nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules_queue() == 0

    # The secretariat confirms: the records the preview fetched are imported, not fetched again.
    pages = list(fake_api.pages)
    with state_context(state), django_capture_on_commit_callbacks(execute=True):
        confirmed = import_job_confirm(preview=job, user=slovenia_with_people.people["secretariat"])
    with state_context(state):
        confirmed.refresh_from_db()
        assert (confirmed.status, confirmed.created) == ("succeeded", 3)
    assert fake_api.pages == pages

    # A week later nothing is new: no preview to confirm, nobody told again.
    with state_context(state):
        UhriSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules_queue() == 1
    with state_context(state):
        schedule.refresh_from_db()
        assert (schedule.last_job.created, schedule.last_job.updated, schedule.last_job.unchanged) == (0, 0, 3)
    assert len(curators_told(state, Notification.Kind.IMPORT_READY)) == 2


def test_only_the_mechanisms_followed_are_fetched(slovenia_with_people, fake_api, settings):
    state = slovenia_with_people.state
    fake_api.records = [upr_record(1), crc_record(2), crc_record(3)]
    with state_context(state):
        schedule_save(
            state=state,
            user=None,
            enabled=True,
            interval_days=1,
            mechanism_ids=[Mechanism.objects.get(code="CRC").pk],
        )
    job = scheduled_fetch_run(state=state, client=client_for(settings))
    assert (job.status, job.created, job.summary["not_followed"]) == ("succeeded", 2, 1)
    with state_context(state):
        assert job.options["mechanisms"] == [Mechanism.objects.get(code="CRC").pk]


def test_a_failed_fetch_is_tried_again_then_reported(slovenia_with_people, fake_api, settings):
    state = slovenia_with_people.state
    fake_api.records = [upr_record(n) for n in range(1, 6)]
    client = client_for(settings)  # one retry per request
    with state_context(state):
        schedule_save(state=state, user=None, enabled=True, interval_days=7, mechanism_ids=[])
    now = timezone.now()

    fake_api.failures[1] = 100  # page 1 keeps failing
    first = scheduled_fetch_run(state=state, client=client, now=now)
    assert first.status == "failed"
    with state_context(state):
        schedule = UhriSchedule.objects.get()
        assert (schedule.failures, schedule.next_run_at) == (1, now + timedelta(minutes=30))
        assert schedule.last_failure == first.failure
    second = scheduled_fetch_run(state=state, client=client, now=now)
    assert second.pk == first.pk, "the failed fetch goes on where it stopped"
    with state_context(state):
        schedule.refresh_from_db()
        assert (schedule.failures, schedule.next_run_at) == (2, now + timedelta(hours=2))
    assert curators_told(state, Notification.Kind.IMPORT_FAILED) == []

    third = scheduled_fetch_run(state=state, client=client, now=now)
    with state_context(state):
        schedule.refresh_from_db()
        assert (third.status, schedule.failures, schedule.next_run_at) == ("failed", 0, now + timedelta(days=7))
    told = curators_told(state, Notification.Kind.IMPORT_FAILED)
    assert [text for _email, text in told] == [
        "The scheduled UHRI fetch failed after 3 attempts and will be tried at its next turn: " + third.failure
    ] * 2
    assert "HTTP 500" in third.failure and "page 1" in third.failure

    # At its next turn the server answers again: a new preview, the stopped job left as it was.
    fake_api.failures.clear()
    fourth = scheduled_fetch_run(state=state, client=client)
    assert (fourth.pk != first.pk, fourth.status, fourth.created) == (True, "succeeded", 5)


def test_turning_it_off_stops_the_fetches(slovenia_with_people, fake_api, django_capture_on_commit_callbacks):
    state = slovenia_with_people.state
    with state_context(state):
        schedule_save(state=state, user=None, enabled=True, interval_days=7, mechanism_ids=[])
        schedule = schedule_save(state=state, user=None, enabled=False, interval_days=7, mechanism_ids=[])
        assert (schedule.enabled, schedule.next_run_at) == (False, None)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules_queue() == 0
    with state_context(state):
        assert not ImportJob.objects.filter(format="uhri-api").exists()


def test_without_an_api_nothing_is_queued(slovenia_with_people, settings):
    settings.UHRI_API_URL = ""
    state = slovenia_with_people.state
    with state_context(state):
        schedule_save(state=state, user=None, enabled=True, interval_days=7, mechanism_ids=[])
    assert schedules_queue() == 0


def test_the_beat_runs_the_schedules_every_hour():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["imports-uhri-schedules"]["task"] == "imports.tasks.uhri_schedules_task"


def test_the_schedule_is_a_section_of_the_states_settings(client, planted):
    """The State's administrators turn the schedule on from the settings page too."""
    client.force_login(planted.a.people["admin"])
    upr, crc = Mechanism.objects.get(code="UPR"), Mechanism.objects.get(code="CRC")
    data = {
        "section": "uhri",
        "uhri-enabled": "on",
        "uhri-interval_days": str(UhriSchedule.Every.WEEK),
        "uhri-mechanisms": [str(crc.pk), str(upr.pk)],
    }
    response = client.post("/alpha/workspace/settings/", data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["“UHRI schedule” is saved."]
    with state_context(planted.a.state):
        schedule = UhriSchedule.objects.get(state=planted.a.state)
    assert (schedule.enabled, schedule.interval_days, schedule.mechanism_ids, schedule.updated_by) == (
        True,
        UhriSchedule.Every.WEEK,
        sorted([upr.pk, crc.pk]),
        planted.a.people["admin"],
    )
    again = client.post("/alpha/workspace/settings/", data, follow=True)
    assert [str(m) for m in again.context["messages"]] == ["“UHRI schedule” had no change to save."]

"""A preview stops at its row and time budget, says so, and the import reads the whole file."""

from __future__ import annotations

import pytest

from imports import runs
from imports.models import ImportJob
from tenants.scoping import state_context
from tests.imports.test_workspace_imports import sign_in, text_of, upload

pytestmark = pytest.mark.django_db
HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"


@pytest.fixture
def upr_info(tmp_path):
    """A CSV of UPR Info's columns: 40 recommendations to Alphaland (the planted State A)."""
    path = tmp_path / "upr-info.csv"
    rows = "".join(
        f'Alphaland,Asia,,"Ratify the convention, step {n}.",Austria,WEOG,EU,Accepted,5,Women\'s rights,5\n'
        for n in range(40)
    )
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_preview_stops_at_its_row_limit_and_says_so(
    upr_info,
    client,
    planted,
    media,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.NRTD_PREVIEW_MAX_ROWS = 25
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    location = upload(client, state, upr_info, django_capture_on_commit_callbacks, mapping="upr-info")
    with state_context(state):
        job = ImportJob.objects.get(pk=int(location.rstrip("/").split("/")[-1]))
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.processed == 25
    assert job.summary["preview_stopped"] == {"reason": "rows", "rows": 25, "seconds": settings.NRTD_PREVIEW_SECONDS}
    page = text_of(client.get(location))
    assert "The preview stopped at its limit of 25 records" in page
    assert "Importing reads the whole file." in page


def test_without_a_limit_the_preview_reads_everything(
    upr_info,
    client,
    planted,
    media,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.NRTD_PREVIEW_MAX_ROWS = 0
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    location = upload(client, state, upr_info, django_capture_on_commit_callbacks, mapping="upr-info")
    with state_context(state):
        job = ImportJob.objects.get(pk=int(location.rstrip("/").split("/")[-1]))
    assert job.processed == 40
    assert "preview_stopped" not in job.summary
    assert "The preview stopped" not in text_of(client.get(location))


def test_the_time_budget_stops_the_records(monkeypatch, settings):
    """The clock is the budget's own (time.monotonic in imports.runs), moved on by the records read."""
    settings.NRTD_PREVIEW_MAX_ROWS = 0
    settings.NRTD_PREVIEW_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(runs.time, "monotonic", lambda: clock[0])

    def records():
        for number in range(10_000):
            clock[0] += 0.01  # each record takes a hundredth of a second
            yield number

    summary: dict = {}
    read = list(runs.within_preview_budget(records(), summary))
    assert summary["preview_stopped"]["reason"] == "time"
    assert 3000 <= len(read) <= 3100
    assert summary["preview_stopped"]["rows"] == len(read)

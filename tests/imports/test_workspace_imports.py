"""The workspace's import pages for issue 21: a UN document's preview, the batch's details given on
the preview page, an addendum's changes of position, UHRI filter lists given as a file or fetched
from the API, the bulk action that gives imported recommendations their details, the schedule."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.keys import text_digest
from imports.models import ImportJob, UhriSchedule
from recommendations.models import Mechanism, Recommendation
from tenants.scoping import state_context
from tests.imports.documents import FIXTURES
from tests.imports.fake_uhri import api_record
from tests.imports.helpers import sample_file

pytestmark = pytest.mark.django_db
REPORT = sample_file("upr34-slovenia-wg-report-A-HRC-43-15.pdf")
ADDENDUM = sample_file("upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf")
THEMATIC_LIST = sample_file("upr34-slovenia-thematic-list.docx")


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def text_of(response) -> str:
    """The page's text, tags taken out and spaces collapsed, for whole sentences."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def upload(client, state, path, capture, **fields):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), "format": "auto", "mapping": "", "encoding": ""}
    with capture(execute=True):
        response = client.post(url("import-list", state), {**data, **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_thematic_list_gets_its_symbol_and_date_on_the_preview_page(
    client, planted, media, django_capture_on_commit_callbacks
):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    location = upload(client, state, THEMATIC_LIST, django_capture_on_commit_callbacks)
    page = text_of(client.get(location))
    assert "Details of the batch" in page
    assert (
        "Detail In the file Records without it Document symbol — 215 Date of the document — 215 Mechanism UPR (215) 0 "
        "Session 34 (215) 0 UPR cycle 3 (215) 0"
    ) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            location, {"action": "details", "symbol": " A/HRC/43/15 ", "issued_on": "2019-12-19", "mechanism": ""}
        )
    with state_context(state):
        first, again = ImportJob.objects.filter(filename=THEMATIC_LIST.name).order_by("pk")
        assert again.options["batch"] == {"symbol": "A/HRC/43/15", "issued_on": "2019-12-19"}
        assert (again.dry_run, again.status, again.created, again.file.name) == (
            True,
            "succeeded",
            215,
            first.file.name,
        )
    assert response["Location"] == url("import-detail", state, pk=again.pk)
    page = text_of(client.get(response["Location"]))
    assert "Details given for the batch Given to every record that lacks them; what the file says is kept." in page
    assert "Document symbol A/HRC/43/15 Date of the document Dec. 19, 2019" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    with state_context(state):
        assert set(Recommendation.objects.filter(upr_session=34).values_list("symbol", "issued_on")) == {
            ("A/HRC/43/15", date(2019, 12, 19))
        }
        assert Recommendation.objects.filter(upr_session=34).count() == 215


def test_wrong_batch_details_are_shown_and_no_job_is_made(client, planted, media, django_capture_on_commit_callbacks):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    location = upload(client, state, THEMATIC_LIST, django_capture_on_commit_callbacks)
    response = client.post(location, {"action": "details", "session": "0", "issued_on": "19/12/2019"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Enter a valid date." in page
    assert "Ensure this value is greater than or equal to 1." in page
    with state_context(state):
        assert ImportJob.objects.filter(filename=THEMATIC_LIST.name).count() == 1


def test_the_addendum_preview_shows_the_positions_that_change(
    client, planted, media, django_capture_on_commit_callbacks
):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    report = upload(client, state, REPORT, django_capture_on_commit_callbacks)
    page = text_of(client.get(report))
    assert (
        "What the document says of itself Title Report of the Working Group on the Universal Periodic Review: "
        "Slovenia Document symbol A/HRC/43/15 Date of the document Dec. 19, 2019 Mechanism UPR Session 34 "
        "UPR cycle 3 State Slovenia"
    ) in page
    # Every record has its details: nothing to give.
    assert "Details of the batch" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report)

    addendum = upload(client, state, ADDENDUM, django_capture_on_commit_callbacks)
    page = text_of(client.get(addendum))
    assert (
        "If you confirm, the addendum sets these positions on the recommendations of A/HRC/43/15: Positions read 157 "
        "Positions that change 157 Already in that position 0 Numbers it could not place 0 Supported 124 Noted 33"
    ) in page
    assert "157 positions change" in page
    assert "Details of the batch" not in page, "the report was found: nothing to give"
    assert (
        "Recommendation Position before Position in the addendum 122.1 Complete the process of ratification of the "
        "Optional Protocol to the International Covenant on Economic, Social and Cultural Rights (Senegal); Pending "
        "Supported 122.2 Ratify the International "
        "Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families (Bangladesh) "
        "(Egypt); Pending Noted"
    ) in page
    assert "Numbers it could not place Where" not in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(addendum)
    with state_context(state):
        assert Recommendation.objects.filter(symbol="A/HRC/43/15", position="pending").count() == 0
        assert Recommendation.objects.get(symbol="A/HRC/43/15", paragraph="122.1").position == "supported"
    assert "The addendum's positions are set on the recommendations of A/HRC/43/15" in text_of(
        client.get(done["Location"])
    )


def test_concluding_observations_preview_tells_the_follow_up(
    client, planted, media, django_capture_on_commit_callbacks
):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    # A CONSTRUCTED sample, not a UN document (tests/fixtures/imports/un-documents/README.md).
    location = upload(
        client, state, FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.pdf", django_capture_on_commit_callbacks
    )
    page = text_of(client.get(location))
    assert (
        "Follow-up requested E/C.12/SVN/CO/3 asks for information on paragraphs 12, 25, 38 by Oct. 11, 2026. On "
        "import, these recommendations are marked urgent (a priority factor) and the reply goes on the calendar of "
        "obligations."
    ) in page


def test_uhri_api_records_with_their_filter_lists_as_a_file(client, planted, media, django_capture_on_commit_callbacks):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    records = sample_file("uhri-api-records-sample.jsonl")
    sdgs = sample_file("uhri-filterlist-sdgs.jsonl")
    without = upload(client, state, records, django_capture_on_commit_callbacks)
    with_lists = upload(
        client,
        state,
        records,
        django_capture_on_commit_callbacks,
        filter_lists=SimpleUploadedFile(sdgs.name, sdgs.read_bytes()),
    )
    with state_context(state):
        jobs = {job.pk: job for job in ImportJob.objects.filter(filename=records.name)}
    first, second = (jobs[int(location.rstrip("/").rsplit("/", 1)[1])] for location in (without, with_lists))
    assert (first.created, second.created) == (325, 325)
    assert second.options["filter_lists"].endswith("/uhri-filterlist-sdgs.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(with_lists)
    with state_context(state):
        flagged = [
            flag
            for flags in Recommendation.objects.filter(external_id__startswith="e0a1b2c3").values_list(
                "review_flags", flat=True
            )
            for flag in flags
        ]
        assert not [flag for flag in flagged if flag.startswith("unresolved sdgsIds")]
        assert Recommendation.objects.exclude(sdg_target_ids=[]).exists()


def test_filter_lists_that_cannot_be_read_are_refused_with_the_reason(client, planted, media):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    records = sample_file("uhri-api-records-sample.jsonl")
    response = client.post(
        url("import-list", state),
        {
            "file": SimpleUploadedFile(records.name, records.read_bytes()),
            "format": "auto",
            "filter_lists": SimpleUploadedFile("lists.jsonl", b'{"id": "1", "text": "x"}\n'),
        },
    )
    assert response.status_code == 200
    assert (
        "The filter lists in “lists.jsonl” cannot be read: The name of “lists.jsonl” does not say which filter list "
        "it is; name it after its list, such as sdgs.jsonl, themes.json or countries.json (known lists: "
        "affected_persons, annotation_types, bodies, countries, regions, sdgs, themes, upr_cycles, upr_positions, "
        "upr_sessions)."
    ) in text_of(response)


def test_saved_api_records_get_the_filter_lists_from_the_api(
    client, planted, media, fake_api, django_capture_on_commit_callbacks
):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    data = "\n".join(json.dumps(api_record(n)) for n in (1, 2)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("import-list", state), {"file": SimpleUploadedFile("saved.jsonl", data), "format": "auto"}
        )
    with state_context(state):
        job = ImportJob.objects.get(filename="saved.jsonl")
        assert (job.status, job.format, job.created) == ("succeeded", "uhri-api-records", 2)
        assert job.errors == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    with state_context(state):
        themes = {t.name for r in Recommendation.objects.filter(external_id__startswith="e0a1b2c3") for t in r.themes}
        assert themes == {"Equality & non-discrimination"}
        flags = {
            flag for r in Recommendation.objects.filter(external_id__startswith="e0a1b2c3") for flag in r.review_flags
        }
        # The themes' ids resolved; only the mechanism stays to review (the fake's records name no body).
        assert flags == {"mechanism not recognised: (empty)"}


def test_the_bulk_action_gives_imported_recommendations_their_details(client, planted, media):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    upr = Mechanism.objects.get(code="UPR")
    text = "Protect human rights defenders"
    with state_context(state):
        lacking = Recommendation.objects.create(
            state=state,
            mechanism=upr,
            text=text,
            upr_session=None,
            import_key=f"text:UPR:-:{text_digest(text)}",
        )
        complete = Recommendation.objects.create(state=state, mechanism=upr, text="Other", symbol="A/HRC/1/1")
    response = client.post(
        url("recommendation-bulk", state),
        {
            "action": "document_details",
            "scope": "selected",
            "ids": [lacking.pk, complete.pk],
            "document_details_symbol": "A/HRC/43/15",
            "document_details_issued_on": "2019-12-19",
            "document_details_mechanism": "",
            "document_details_session": "34",
            "document_details_cycle": "",
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["2 recommendations changed."]
    with state_context(state):
        lacking.refresh_from_db()
        complete.refresh_from_db()
    assert (lacking.symbol, str(lacking.issued_on), lacking.upr_session, lacking.upr_cycle, lacking.import_key) == (
        "A/HRC/43/15",
        "2019-12-19",
        34,
        3,
        f"text:UPR:s34:{text_digest(text)}",
    )
    # What a recommendation had is kept, unless "Replace" is ticked.
    assert (complete.symbol, complete.upr_session) == ("A/HRC/1/1", 34)

    client.post(
        url("recommendation-bulk", state),
        {
            "action": "document_details",
            "scope": "selected",
            "ids": [complete.pk],
            "document_details_symbol": "A/HRC/43/15",
            "document_details_replace": "on",
        },
    )
    with state_context(state):
        complete.refresh_from_db()
    assert complete.symbol == "A/HRC/43/15"


def test_the_bulk_action_needs_a_detail(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(
        url("recommendation-bulk", planted.a.state),
        {"action": "document_details", "scope": "selected", "ids": [planted.a.unpublished.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Document details: Choose one for this action."]


def test_the_schedule_page_saves_the_mechanisms_followed(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    page = client.get(url("import-uhri-schedule", state))
    assert "Keeping in step with the UHRI" in text_of(page)
    crc, upr = Mechanism.objects.get(code="CRC"), Mechanism.objects.get(code="UPR")
    response = client.post(
        url("import-uhri-schedule", state),
        {"enabled": "on", "interval_days": "14", "mechanisms": [str(crc.pk), str(upr.pk)]},
    )
    assert response["Location"] == url("import-uhri-schedule", state)
    with state_context(state):
        schedule = UhriSchedule.objects.get()
    assert (schedule.enabled, schedule.interval_days, schedule.mechanism_ids) == (
        True,
        14,
        sorted([crc.pk, upr.pk]),
    )
    assert schedule.next_run_at is not None
    page = text_of(client.get(url("import-uhri-schedule", state)))
    assert "The schedule of UHRI fetches was saved." in page


def test_observers_and_focal_points_may_not_change_the_schedule(client, planted):
    for role in ("observer", "focal_point"):
        sign_in(client, planted.a.people[role])
        assert client.get(url("import-uhri-schedule", planted.a.state)).status_code == 403
        assert client.post(url("import-uhri-schedule", planted.a.state), {"enabled": "on"}).status_code == 403

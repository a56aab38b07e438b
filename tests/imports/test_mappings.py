"""Saved column mappings: the pages, their checks, stale edits, and imports that use them."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from imports.forms import MAPPING_LIST_TARGETS, MAPPING_TARGET_LABELS, ColumnMappingForm, ImportUploadForm
from imports.mappings import column_mapping_save, mapping_for, mapping_of
from imports.models import ColumnMapping, ImportJob
from imports.parsers import tabular
from imports.parsers.registry import PRESET_MAPPINGS
from imports.parsers.tabular import UPR_INFO_MAPPING
from recommendations.models import Recommendation
from tenants.models import HistoryEntry
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

SHEET = (
    "Recommendation;Response;Issue;Date;Session\r\n"
    '"Adopt a national plan against child labour (Ruritania)";Accepted;'
    "Right to education, Equality & non-discrimination;31/12/2024;40\r\n"
    '"Ratify the Optional Protocol (Freedonia)";Rejected;;15/01/2025;40\r\n'
)
# What the editor sends for a mapping of SHEET.
SHEET_FORM = {
    "name": "Ministry tracking sheet",
    "description": "The layout the ministries send back",
    "text__column": "Recommendation",
    "mechanism__constant": "UPR",
    "position__column": "Response",
    "position__values": "Accepted = supported\nRejected = noted",
    "themes__column": "Issue",
    "themes__separator": ",",
    "issued_on__column": "Date",
    "issued_on__date_format": "DD/MM/YYYY",
    "upr_session__column": "Session",
    "upr_cycle__column": "Session",
    "upr_cycle__from_session": "on",
}
SHEET_FIELDS = {
    "text": {"column": "Recommendation"},
    "mechanism": {"constant": "UPR"},
    "position": {"column": "Response", "value_map": {"Accepted": "supported", "Rejected": "noted"}},
    "themes": {"column": "Issue", "separator": ","},
    "upr_session": {"column": "Session"},
    "upr_cycle": {"column": "Session", "transform": "upr_cycle_from_session"},
    "issued_on": {"column": "Date", "date_format": "%d/%m/%Y"},
}


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def save(state, name="Ministry tracking sheet", fields=None, user=None):
    with state_context(state):
        return column_mapping_save(
            state=state, user=user, name=name, description="", fields=fields or SHEET_FIELDS, instance=None
        )


def test_every_target_field_has_a_label_and_list_fields_a_separator():
    assert set(MAPPING_TARGET_LABELS) == set(tabular.TARGET_FIELDS)
    form = ColumnMappingForm()
    assert {name.partition("__")[0] for name in form.fields if name.endswith("__separator")} == set(
        MAPPING_LIST_TARGETS
    )


def test_create_edit_and_delete_through_the_pages(client, planted):
    state, user = planted.a.state, planted.a.people["secretariat"]
    sign_in(client, user)
    response = client.post(url("mapping-create", state), SHEET_FORM)
    assert response["Location"] == url("mapping-list", state)
    with state_context(state):
        mapping = ColumnMapping.objects.get(name="Ministry tracking sheet")
    assert (mapping.fields, mapping.description, mapping.created_by) == (
        SHEET_FIELDS,
        "The layout the ministries send back",
        user,
    )
    assert mapping_of(mapping) == tabular.TableMapping.from_dict(
        {"name": "Ministry tracking sheet", "fields": SHEET_FIELDS}
    )

    listing = client.get(url("mapping-list", state)).content.decode()
    assert "Ministry tracking sheet" in listing
    assert "column “Recommendation”" in listing and "always “UPR”" in listing
    assert "UPR Info database export" in listing  # the preset, read-only
    assert url("mapping-edit", state, pk=mapping.pk) in listing

    edit_url = url("mapping-edit", state, pk=mapping.pk)
    form = client.get(edit_url).context["form"]
    assert form.initial["position__values"] == "Accepted = supported\nRejected = noted"
    assert form.initial["issued_on__date_format"] == "%d/%m/%Y"
    assert form.initial["upr_cycle__from_session"] is True
    seen = form.initial["seen_updated_at"].isoformat()
    changed = {**SHEET_FORM, "name": "Sheet of the ministries", "themes__separator": "\\n", "seen_updated_at": seen}
    changed.pop("upr_cycle__from_session")
    assert client.post(edit_url, changed)["Location"] == url("mapping-list", state)
    with state_context(state):
        mapping.refresh_from_db()
    assert mapping.name == "Sheet of the ministries"
    assert mapping.fields["themes"] == {"column": "Issue", "separator": "\n"}
    assert mapping.fields["upr_cycle"] == {"column": "Session"}

    delete_url = url("mapping-delete", state, pk=mapping.pk)
    assert "Sheet of the ministries" in client.get(delete_url).content.decode()
    assert client.post(delete_url)["Location"] == url("mapping-list", state)
    with state_context(state):
        assert not ColumnMapping.objects.filter(pk=mapping.pk).exists()
        # User-curated configuration: its history is kept, with who did it.
        entries = HistoryEntry.objects.filter(table_name="recommendations_columnmapping", row_id=str(mapping.pk))
        assert sorted(entries.values_list("operation", flat=True)) == ["D", "I", "U"]
        assert entries.get(operation="U").context.metadata["user_name"] == str(user)


def test_validation_errors_are_shown_beside_their_fields(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    response = client.post(
        url("mapping-create", state),
        {
            "name": "",
            "text__constant": "",
            "position__column": "Response",
            "position__constant": "supported",
            "position__values": "Accepted = supported\nRefused = maybe\nno equals sign",
            "issued_on__column": "Date",
            "issued_on__date_format": "DD/MM",
            "text_language__constant": "klingon",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["This field is required."]
    assert errors["text__column"] == ["Name the column of your file that holds this."]
    assert errors["position__constant"] == ["Give either a column or a value for every row, not both."]
    assert errors["position__values"] == [
        "Line 2: “maybe” is not a position; use supported, noted, partially_supported or pending.",
        "Line 3: write the value in your file, then =, then the position.",
    ]
    assert errors["issued_on__date_format"] == [
        "“DD/MM” is not a date format with a day, a month and a year, such as DD/MM/YYYY."
    ]
    assert errors["text_language__constant"][0].startswith("“klingon” is not a language code")
    page = response.content.decode()
    # Each input names its error message, and the summary links to the input.
    assert 'aria-describedby="id_text__column_error"' in page
    assert 'id="id_text__column_error"' in page
    assert '<a href="#id_text__column">Text of the recommendation (Column in your file):' in page
    with state_context(state):
        assert ColumnMapping.objects.count() == 1  # the planted one


def test_names_of_presets_and_of_the_states_mappings_are_taken(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    save(state, name="Ministry tracking sheet")
    for name, message in (
        ("UPR-Info", "“UPR-Info” is the name of a ready-made mapping; choose another name."),
        ("ministry  tracking sheet", "This State already has a column mapping named “ministry tracking sheet”."),
    ):
        response = client.post(url("mapping-create", state), {**SHEET_FORM, "name": name})
        assert response.context["form"].errors["name"] == [message]


def test_the_service_refuses_an_invalid_mapping_with_a_translatable_message(planted):
    with pytest.raises(ValidationError) as caught:
        save(planted.a.state, fields={"position": {"column": "Response"}})
    assert caught.value.messages[0].startswith("This column mapping cannot be used: ")
    with pytest.raises(ValidationError):
        save(planted.a.state, fields={"text": {"column": "A", "constant": "B"}})


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, planted):
    state = planted.a.state
    mapping = save(state)
    sign_in(client, planted.a.people["secretariat"])
    edit_url = url("mapping-edit", state, pk=mapping.pk)
    seen = client.get(edit_url).context["form"].initial["seen_updated_at"].isoformat()
    first = client.post(edit_url, {**SHEET_FORM, "text__column": "Text", "seen_updated_at": seen})
    assert first.status_code == 302
    second = client.post(edit_url, {**SHEET_FORM, "text__column": "My column", "seen_updated_at": seen})
    assert second.status_code == 200
    form = second.context["form"]
    assert form.non_field_errors()[0].startswith("Someone else saved this column mapping")
    assert form["text__column"].value() == "My column"
    with state_context(state):
        mapping.refresh_from_db()
    assert mapping.fields["text"] == {"column": "Text"}
    # Saving again, from what is stored now, goes through.
    third = client.post(
        edit_url, {**SHEET_FORM, "text__column": "My column", "seen_updated_at": form["seen_updated_at"].value()}
    )
    assert third.status_code == 302
    with state_context(state):
        mapping.refresh_from_db()
    assert mapping.fields["text"] == {"column": "My column"}


def test_the_same_name_in_two_states(planted):
    a = save(planted.a.state, name="Shared layout")
    b = save(planted.b.state, name="Shared layout")
    assert (a.state_id, b.state_id) == (planted.a.state.pk, planted.b.state.pk)
    with state_context(planted.a.state):
        assert mapping_for(planted.a.state, "Shared layout") == mapping_of(a)
        assert mapping_for(planted.a.state, planted.b.column_mapping.name) is None
        assert mapping_for(planted.a.state, "upr-info") is PRESET_MAPPINGS["upr-info"]
        assert mapping_for(planted.a.state, "nothing of the kind") is None


def test_the_upload_form_offers_the_presets_and_this_states_mappings(planted):
    save(planted.a.state, name="Ministry tracking sheet")
    with state_context(planted.a.state):
        form = ImportUploadForm(state=planted.a.state)
    values = [value for _, options in form.fields["mapping"].choices[1:] for value, _ in options]
    assert values == ["upr-info", "Alphaland tracking sheet", "Ministry tracking sheet"]


def test_an_upload_uses_a_saved_mapping(client, planted, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    state = planted.a.state
    save(state)
    sign_in(client, planted.a.people["secretariat"])
    page = client.get(url("import-list", state)).content.decode()
    assert '<option value="Ministry tracking sheet">' in page
    assert url("mapping-list", state) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("import-list", state),
            {
                "file": SimpleUploadedFile("sheet.csv", SHEET.encode()),
                "format": "csv",
                "mapping": "Ministry tracking sheet",
                "encoding": "",
            },
        )
    with state_context(state):
        preview = ImportJob.objects.get(filename="sheet.csv")
    assert response["Location"] == url("import-detail", state, pk=preview.pk)
    # The sheet names no State under review: every row is about this State.
    assert (preview.status, preview.failure, preview.created, preview.rejected) == ("succeeded", "", 2, 0)
    assert preview.options["mapping"] == "Ministry tracking sheet"
    assert preview.by_position == {"supported": 1, "noted": 1, "partially_supported": 0, "pending": 0}


def test_the_command_uses_a_saved_mapping_and_names_the_known_ones(planted, tmp_path):
    state = planted.a.state
    save(state)
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, newline="")
    out = io.StringIO()
    call_command(
        "import_recommendations", str(path), "--state", state.slug, "--mapping", "Ministry tracking sheet",
        "--json", stdout=out,
    )  # fmt: skip
    outcome = json.loads(out.getvalue())
    assert (outcome["status"], outcome["created"], outcome["rejected"]) == ("succeeded", 2, 0)
    with state_context(state):
        recommendation = Recommendation.objects.get(text_en__startswith="Adopt a national plan")
        assert (
            recommendation.mechanism.code,
            recommendation.position,
            recommendation.issued_on,
            recommendation.upr_session,
            recommendation.upr_cycle,
        ) == ("UPR", "supported", date(2024, 12, 31), 40, 3)
        assert sorted(theme.name for theme in recommendation.themes.all()) == [
            "Equality & non-discrimination",
            "Right to education",
        ]
        assert recommendation.review_flags == []
        assert Recommendation.objects.get(text_en__startswith="Ratify the Optional").position == "noted"

    with pytest.raises(CommandError) as caught:
        call_command("import_recommendations", str(path), "--state", state.slug, "--mapping", "Nope", "--json")
    message = str(caught.value)
    assert "upr-info" in message and "Ministry tracking sheet" in message
    assert planted.b.column_mapping.name not in message


def test_a_sample_file_offers_its_column_names_and_keeps_what_was_typed(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(
        url("mapping-create", state),
        {"name": "Half done", "text__column": "Recommendation", "read_sample": "1",
         "sample": SimpleUploadedFile("sheet.csv", SHEET.encode())},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound  # nothing checked yet, so no error shown
    assert (form.initial["name"], form.initial["text__column"]) == ("Half done", "Recommendation")
    assert response.context["sample_columns"][:2] == [
        ("Recommendation", "Adopt a national plan against child labour (Ruritania)"),
        ("Response", "Accepted"),
    ]
    page = response.content.decode()
    assert '<datalist id="sample-columns"><option value="Recommendation"></option>' in page
    assert 'list="sample-columns"' in page
    with state_context(state):
        assert not ColumnMapping.objects.filter(name="Half done").exists()

    # The columns stay on offer when the save then fails.
    carried = form.initial["sample_columns"]
    failed = client.post(url("mapping-create", state), {"name": "", "sample_columns": carried})
    assert [name for name, _ in failed.context["sample_columns"]] == ["Recommendation", "Response", "Issue", "Date",
                                                                       "Session"]  # fmt: skip


def test_an_excel_sample_and_the_size_limit(client, planted, settings):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    workbook = Workbook()
    workbook.active.append(["Texte", "Position", "Date"])
    workbook.active.append(["Garantir l'accès à l'eau", "Acceptée", date(2024, 5, 2)])
    data = io.BytesIO()
    workbook.save(data)
    sample = SimpleUploadedFile("feuille.xlsx", data.getvalue())
    response = client.post(url("mapping-create", state), {"read_sample": "1", "sample": sample})
    assert response.context["sample_columns"] == [
        ("Texte", "Garantir l'accès à l'eau"),
        ("Position", "Acceptée"),
        ("Date", "2024-05-02"),
    ]

    settings.NRTD_MAX_UPLOAD_BYTES = 10
    sample = SimpleUploadedFile("feuille.xlsx", data.getvalue())
    response = client.post(url("mapping-create", state), {"read_sample": "1", "sample": sample})
    assert response.context["sample_form"].errors["sample"][0].startswith("“feuille.xlsx” is ")
    assert response.context["sample_columns"] == []

    settings.NRTD_MAX_UPLOAD_BYTES = 10_000_000
    broken = SimpleUploadedFile("broken.xlsx", b"PK\x03\x04 not really a workbook")
    response = client.post(url("mapping-create", state), {"read_sample": "1", "sample": broken})
    assert (
        response.context["sample_form"]
        .errors["sample"][0]
        .startswith("The column names of “broken.xlsx” cannot be read:")
    )


def test_start_from_a_preset_and_it_saves_the_same_mapping(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    form = client.get(url("mapping-create", state), {"from": "upr-info"}).context["form"]
    assert form.initial["text__column"] == "Text"
    assert form.initial["themes__separator"] == ","
    data = {name: value for name, value in form.initial.items() if value is not True}
    data |= {name: "on" for name, value in form.initial.items() if value is True}
    client.post(url("mapping-create", state), {**data, "name": "Our UPR Info layout"})
    with state_context(state):
        saved = ColumnMapping.objects.get(name="Our UPR Info layout")
    assert saved.fields == UPR_INFO_MAPPING.to_dict()["fields"]


def test_people_who_cannot_import_cannot_change_mappings(client, planted):
    state, mapping = planted.a.state, planted.a.column_mapping
    for role in ("focal_point", "observer"):
        sign_in(client, planted.a.people[role])
        assert client.post(url("mapping-create", state), SHEET_FORM).status_code == 403
        assert client.post(url("mapping-delete", state, pk=mapping.pk)).status_code == 403
    # Another State's administrator does not even learn that the mapping exists.
    sign_in(client, planted.b.people["admin"])
    assert client.post(url("mapping-delete", planted.b.state, pk=mapping.pk)).status_code == 404
    with state_context(state):
        assert ColumnMapping.objects.filter(pk=mapping.pk).exists()


def test_enter_in_a_field_saves_when_no_sample_file_is_chosen(client, planted):
    # Pressing Enter submits the form's first button, "Read the column names": without a file, it saves.
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    response = client.post(url("mapping-create", state), {**SHEET_FORM, "read_sample": "1"})
    assert response["Location"] == url("mapping-list", state)
    with state_context(state):
        assert ColumnMapping.objects.filter(name="Ministry tracking sheet").exists()

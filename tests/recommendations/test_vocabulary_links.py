"""Vocabulary links as arrays: what an import stores, how history shows a change of themes, the
goal filter, the protection of vocabulary entries in use, and the import writer's edge cases."""

from __future__ import annotations

import json

import pytest
from django.db import DataError, IntegrityError, transaction

from imports.writer import IMPORTED_FIELDS, _Writer
from recommendations.filters import RecommendationFilter
from recommendations.models import Mechanism, Recommendation, SdgTarget, Theme
from tenants.models import HistoryEntry
from tenants.scoping import state_context
from tests.imports.test_jobs import counts, run_import, uhri_record, write_json
from tests.recommendations.test_api import api, sign_in

pytestmark = pytest.mark.django_db


def test_a_goal_named_alone_is_kept_and_the_goal_filter_finds_it_and_its_targets(tmp_path, slovenia):
    records = [
        uhri_record(1, Sdgs=["4 - QUALITY EDUCATION"]),
        uhri_record(2, Sdgs=["4.1 - Ensure that all girls and boys complete free primary education"]),
        uhri_record(3, Sdgs=["16.2 - Protect children from abuse, exploitation, trafficking and violence"]),
    ]
    assert counts(run_import(write_json(tmp_path, records), slovenia)) == (3, 0, 0, 0)
    with state_context(slovenia):
        alone = Recommendation.objects.get(paragraph="121.1")
        assert [goal.number for goal in alone.sdg_goals] == [4]
        assert alone.sdg_target_ids == []
        assert not alone.review_flags
        found = RecommendationFilter({"sdg_goal": "4"}, queryset=Recommendation.objects.all()).qs
        assert sorted(r.paragraph for r in found) == ["121.1", "121.2"]


def test_a_change_of_themes_shows_in_the_recommendations_own_history_entry(tmp_path, slovenia):
    run_import(write_json(tmp_path, [uhri_record(1)]), slovenia)
    changed = [uhri_record(1, Themes=["Right to education"])]
    assert counts(run_import(write_json(tmp_path, changed, "changed.json"), slovenia)) == (0, 1, 0, 0)
    with state_context(slovenia):
        recommendation = Recommendation.objects.get()
        update = HistoryEntry.objects.get(
            table_name="recommendations_recommendation", row_id=str(recommendation.pk), operation="U"
        )
        before = Theme.objects.get(name_en="Equality & non-discrimination").pk
        after = Theme.objects.get(name_en="Right to education").pk
        assert (update.before["theme_ids"], update.after["theme_ids"]) == ([before], [after])
        # The original "text" column repeats text_en: history keeps the translation only.
        insert = HistoryEntry.objects.get(row_id=str(recommendation.pk), operation="I")
        assert "text" not in insert.after and insert.after["text_en"].startswith("121.1 ")


def test_a_vocabulary_entry_in_use_cannot_be_deleted_and_an_unused_one_can(tmp_path, slovenia):
    run_import(write_json(tmp_path, [uhri_record(1)]), slovenia)
    used = Theme.objects.get(name_en="Equality & non-discrimination")
    with pytest.raises(IntegrityError, match="still used by recommendations"), transaction.atomic():
        used.delete()
    target = SdgTarget.objects.get(code="16.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        target.delete()
    unused = Theme.objects.create(name="A theme nobody uses")
    unused.delete()
    assert Theme.objects.filter(pk=used.pk).exists()


def test_a_recommendation_entered_by_hand_with_its_uhri_id_is_updated_not_duplicated(tmp_path, slovenia):
    record = uhri_record(1)
    with state_context(slovenia):
        Recommendation.objects.create(
            state=slovenia,
            mechanism=Mechanism.objects.get(code="UPR"),
            external_id=record["AnnotationId"],
            text="Typed in by the secretariat",
        )
    assert counts(run_import(write_json(tmp_path, [record]), slovenia)) == (0, 1, 0, 0)
    with state_context(slovenia):
        recommendation = Recommendation.objects.get()
        assert recommendation.import_key == f"uhri:{record['AnnotationId']}"
        assert recommendation.text_en.startswith("121.1 Continue")


def test_values_that_do_not_fit_the_database_are_rejected_with_the_record_and_field(tmp_path, slovenia):
    records = [
        uhri_record(1, Symbol="A/HRC/" + "9" * 120),
        uhri_record(2, UprSession="70000"),
        uhri_record(3, Text="<p>121.3 Ratify\x00 the convention (Chile);</p>"),
    ]
    outcome = run_import(write_json(tmp_path, records), slovenia)
    assert counts(outcome) == (1, 0, 0, 2)
    first, second = outcome["errors"]
    assert (first["location"], first["column"]) == ("record 1", "symbol")
    assert "longer than 100 characters" in first["message"]
    assert (second["location"], second["column"]) == ("record 2", "upr_session")
    assert "70000" in second["message"]
    with state_context(slovenia):
        assert Recommendation.objects.get().text_en == "121.3 Ratify the convention (Chile);"


def test_the_writer_hands_a_database_error_back_and_nothing_is_kept(slovenia):
    with state_context(slovenia):
        with pytest.raises(DataError), transaction.atomic():
            writer = _Writer(slovenia)
            # A mechanism id that is not a number: PostgreSQL refuses the batch.
            row = (None, "uhri:x", "x", "not-a-number") + (None,) * (len(IMPORTED_FIELDS) - 3)
            writer.write([row], [])
            writer.close()
        # Nothing kept, and the connection is usable again afterwards.
        assert not Recommendation.objects.exists()


def test_the_api_reads_and_writes_vocabularies_by_label(client, planted):
    a = planted.a
    sign_in(client, a.people["secretariat"])
    response = client.post(
        api(a.state),
        data=json.dumps(
            {
                "mechanism": "UPR",
                "text_en": "Adopt a law on domestic violence",
                "themes": ["Domestic violence"],
                "sdg_targets": ["5.2"],
                "sdg_goals": [5],
                "recommending_countries": ["CHL"],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["themes"], body["sdg_targets"], body["sdg_goals"], body["recommending_countries"]) == (
        ["Domestic violence"],
        ["5.2"],
        [5],
        ["CHL"],
    )
    refused = client.post(
        api(a.state),
        data=json.dumps({"mechanism": "UPR", "text_en": "x", "themes": ["No such theme"]}),
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "No such theme" in json.dumps(refused.json())

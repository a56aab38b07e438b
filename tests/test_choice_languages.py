"""Every fixed list the interface shows (positions, implementation and review statuses, kinds,
roles, the yes/no filters, the languages' own names...) is named in the six UN languages.

The global vocabularies (mechanisms, themes, SDGs...) are checked in
tests/recommendations/test_vocabulary_languages.py; this is the rest of the reference data:
the choices of every field of every model of the project, the choices of the recommendation
list's filters and bulk actions, and settings.LANGUAGES. A label missing from a catalogue, or
marked fuzzy (gettext then shows the English), fails with the label and the language named.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

PROJECT_APPS = ("tenants", "recommendations", "imports", "followup", "reporting", "portal", "console", "workspace")
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def _labels_of(choices) -> list[Promise]:
    labels = []
    for _value, label in choices or ():
        if isinstance(label, (list, tuple)):  # a group of choices
            labels += _labels_of(label)
        elif isinstance(label, Promise):
            labels.append(label)
    return labels


def interface_labels() -> dict[str, Promise]:
    """Every translatable label of a fixed list, by where it is shown."""
    from recommendations.curation_forms import BULK_ACTIONS
    from recommendations.filters import AnyYesNo, RecommendationFilter
    from recommendations.priority import FACTOR_CHOICES

    found: dict[str, Promise] = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            for label in _labels_of(getattr(field, "choices", None)):
                found[f"{model._meta.label}.{field.name}: {label._args[-1]}"] = label
    for name, filter_ in RecommendationFilter.base_filters.items():
        for label in _labels_of(filter_.extra.get("choices")):
            found[f"list filter {name}: {label._args[-1]}"] = label
    for label in _labels_of(AnyYesNo().choices) + _labels_of(BULK_ACTIONS) + _labels_of(FACTOR_CHOICES):
        found[f"list: {label._args[-1]}"] = label
    for label in _labels_of(settings.LANGUAGES):
        found[f"language name: {label._args[-1]}"] = label
    return found


def test_the_reference_lists_are_found():
    labels = interface_labels()
    assert {"recommendations.Recommendation.position: Noted", "language name: English"} <= set(labels)
    assert any(key.startswith("recommendations.Recommendation.implementation_status:") for key in labels)
    assert any(key.startswith("followup.ProgressUpdate.status:") for key in labels)
    assert "list: Any" in labels
    assert len(labels) > 100


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_label_of_a_fixed_list_is_translated(language):
    catalogue = trans_real.translation(language)._catalog
    missing = []
    for where, label in sorted(interface_labels().items()):
        key = label._args[-1] if len(label._args) == 1 else f"{label._args[0]}\x04{label._args[1]}"
        if not catalogue.get(key):
            missing.append(where)
    assert missing == [], f"not translated into {language}"


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Dec. 6, 2026, 3:45 p.m."),
        ("fr", "6 décembre 2026 15:45"),
        ("es", "6 de diciembre de 2026 a las 15:45"),
        ("ar", "6 ديسمبر 2026، 3:45 م"),
        ("ru", "6 декабря 2026 г. 15:45"),
        ("zh-hans", "2026年12月6日 15:45"),
    ],
)
def test_dates_and_times_in_each_languages_order(language, written):
    moment = datetime.datetime(2026, 12, 6, 15, 45, tzinfo=datetime.UTC)
    with translation.override(language):
        assert formats.date_format(moment, "DATETIME_FORMAT") == written


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "12,345.5"),
        ("fr", "12\xa0345,5"),
        ("es", "12\xa0345,5"),
        ("ar", "12,345.5"),
        ("ru", "12\xa0345,5"),
        ("zh-hans", "12,345.5"),
    ],
)
def test_figures_grouped_as_each_language_writes_them(language, written):
    with translation.override(language):
        assert formats.number_format(12345.5, decimal_pos=1, force_grouping=True) == written

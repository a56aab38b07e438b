"""Every global vocabulary entry is named in the six UN languages, in the data files and in the tables.

The data-file tests read ``recommendations/data/*.json`` only (no database): a missing or empty
name, or an Arabic, Russian or Chinese "translation" that is the English text copied, fails with
the entry and the language named, so the gap is found in review rather than by a reader of the
Arabic workspace.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from django.conf import settings

from recommendations.models import AffectedGroup, Mechanism, SdgGoal, SdgTarget, Theme
from recommendations.vocabularies import load_vocabularies, read_data_file

LANGUAGES: tuple[str, ...] = tuple(settings.MODELTRANSLATION_LANGUAGES)

# A name in these languages must be written in their script: one without a single letter of it is
# English (or a transliteration) left in place of a translation.
SCRIPTS: dict[str, re.Pattern[str]] = {
    "ar": re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "ru": re.compile(r"[\u0400-\u04ff]"),
    "zh-hans": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"),
}

# (data file, section, how an entry is named in a failure, model loaded from it)
VOCABULARIES: list[tuple[str, str, str, type]] = [
    ("mechanisms", "mechanisms", "code", Mechanism),
    ("themes", "themes", "en", Theme),
    ("affected_groups", "affected_groups", "en", AffectedGroup),
    ("sdgs", "goals", "number", SdgGoal),
    ("sdgs", "targets", "code", SdgTarget),
]


def label(entry: dict[str, Any], key: str) -> str:
    """How a failure names the entry: its code or number, else its English name."""
    return str(entry[key]) if key in entry else repr(entry.get("name", {}).get("en"))


def same_text(one: str, other: str) -> bool:
    return " ".join(unicodedata.normalize("NFC", one).casefold().split()) == " ".join(
        unicodedata.normalize("NFC", other).casefold().split()
    )


def name_problems(entries: list[dict[str, Any]], key: str) -> list[str]:
    """One line per missing, empty or copied name: ``"SR Torture: no name in ar"``."""
    problems = []
    for entry in entries:
        names = entry.get("name") or {}
        english = names.get("en") or ""
        for language in LANGUAGES:
            text = names.get(language)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{label(entry, key)}: no name in {language}")
            elif language in SCRIPTS and english and same_text(text, english):
                problems.append(f"{label(entry, key)}: the {language} name is the English one copied")
            elif language in SCRIPTS and not SCRIPTS[language].search(text):
                problems.append(f"{label(entry, key)}: the {language} name {text!r} is not in {language} script")
    return problems


def test_the_six_un_languages_are_the_projects():
    assert LANGUAGES == ("en", "fr", "es", "ar", "ru", "zh-hans")


@pytest.mark.parametrize(("filename", "section", "key"), [v[:3] for v in VOCABULARIES])
def test_every_entry_of_a_data_file_is_named_in_the_six_languages(filename, section, key):
    entries = read_data_file(filename)[section]
    assert entries
    problems = name_problems(entries, key)
    assert problems == [], "\n".join(problems)


def test_the_check_names_the_entry_and_the_language():
    entries = [
        {"code": "SR Torture", "name": {"en": "Special Rapporteur on torture", "fr": "Rapporteur spécial", "ar": ""}},
        {
            "code": "X",
            "name": {
                "en": "Reservations",
                "fr": "Réserves",
                "es": "Reservas",
                "ar": "تحفظات",
                "ru": "reservations ",
                "zh-hans": "Reservation",
            },
        },
    ]
    assert name_problems(entries, "code") == [
        "SR Torture: no name in es",
        "SR Torture: no name in ar",
        "SR Torture: no name in ru",
        "SR Torture: no name in zh-hans",
        "X: the ru name is the English one copied",
        "X: the zh-hans name 'Reservation' is not in zh-hans script",
    ]


def test_load_vocabularies_writes_every_languages_name_into_its_column(db):
    """All six columns of every row equal the data files, after the loader ran on rows whose
    translations were lost (targets and themes included, not only the vocabularies that had them)."""
    columns = ["name_" + language.replace("-", "_") for language in LANGUAGES]
    for _, _, _, model in VOCABULARIES:
        model.objects.all().rewrite(False).update(**{column: None for column in columns if column != "name_en"})

    load_vocabularies()

    for filename, section, key, model in VOCABULARIES:
        # Themes and affected groups are keyed on their English name, the first of the columns.
        fields = columns if key == "en" else [key, *columns]
        stored = {row[0]: list(row[-len(columns) :]) for row in model.objects.values_list(*fields)}
        wanted = {
            entry["name"]["en"] if key == "en" else entry[key]: [entry["name"].get(language) for language in LANGUAGES]
            for entry in read_data_file(filename)[section]
        }
        assert {k: stored.get(k) for k in wanted} == wanted, f"{filename} {section}"

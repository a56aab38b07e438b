"""What every kind of draft needs: texts in the chosen language, names, labels, safe file names."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from recommendations.models import Cluster, Entity, ImplementationStatus, Position, Theme

# modeltranslation's columns, in its fallback order (settings.MODELTRANSLATION_LANGUAGES).
LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)
RTL_LANGUAGES = {"ar"}


def text_column(language: str) -> str:
    return f"text_{language.replace('-', '_')}"


TEXT_COLUMNS = tuple(text_column(code) for code in LANGUAGES)


def language_name(code: str) -> str:
    """The language's name in the active language ("French", "français" under French)."""
    return str(translation.get_language_info(code)["name_translated"])


@dataclass(frozen=True)
class Text:
    """A recommendation's text as a draft shows it: in the chosen language, or the original text
    (the first language it was entered in) with a note that it is not translated."""

    text: str
    translated: bool
    original_language: str = ""

    @property
    def note(self) -> str:
        if self.translated:
            return ""
        return _note(translation.get_language() or settings.LANGUAGE_CODE, self.original_language)


@functools.lru_cache(maxsize=64)
def _note(active: str, original: str) -> str:
    with translation.override(active):
        if original:
            return _("original text (%(language)s), not translated") % {"language": language_name(original)}
        return str(_("original text, not translated"))


def text_in(values: dict, language: str) -> Text:
    """The text for ``language`` from a row's ``text_<code>`` values (see ``TEXT_COLUMNS``)."""
    chosen = (values.get(text_column(language)) or "").strip()
    if chosen:
        return Text(chosen, True)
    for code in LANGUAGES:
        candidate = (values.get(text_column(code)) or "").strip()
        if candidate:
            return Text(candidate, False, code)
    return Text((values.get("text") or "").strip(), False)


def natural_key(value: str) -> tuple:
    """ "121.10" after "121.9": digits compare as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", value or "") if part
    )


def reference(symbol: str, paragraph: str, pk: int) -> str:
    if symbol and paragraph:
        return f"{symbol} ¶ {paragraph}"
    return symbol or paragraph or f"#{pk}"


def entity_names() -> dict[int, str]:
    """Every entity of the State by id, named in the active language (modeltranslation falls back)."""
    return {entity.pk: str(entity) for entity in Entity.objects.all()}


def cluster_names() -> dict[int, tuple[int, str]]:
    """Every cluster of the State by id: its order and its name in the active language."""
    return {cluster.pk: (cluster.position, cluster.name) for cluster in Cluster.objects.all()}


def theme_names() -> dict[int, str]:
    return {theme.pk: theme.name for theme in Theme.objects.all()}


@functools.lru_cache(maxsize=64)
def _labels(language: str) -> tuple[dict[str, str], dict[str, str], str, str]:
    """Positions and statuses as text in ``language`` (a document asks for them thousands of times)."""
    with translation.override(language):
        return (
            {value: str(label) for value, label in Position.choices},
            {value: str(label) for value, label in ImplementationStatus.choices},
            str(_("No position recorded")),
            str(_("No validated update yet")),
        )


def position_label(value: str) -> str:
    positions, _statuses, none, _no_status = _labels(translation.get_language() or settings.LANGUAGE_CODE)
    return positions.get(value, "") if value else none


def status_label(value: str) -> str:
    _positions, statuses, _none, no_status = _labels(translation.get_language() or settings.LANGUAGE_CODE)
    return statuses.get(value, "") if value else no_status


def safe_stem(name: str, fallback: str) -> str:
    """A file name stem any system accepts: ASCII letters, digits and hyphens, 60 at most."""
    stem = slugify(name)[:60].strip("-")
    return stem or fallback


def date_label(value) -> str:
    return _date_label(value, translation.get_language() or settings.LANGUAGE_CODE) if value else ""


@functools.lru_cache(maxsize=4096)
def _date_label(value, language: str) -> str:
    with translation.override(language):
        return date_format(value, "DATE_FORMAT")

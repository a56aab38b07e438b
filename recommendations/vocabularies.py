"""The global reference vocabularies: loading them from the data files, and matching import labels.

The data files in ``recommendations/data/`` are the source of truth for the entries they list:

- ``mechanisms.json``: the UPR, the treaty bodies and the thematic special procedures;
- ``themes.json``: the UHRI human rights themes, under their headings;
- ``affected_groups.json``: the UHRI affected persons;
- ``sdgs.json``: the 17 goals and 169 targets, with the UHRI's ids;
- ``countries.json``: UN Member and Observer States and the other ISO 3166 entries.

Every entry has ``name`` (``{"en": ..., "fr": ..., ...}``, English required; for all but the
countries, ``tests/recommendations/test_vocabulary_languages.py`` requires the six languages) and
``aliases``: the other spellings imports bring (older UHRI labels, coded themes such as ``A12``,
UPR Info issues, ISO names and codes). :func:`load_vocabularies` writes them to the database (a data migration
runs it once; ``manage.py load_vocabularies`` reruns it after the files change), and
:class:`VocabularyIndex` answers "which entry is this label?" during an import, from memory.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.utils import translation
from django.utils.translation import gettext_noop

from recommendations.models import AffectedGroup, Country, Mechanism, SdgGoal, SdgTarget, Theme

if TYPE_CHECKING:
    from django.apps.registry import Apps

DATA_DIR = Path(__file__).resolve().parent / "data"

# Zero-width characters (pasted from Word or the web) and the UHRI's footnote star
# ("State of Palestine*") carry no meaning for matching.
_DROPPED = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff*"))
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})
# "- CRC", an en dash or a bullet: the list markers UHRI exports and Word lists put before a label.
_LIST_MARKER = re.compile(r"^(?:[-\u2013\u2014\u2022]\s+)+")


def normalise_label(text: str) -> str:
    """The key labels are matched on: ``"- Women  &  girls*\\r"`` and ``"women and girls"`` are equal.

    Lower-cased (casefold), list marker ``"- "`` and stars removed, whitespace collapsed, typographic
    apostrophes straightened, ``&`` read as ``and``. Accents are kept (in NFC), because they tell
    names apart in French and Spanish.
    """
    text = unicodedata.normalize("NFC", text).translate(_DROPPED).translate(_APOSTROPHES)
    text = " ".join(text.replace("&", " and ").casefold().split())
    return _LIST_MARKER.sub("", text)


class VocabularyDataError(ValueError):
    """A data file contradicts itself (an unknown parent or goal, a missing English name)."""


def read_data_file(name: str) -> dict[str, Any]:
    """The parsed content of ``recommendations/data/<name>.json``."""
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


# --- Loading ----------------------------------------------------------------------------------


def load_vocabularies(apps: Apps | None = None, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Create or update every vocabulary entry the data files list; return the count per vocabulary.

    Idempotent: entries are matched on their stable key (``Mechanism.code``, ``SdgGoal.number``,
    ``SdgTarget.code``, ``Country.iso3``, the English name of a theme or affected group) and only
    rows that differ from the files are written. Entries the files no longer list are left alone:
    recommendations may point at them.

    ``apps`` is a migration's historical registry (the data migration passes its own); without it,
    the project's models are used. Side effects: inserts and updates on the six vocabulary tables
    of ``using``, in one transaction.
    """
    registry = apps or global_apps

    def model(name: str) -> type[models.Model]:
        return registry.get_model("recommendations", name)

    mechanisms = read_data_file("mechanisms")["mechanisms"]
    themes = read_data_file("themes")["themes"]
    groups = read_data_file("affected_groups")["affected_groups"]
    sdgs = read_data_file("sdgs")
    countries = read_data_file("countries")["countries"]
    with transaction.atomic(using=using):
        _upsert(
            model("Mechanism"), using, "code", [{"code": e["code"], "kind": e["kind"], **_names(e)} for e in mechanisms]
        )
        theme_ids = _upsert(model("Theme"), using, "name", [_names(e) for e in themes], renames=True)
        _theme_parents_set(model("Theme"), using, themes, theme_ids)
        _upsert(model("AffectedGroup"), using, "name", [_names(e) for e in groups], renames=True)
        goal_ids = _upsert(
            model("SdgGoal"),
            using,
            "number",
            [{"number": e["number"], "uhri_id": _uuid(e.get("uhri_id")), **_names(e)} for e in sdgs["goals"]],
        )
        targets = []
        for entry in sdgs["targets"]:
            if entry["goal"] not in goal_ids:
                raise VocabularyDataError(f"SDG target {entry['code']}: no goal {entry['goal']}")
            targets.append(
                {
                    "code": entry["code"],
                    "goal_id": goal_ids[entry["goal"]],
                    "uhri_id": _uuid(entry.get("uhri_id")),
                    **_names(entry),
                }
            )
        _upsert(model("SdgTarget"), using, "code", targets)
        _upsert(
            model("Country"),
            using,
            "iso3",
            [{"iso3": e["iso3"], "iso2": e.get("iso2", ""), **_names(e)} for e in countries],
        )
    return {
        "mechanisms": len(mechanisms),
        "themes": len(themes),
        "affected_groups": len(groups),
        "sdg_goals": len(sdgs["goals"]),
        "sdg_targets": len(sdgs["targets"]),
        "countries": len(countries),
    }


def _names(entry: dict[str, Any]) -> dict[str, Any]:
    """``name``, its per-language columns and ``aliases`` of one data-file entry."""
    names = entry.get("name") or {}
    english = names.get("en")
    if not english:
        raise VocabularyDataError(f"An entry has no English name: {entry}")
    values: dict[str, Any] = {"name": english, "aliases": list(entry.get("aliases", []))}
    for language, text in names.items():
        values[_language_column(language)] = text or None
    return values


def _language_column(language: str) -> str:
    # modeltranslation's naming: "zh-hans" is stored in name_zh_hans.
    return "name_" + language.replace("-", "_")


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _plain(model: type[models.Model], using: str) -> models.QuerySet:
    """A queryset on raw columns: modeltranslation would otherwise read and write ``name`` as
    ``name_<active language>``. Historical models (in migrations) have no such rewriting."""
    queryset = model._default_manager.using(using).order_by()
    rewrite = getattr(queryset, "rewrite", None)
    return rewrite(False) if rewrite else queryset


def _name_columns(model: type[models.Model]) -> list[str]:
    """The translation columns the model has (the migration state decides, not the settings)."""
    return [f.name for f in model._meta.concrete_fields if f.name.startswith("name_")]


def _upsert(
    model: type[models.Model], using: str, key: str, rows: list[dict[str, Any]], *, renames: bool = False
) -> dict[Any, int]:
    """Make the table hold ``rows`` (matched on ``key``); return ``{key value: pk}``.

    Missing translation columns are written as NULL (not ""), because each is unique where set.
    With ``renames``, an entry whose key is not found takes over the row named by one of its
    aliases: renaming an entry in the data file renames the row instead of adding a second one.
    """
    language_columns = _name_columns(model)
    columns = sorted({column for row in rows for column in row} | set(language_columns))
    unknown = [column for column in columns if column not in {f.attname for f in model._meta.concrete_fields}]
    if unknown:
        raise VocabularyDataError(f"{model.__name__} has no column {', '.join(unknown)}")
    wanted = [{column: row.get(column) for column in columns} for row in rows]
    for row in wanted:
        row["aliases"] = row["aliases"] or []

    queryset = _plain(model, using)
    existing = {values[key]: values for values in queryset.values("pk", *columns)}
    listed = {row[key] for row in wanted}
    ids: dict[Any, int] = {}
    to_create = []
    for row in wanted:
        current = existing.get(row[key])
        if current is None and renames:
            current = next(
                (existing[alias] for alias in row["aliases"] if alias in existing and alias not in listed), None
            )
        if current is None:
            to_create.append(model(**row))
            continue
        changed = {column: value for column, value in row.items() if current[column] != value}
        if changed:
            queryset.filter(pk=current["pk"]).update(**changed)
        ids[row[key]] = current["pk"]
    for obj in queryset.bulk_create(to_create):
        ids[getattr(obj, key)] = obj.pk
    return ids


def _theme_parents_set(
    model: type[models.Model], using: str, themes: list[dict[str, Any]], ids: dict[str, int]
) -> None:
    """Point every theme at its heading (a second pass: a heading may be created in the same load)."""
    queryset = _plain(model, using)
    current = dict(queryset.filter(pk__in=ids.values()).values_list("pk", "parent_id"))
    for entry in themes:
        parent = entry.get("parent")
        if parent is not None and parent not in ids:
            raise VocabularyDataError(f"Theme {entry['name']['en']!r}: no theme {parent!r} to be part of")
        pk = ids[entry["name"]["en"]]
        parent_id = ids[parent] if parent else None
        if current.get(pk) != parent_id:
            queryset.filter(pk=pk).update(parent_id=parent_id)


# --- Matching ---------------------------------------------------------------------------------

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SDG_TARGET = re.compile(r"^(?:target\s*)?(?P<code>\d{1,2}\.(?:\d{1,2}|[a-z]))(?![\w.])")
_SDG_GOAL = re.compile(r"^(?:goal|sdg)?\s*(?P<number>\d{1,2})(?![\d.])")
# "Theme: Right to health", "Right or area: 2.1 Acceptance of international norms".
_THEME_PREFIX = re.compile(r"^(?:theme|right or area|rights or areas)\s*:\s*")
# 2nd-cycle coded labels: "a12 acceptance of international norms" (after normalisation).
_THEME_CODE = re.compile(r"^(?P<code>[a-h]\d{1,2})(?:\s+(?P<text>.+))?$")
# Section numbers of 3rd-cycle UPR lists: "2.1 acceptance of international norms".
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+(?P<text>.+)$")


@dataclass
class _Keys:
    """Normalised label → primary key, for one vocabulary. The first entry to claim a key keeps it,
    so names are added before aliases, and English before other languages."""

    keys: dict[str, int] = field(default_factory=dict)

    def add(self, pk: int, labels: Iterable[str | None]) -> None:
        for label in labels:
            if label:
                self.keys.setdefault(normalise_label(str(label)), pk)

    def get(self, key: str) -> int | None:
        return self.keys.get(key) if key else None


def _rows(model: type[models.Model], using: str, *extra: str) -> list[dict[str, Any]]:
    # One query per vocabulary, on raw columns (see _plain).
    return list(_plain(model, using).values("pk", "name", "aliases", *_name_columns(model), *extra))


def _no_codes(row: dict[str, Any]) -> tuple[str, ...]:
    return ()


def _index(rows: list[dict[str, Any]], first: Callable[[dict[str, Any]], Iterable[str | None]] = _no_codes) -> _Keys:
    """Keys in order of trust: codes (``first``), English names, aliases, other languages."""
    keys = _Keys()
    for row in rows:
        keys.add(row["pk"], first(row))
    for row in rows:
        keys.add(row["pk"], (row["name"], row.get("name_en")))
    for row in rows:
        keys.add(row["pk"], row["aliases"] or ())
    for row in rows:
        keys.add(row["pk"], (value for column, value in row.items() if column.startswith("name_")))
    return keys


@dataclass
class VocabularyIndex:
    """Every vocabulary in memory, for one import: ``build()`` reads six tables, lookups read none.

    Each lookup takes a label as imports bring it (``"- CRC"``, ``"South Sudan\\r"``,
    ``"A12 Acceptance of international norms"``, ``"16.2 - Protect children…"``) and returns the
    matching entry's primary key, or None: an unknown label must not fail an import, it is kept and
    flagged (see :meth:`unknown`).
    """

    mechanisms: _Keys
    themes: _Keys
    affected_groups: _Keys
    sdg_goals: _Keys
    sdg_goal_numbers: dict[int, int]
    sdg_targets: _Keys
    sdg_target_codes: dict[str, int]
    countries: _Keys

    @classmethod
    def build(cls, *, using: str = DEFAULT_DB_ALIAS) -> VocabularyIndex:
        """Read every vocabulary once (six queries)."""
        goals = _rows(SdgGoal, using, "number", "uhri_id")
        targets = _rows(SdgTarget, using, "code", "uhri_id")
        return cls(
            mechanisms=_index(_rows(Mechanism, using, "code"), lambda row: (row["code"],)),
            themes=_index(_rows(Theme, using)),
            affected_groups=_index(_rows(AffectedGroup, using)),
            sdg_goals=_index(goals, lambda row: (str(row["uhri_id"]) if row["uhri_id"] else None,)),
            sdg_goal_numbers={row["number"]: row["pk"] for row in goals},
            sdg_targets=_index(targets, lambda row: (str(row["uhri_id"]) if row["uhri_id"] else None,)),
            sdg_target_codes={normalise_label(row["code"]): row["pk"] for row in targets},
            countries=_index(_rows(Country, using, "iso3", "iso2"), lambda row: (row["iso3"], row["iso2"])),
        )

    def mechanism(self, label: str | None) -> int | None:
        """By code (``"CRC"``, ``"- CRC"``, ``"SR Torture"``), name or alias."""
        return self.mechanisms.get(normalise_label(label or ""))

    def theme(self, label: str | None) -> int | None:
        """By name or alias; also ``"Theme: …"``, coded (``"A12 …"``, ``"A12"``) and numbered labels.

        A coded label is matched on its text before its code: the text is what the source says,
        the code only what the 2nd-cycle list numbered it.
        """
        key = normalise_label(label or "")
        found = self.themes.get(key)
        if found is None:
            key = _THEME_PREFIX.sub("", key)
            found = self.themes.get(key)
        if found is None and (match := _THEME_CODE.match(key)):
            found = self.themes.get(match["text"] or "")
            if found is None:
                found = self.themes.get(match["code"])
        if found is None and (match := _SECTION_NUMBER.match(key)):
            found = self.themes.get(match["text"])
        return found

    def affected_group(self, label: str | None) -> int | None:
        """By name or alias (``"Women"``, ``"persons  with disabilities"``)."""
        return self.affected_groups.get(normalise_label(label or ""))

    def sdg_target(self, code_or_label: str | None) -> int | None:
        """By code (``"16.2"``), UHRI label (``"16.2 - Protect children…"``), UHRI id or target text."""
        key = normalise_label(code_or_label or "")
        if match := _SDG_TARGET.match(key):
            return self.sdg_target_codes.get(match["code"])
        return self.sdg_targets.get(key)

    def sdg_goal(self, number_or_label: int | str | None) -> int | None:
        """By number (``16``, ``"16"``, ``"Goal 16"``), UHRI label (``"16 - PEACE, JUSTICE…"``),
        UHRI id or name. A target's code (``"16.2"``) is not a goal."""
        if isinstance(number_or_label, int):
            return self.sdg_goal_numbers.get(number_or_label)
        key = normalise_label(number_or_label or "")
        if _UUID.match(key):
            return self.sdg_goals.get(key)
        if match := _SDG_GOAL.match(key):
            return self.sdg_goal_numbers.get(int(match["number"]))
        return self.sdg_goals.get(key)

    def country(self, label: str | None) -> int | None:
        """By UN name, ISO name, former or common name, alpha-2 or alpha-3 code, or starred name."""
        return self.countries.get(normalise_label(label or ""))

    @staticmethod
    def unknown(kind: str, label: str) -> str:
        """The review flag for a label no entry matched: ``"theme not recognised: Foo"``.

        ``kind`` is ``"mechanism"``, ``"theme"``, ``"affected group"``, ``"SDG goal"``, ``"SDG
        target"``, ``"country"`` or ``"recommending State"``. The flag is stored on the
        recommendation and read later by other users, so it is translated now, into the active
        language (the import job's), as one sentence per kind; another kind is shown as given.
        Looked up through ``translation.gettext`` when the flag is made (tests/imports/test_messages.py).
        """
        flags = {
            # Translators: a review flag; %(label)s is a label of the imported file that matches no
            # entry of the vocabulary.
            "mechanism": gettext_noop("mechanism not recognised: %(label)s"),
            "theme": gettext_noop("theme not recognised: %(label)s"),
            "affected group": gettext_noop("affected group not recognised: %(label)s"),
            "SDG goal": gettext_noop("SDG goal not recognised: %(label)s"),
            "SDG target": gettext_noop("SDG target not recognised: %(label)s"),
            "country": gettext_noop("country not recognised: %(label)s"),
            "recommending State": gettext_noop("recommending State not recognised: %(label)s"),
        }
        shown = _LIST_MARKER.sub("", " ".join(label.split()))
        # Translators: in a review flag, in place of a label that the imported file left empty.
        values = {"kind": kind, "label": shown or translation.gettext("(empty)")}
        if kind in flags:
            return translation.gettext(flags[kind]) % values
        # Translators: a review flag; %(kind)s names a vocabulary, %(label)s is a label of the
        # imported file that matches none of its entries.
        return translation.gettext("%(kind)s not recognised: %(label)s") % values

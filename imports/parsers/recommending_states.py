"""Recommending States at the end of a UPR recommendation: "… (France) (Lithuania);".

Moved here unchanged from ``upr_docx`` (``_states_in_text`` and its helpers), so that the
thematic list and the UN documents read States the same way; ``upr_docx`` should import
``states_in_text`` from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .common import normalize_space

# What may follow the States closing one recommendation: its end, or the "; " that
# separates it from the next one merged into the same row.
_CLAUSE_END_RE = re.compile(r"\s*\.?\s*(?:;|$)")
# Words of UN country names that are not capitalised ("Republic of the Congo").
_NAME_PARTICLES = frozenset({"of", "and", "the"})


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    inner: str


def states_in_text(text: str) -> list[str]:
    """States in the parentheses that close each recommendation of the text.

    A row may merge several recommendations, each closing with its States:
    "Ratify ... (Ukraine); Increase efforts ... (Slovakia);". Parentheses inside
    the text ("Convention, 1930 (No. 29) (United Kingdom ...)") are told apart
    by their content: States' names are capitalised words without digits.
    """
    states: list[str] = []
    for run in _closing_runs(text):
        names: list[str] = []
        for group in reversed(run):
            parts = [normalize_space(part) for part in group.inner.split(",")]
            if not all(_looks_like_state(part) for part in parts):
                break
            names[:0] = parts
        states.extend(names)
    return states


def _closing_runs(text: str) -> Iterator[list[_Group]]:
    """Runs of adjacent top-level parenthesised groups that end a recommendation."""
    run: list[_Group] = []
    for group in _top_level_groups(text):
        if run and text[run[-1].end : group.start].strip():
            run = []
        run.append(group)
        if _CLAUSE_END_RE.match(text, group.end):
            yield run
            run = []


def _top_level_groups(text: str) -> Iterator[_Group]:
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                yield _Group(start, index + 1, text[start + 1 : index])


def _looks_like_state(name: str) -> bool:
    words = [word for word in re.split(r"[\s()]+", name) if word]
    if not words or any(char.isdigit() for char in name):
        return False
    # An acronym ("OP-CAT", "CEDAW") has no lower-case letter; a name does.
    if not any(char.islower() for char in name):
        return False
    return all(word[0].isupper() or word in _NAME_PARTICLES or word.startswith(("d'", "d\u2019")) for word in words)

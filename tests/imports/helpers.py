"""Helpers shared by the importer tests: where the samples are, the records the UHRI fixtures
hold, exact error messages, and builders of zip containers, workbooks and Word files.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from imports.parsers.records import ImportFormatError, ParsedRecommendation, SkippedRow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
# The real samples (tests/fixtures/samples/README.md), kept in the project.
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def sample_file(name: str) -> Path:
    """The path of a real sample file (tests/fixtures/samples)."""
    path = SAMPLES / name
    assert path.exists(), f"no sample {name} in {SAMPLES}"
    return path


def kept(items) -> list:
    """A parser's results without the rows it left aside as other States' (SkippedRow): the
    tests of what a parser reads; those of what it leaves aside assert the SkippedRow items."""
    return [item for item in items if not isinstance(item, SkippedRow)]


def read_jsonl(path: Path) -> list[Any]:
    """The values of a JSON Lines file, one a line."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def real_api_records() -> list[dict[str, Any]]:
    """The real sample of UHRI API records (325 annotations in the six languages)."""
    return read_jsonl(sample_file("uhri-api-records-sample.jsonl"))


@contextmanager
def raises_message(message: str, exception: type[Exception] = ImportFormatError) -> Iterator[pytest.ExceptionInfo]:
    """Expect ``exception`` with exactly ``message``: the whole text, not a part of it."""
    with pytest.raises(exception) as raised:
        yield raised
    assert str(raised.value) == message


# --- The UHRI fixtures -----------------------------------------------------------------------

# The first two records of the full export fixture (uhri-full-export.json). The search export
# fixture holds the same two annotations under its own headers.
FULL_EXPORT_UPR_RECORD = ParsedRecommendation(
    location="record 1",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e01",
    mechanism="UPR",
    symbol="A/HRC/59/15",
    paragraph="121.45",
    annotation_type="recommendation",
    texts={
        "en": "121.45 Continue its efforts to combat discrimination against Roma and to improve "
        "their access to education (Pakistan);"
    },
    issued_on=date(2025, 2, 12),
    published_on_uhri=date(2025, 3, 4),
    upr_cycle=4,
    upr_session=48,
    countries=["Slovenia"],
    recommending_countries=["Pakistan"],
    position="supported",
    position_raw="Supported",
    themes=["Equality & non-discrimination", "Right to education"],
    affected_groups=[
        "Minorities/ racial, ethnic, linguistic, religious or descent-based groups",
        "Children",
    ],
    sdg_targets=["16.2"],
    sdg_goals=["4"],
)
FULL_EXPORT_CRC_RECORD = ParsedRecommendation(
    location="record 2",
    external_id="5d3c1f5e-2b7a-4f0e-9c1d-0a1b2c3d4e02",
    mechanism="CRC",
    symbol="CRC/C/SVN/CO/5-6",
    paragraph="23",
    annotation_type="observation",
    texts={
        "en": "Birth registration\n23. The Committee is concerned that children born to Roma "
        "families are not always registered at birth."
    },
    issued_on=date(2024, 6, 20),
    published_on_uhri=date(2024, 9, 2),
    countries=["Slovenia"],
    themes=["Birth registration & right to a name & nationality"],
    affected_groups=["Children"],
    sdg_targets=["16.9"],
)


# --- Zip containers --------------------------------------------------------------------------


def write_zip(
    target: Path | io.BytesIO,
    members: Mapping[str, bytes | str],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path | io.BytesIO:
    """Write a zip of ``members`` (name → content, in order) to a path or a buffer."""
    with zipfile.ZipFile(target, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def zip_bytes(members: Mapping[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    """A zip of ``members`` in memory, positioned at its start."""
    buffer = io.BytesIO()
    write_zip(buffer, members, compression=compression)
    buffer.seek(0)
    return buffer


def zip_members(path: Path) -> dict[str, bytes]:
    """The parts of a zip container, name → content, in order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def replace_parts(path: Path, parts: Mapping[str, bytes | str], *, target: Path | None = None) -> Path:
    """Rewrite a zip container (.docx, .xlsx) with some parts replaced or added (at the end),
    in place or as ``target``.
    """
    write_zip(target or path, {**zip_members(path), **parts})
    return target or path


def write_zeros_zip(path: Path, name: str, mebibytes: int, *, before: Mapping[str, bytes | str] | None = None) -> Path:
    """A zip whose part ``name`` is ``mebibytes`` MiB of zeros, deflated to next to nothing:
    the shape of a zip bomb. ``before`` are ordinary parts written ahead of it.
    """
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in (before or {}).items():
            archive.writestr(part, data)
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(mebibytes):
                member.write(chunk)
    return path


# --- Office files ----------------------------------------------------------------------------


def write_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None) -> Path:
    """An .xlsx file with a sheet per entry (title → rows), in order; one empty sheet if none."""
    workbook = openpyxl.Workbook()
    for index, (title, rows) in enumerate((sheets or {}).items()):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def _fill(cell: Any, text: str) -> None:
    """One paragraph per line, as Word lists are written."""
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def build_docx(
    path: Path,
    header: list[str],
    rows: list[list[str] | str],
    *,
    page_header: str | None = None,
    title: str | None = None,
) -> Path:
    """A Word file with one table; a str row is a section row spanning the table."""
    document = docx.Document()
    if page_header is not None:
        document.sections[0].header.paragraphs[0].text = page_header
    if title is not None:
        document.add_paragraph(title)
    table = document.add_table(rows=0, cols=len(header))
    for values in [header, *rows]:
        cells = table.add_row().cells
        if isinstance(values, str):
            _fill(cells[0].merge(cells[-1]), values)
        else:
            for cell, value in zip(cells, values, strict=True):
                _fill(cell, value)
    document.save(path)
    return path

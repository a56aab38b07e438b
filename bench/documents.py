"""UN documents: how long reading a real report takes, and how quickly hostile files are refused.

1. The UPR Working Group report in tests/fixtures/samples (a 24-page PDF): text extraction
   (``report_text_s``) and the whole parse into recommendations (``report_parse_s``; target:
   well under 5 s).
2. Hostile files, built in memory by tests/imports/documents/hostile.py, each refused with its
   reason: a PDF whose compressed stream expands to 4 GiB (``bomb_s``), a PDF of 10,000 pages
   (``pages_s``), the same with a page count that lies (``lying_pages_s``), and a Word file
   with a DTD in UTF-32 (``docx_doctype_s``). Target: a few seconds each, so a hostile upload
   never holds a worker; the PDFs also print their peak Python memory in MB (measured in a
   second run: tracing memory slows Python down).

Needs no database. Prints one JSON line. Run: python -m nrtd.devtools bench bench/documents.py
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

from imports.parsers.document_limits import DocumentRefused  # noqa: E402
from imports.parsers.document_reader import read_document_bytes  # noqa: E402
from imports.parsers.docx_text import extract_docx_text  # noqa: E402
from imports.parsers.pdf_text import extract_pdf_text  # noqa: E402
from imports.parsers.upr_report import iter_upr_report  # noqa: E402
from tests.imports.documents import SAMPLES, hostile  # noqa: E402

REPORT = SAMPLES / "upr34-slovenia-wg-report-A-HRC-43-15.pdf"


def timed(work) -> float:
    """Seconds of ``work()``; a DocumentRefused is the expected end of a hostile file."""
    started = time.perf_counter()
    with contextlib.suppress(DocumentRefused):
        work()
    return round(time.perf_counter() - started, 3)


def peak_mb(work) -> float:
    """Peak Python memory (MB) of ``work()``, measured apart (tracing slows Python down)."""
    tracemalloc.start()
    with contextlib.suppress(DocumentRefused):
        work()
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return round(peak, 1)


def main() -> None:
    figures: dict[str, float] = {}
    data = REPORT.read_bytes()
    figures["report_text_s"] = timed(lambda: extract_pdf_text(data))

    def parse() -> None:
        with REPORT.open("rb") as fileobj:
            list(iter_upr_report(fileobj))

    figures["report_parse_s"] = timed(parse)
    hostile_files = {
        "bomb": hostile.pdf_bomb(),
        "pages": hostile.many_pages_pdf(),
        "lying_pages": hostile.many_pages_pdf(declared=1),
    }
    for name, content in hostile_files.items():
        print(f"refusing {name}", file=sys.stderr)
        figures[f"{name}_s"] = timed(lambda content=content: read_document_bytes(content))
        figures[f"{name}_peak_mb"] = peak_mb(lambda content=content: read_document_bytes(content))
    xml = hostile.document_xml(["&lol9;"], doctype=hostile.BILLION_LAUGHS_DOCTYPE, encoding="UTF-32")
    docx = hostile.build_docx(hostile.encode_xml(xml, "utf-32-le", bom=True))
    figures["docx_doctype_s"] = timed(lambda: extract_docx_text(docx))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""Tests of UN documents as an import format (PDF and Word): text within limits, the documents'
descriptions of themselves, the UPR Working Group's report and the State's addendum, treaty bodies'
concluding observations, special procedures' country-visit reports, and hostile files.

``SAMPLES`` are real documents (tests/fixtures/samples: Slovenia's A/HRC/43/15 and its Add.1, the
thematic list of the same review). ``FIXTURES`` are CONSTRUCTED samples, not UN documents
(tests/fixtures/imports/un-documents, written by ``build_constructed.py`` from ``constructed.py``):
no real concluding observations or country-visit report was at hand. ``hostile`` builds hostile
files in memory.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]
SAMPLES = TESTS / "fixtures" / "samples"
FIXTURES = TESTS / "fixtures" / "imports" / "un-documents"

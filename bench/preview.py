"""How long the preview of a 100 MB CSV holds a worker, with and without the preview's budget.

Generates a CSV of UPR Info's columns (UTF-8, about 100 MB, every row for the bench State) and
runs its preview as the worker does (``imports.runs.import_job_run``, a dry run), first with the
budget as configured (``NRTD_PREVIEW_MAX_ROWS``, ``NRTD_PREVIEW_SECONDS``), then without it (both
0: the preview reads the whole file, as before the budget), unless ``--budget-only``.

Prints one JSON line: size_mb, rows, then for each run its seconds, records read and where it
stopped. Run: python -m nrtd.devtools bench bench/preview.py [--mb 100] [--budget-only]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
django.setup()

from django.conf import settings  # noqa: E402

from imports.models import ImportJob  # noqa: E402
from imports.runs import import_job_run, parse_options_for  # noqa: E402
from tenants.models import State  # noqa: E402
from tenants.scoping import cross_state_access, state_context  # noqa: E402

HEADER = ["To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response", "Action", "Issue", "Session"]
TEXT = (
    "Continue its efforts to promote and safeguard the right to education for all, including children with "
    "disabilities and children belonging to minorities, and ensure that the national action plan on human rights "
    "is adequately resourced and monitored (recommendation {number})."
)


def generate(path: Path, *, megabytes: int, country: str) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        while handle.tell() < megabytes * 1_000_000:
            writer.writerow(
                [
                    country,
                    "Asia",
                    "",
                    TEXT.format(number=rows),
                    "Austria",
                    "WEOG",
                    "EU",
                    "Accepted",
                    "5",
                    "Women's rights",
                    str(1 + rows % 5),
                ]
            )
            rows += 1
    return rows


def bench_state() -> State:
    with cross_state_access():
        State.objects.filter(slug="benchpreview").delete()
        State.objects.filter(iso3="ZPV").delete()
        return State.objects.create(name="Benchpreview", slug="benchpreview", iso3="ZPV", content_languages=["en"])


def preview(state: State, path: Path) -> dict:
    with state_context(state):
        job = ImportJob.objects.create(
            state=state, format="csv", filename=path.name, dry_run=True, options={"mapping": "upr-info"}
        )
        options = parse_options_for(state, mapping="upr-info")
    start = time.perf_counter()
    with path.open("rb") as fileobj:
        job = import_job_run(state=state, job_id=job.pk, fileobj=fileobj, options=options)
    seconds = time.perf_counter() - start
    if job.status != ImportJob.Status.SUCCEEDED:
        raise SystemExit(f"preview failed: {job.failure}")
    return {"seconds": round(seconds, 1), "processed": job.processed, "stopped": job.summary.get("preview_stopped")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--budget-only", action="store_true")
    args = parser.parse_args()
    state = bench_state()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        rows = generate(path, megabytes=args.mb, country=state.name)
        out = {"size_mb": round(path.stat().st_size / 1e6), "rows": rows}
        print(f"generated {out['size_mb']} MB, {rows} rows", file=sys.stderr)
        out["with_budget"] = preview(state, path)
        out["with_budget"]["max_rows"] = settings.NRTD_PREVIEW_MAX_ROWS
        out["with_budget"]["max_seconds"] = settings.NRTD_PREVIEW_SECONDS
        print(f"with the budget: {out['with_budget']}", file=sys.stderr)
        if not args.budget_only:
            settings.NRTD_PREVIEW_MAX_ROWS = settings.NRTD_PREVIEW_SECONDS = 0
            out["without_budget"] = preview(state, path)
            print(f"without: {out['without_budget']}", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""Import recommendations from a file into a State, from the command line.

    python manage.py import_recommendations --state SLUG [--format auto|uhri-json|uhri-xlsx|
        uhri-search-json|uhri-api-records|upr-docx|csv] [--mapping NAME] [--encoding ENC]
        [--filter-lists DIR] [--dry-run] [--json] FILE

The same service as the workspace's import page; the import is recorded in the State's import
history. With --json, prints one JSON object: created, updated, unchanged, rejected,
by_position (supported, noted, partially_supported, pending), processed, errors, status.
"""

import json
from pathlib import Path

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imports.models import ImportJob
from imports.parsers.records import ImportFormatError
from imports.parsers.registry import FORMATS
from imports.parsers.uhri_api import FilterLists
from imports.runs import import_job_run, job_outcome, parse_options_for
from tenants.models import State
from tenants.scoping import state_context


class Command(BaseCommand):
    help = (
        "Import recommendations from a UHRI export, saved UHRI API records, a UPR thematic list or a CSV/Excel sheet."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--state", required=True, help="The State's short name (slug)")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument(
            "--mapping",
            help="Column mapping for CSV/Excel sheets: a preset (upr-info) or the name of a mapping saved in the State",
        )
        parser.add_argument("--encoding", help="Encoding of a CSV file, when detection is unsure")
        parser.add_argument(
            "--filter-lists",
            type=Path,
            help="Folder of saved UHRI API filter lists (<facet>.json or .jsonl), to turn ids into labels",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing")
        parser.add_argument("--json", action="store_true", help="Print the outcome as one JSON object")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > settings.NRTD_MAX_UPLOAD_BYTES:
            raise CommandError(f"{path}: larger than the limit of {settings.NRTD_MAX_UPLOAD_BYTES:,} bytes")
        state = State.objects.filter(slug=options["state"]).first()
        if state is None:
            raise CommandError(f"No State with the short name {options['state']!r}")
        with state_context(state):
            try:
                parse_options = parse_options_for(state, mapping=options["mapping"], encoding=options["encoding"])
            except ImportFormatError as error:
                raise CommandError(str(error)) from error
            job = ImportJob.objects.create(
                state=state, format=options["format"], filename=path.name, dry_run=options["dry_run"],
                options={key: options[key] for key in ("mapping", "encoding") if options[key]},
            )  # fmt: skip
        if options["filter_lists"]:
            parse_options.filter_lists = _filter_lists(options["filter_lists"])
        with pghistory.context(command="import_recommendations", file=path.name), path.open("rb") as fileobj:
            job = import_job_run(state=state, job_id=job.pk, fileobj=fileobj, options=parse_options)
        report_job(self, job, state, as_json=options["json"])


def report_job(command: BaseCommand, job: ImportJob, state: State, *, as_json: bool) -> None:
    """Print a finished job's outcome (one JSON object with ``as_json``); CommandError when it failed."""
    if as_json:
        command.stdout.write(json.dumps(job_outcome(job)))
    if job.status == ImportJob.Status.FAILED:
        raise CommandError(f"{job.filename}: {job.failure}")
    if as_json:
        return
    verb = "Would import" if job.dry_run else "Imported"
    command.stdout.write(
        f"{verb} {job.filename} ({job.format}) into {state.name}: {job.created} created, {job.updated} updated, "
        f"{job.unchanged} unchanged, {job.rejected} rejected."
    )
    for error in job.errors[:10]:
        column = f", column {error['column']}" if error.get("column") else ""
        command.stdout.write(f"  {error['location']}{column}: {error['message']}")


def _filter_lists(folder: Path) -> FilterLists:
    if not folder.is_dir():
        raise CommandError(f"{folder}: not a folder")
    paths = {item.stem: item for item in sorted(folder.iterdir()) if item.suffix in {".json", ".jsonl"}}
    return FilterLists.from_files(paths)

"""Import recommendations from a file into a State, from the command line.

    python manage.py import_recommendations --state SLUG [--format auto|uhri-json|uhri-xlsx|
        uhri-search-json|uhri-api-records|upr-docx|csv|un-upr-report|un-upr-addendum|
        un-concluding-observations|un-country-visit] [--mapping NAME] [--encoding ENC]
        [--filter-lists DIR|FILE] [--symbol S] [--date YYYY-MM-DD] [--mechanism CODE]
        [--session N] [--cycle N] [--dry-run] [--json] FILE

The same service as the workspace's import page; the import is recorded in the State's import
history. --symbol, --date, --mechanism, --session and --cycle are the batch's details, given to
the records that lack them (imports.batch). Saved UHRI API records get their filter lists from
--filter-lists (a folder of lists named after them, a file of one or several lists, or a zip),
else from the UHRI API when UHRI_API_URL is set. With --json, prints one JSON object: created,
updated, unchanged, rejected, merged, skipped (rows of other States) and other_states,
by_position (supported, noted, partially_supported, pending), processed, errors, status; for an
addendum, positions_changed; for concluding observations, follow_up.
"""

import json
from datetime import date
from pathlib import Path

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imports.batch import BatchDetails
from imports.models import ImportJob
from imports.parsers.records import ImportFormatError
from imports.parsers.registry import FORMATS
from imports.parsers.uhri_api import FilterLists, facet_of_name, read_filter_lists
from imports.runs import import_job_run, job_outcome, parse_options_for
from imports.uhri_fetch import filter_lists_for_records
from recommendations.models import Mechanism
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
            help="Saved UHRI API filter lists, to turn ids into labels: a folder of lists named after their facet "
            "(sdgs.jsonl, uhri-filterlist-themes.json), one such file, a JSON object of lists, or a zip",
        )
        parser.add_argument("--symbol", default="", help="Document symbol for the records that lack one")
        parser.add_argument("--date", type=date.fromisoformat, help="Date of the document (YYYY-MM-DD), likewise")
        parser.add_argument("--mechanism", default="", help="Mechanism code (UPR, CRC, SR Food…), likewise")
        parser.add_argument("--session", type=int, help="Session (the UPR Working Group's for UPR), likewise")
        parser.add_argument("--cycle", type=int, help="UPR cycle, likewise")
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
        if options["mechanism"] and not Mechanism.objects.filter(code=options["mechanism"]).exists():
            codes = ", ".join(Mechanism.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"Unknown mechanism {options['mechanism']!r}; known codes: {codes}")
        details = BatchDetails(
            symbol=options["symbol"].strip(),
            issued_on=options["date"],
            mechanism=options["mechanism"],
            session=options["session"],
            cycle=options["cycle"],
        )
        job_options = {key: options[key] for key in ("mapping", "encoding") if options[key]}
        if details:
            job_options["batch"] = details.as_options()
        with state_context(state):
            try:
                parse_options = parse_options_for(state, mapping=options["mapping"], encoding=options["encoding"])
            except ImportFormatError as error:
                raise CommandError(str(error)) from error
            job = ImportJob.objects.create(
                state=state, format=options["format"], filename=path.name, dry_run=options["dry_run"],
                options=job_options,
            )  # fmt: skip
        if options["filter_lists"]:
            parse_options.filter_lists = _filter_lists(options["filter_lists"])
        else:
            # The API's own lists, when it is configured (fetched only for saved API records).
            parse_options.filter_lists_loader = lambda: filter_lists_for_records(state, job)
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
    if job.summary.get("addendum"):
        command.stdout.write(
            f"{verb} {job.filename} ({job.format}) into {state.name}: {job.updated} positions changed, "
            f"{job.unchanged} already so, {job.rejected} numbers not placed."
        )
    else:
        command.stdout.write(
            f"{verb} {job.filename} ({job.format}) into {state.name}: {job.created} created, {job.updated} updated, "
            f"{job.unchanged} unchanged, {job.rejected} rejected, {job.merged} merged, "
            f"{job.skipped} rows of other States left aside."
        )
    for error in job.errors[:10]:
        column = f", column {error['column']}" if error.get("column") else ""
        command.stdout.write(f"  {error['location']}{column}: {error['message']}")


def _filter_lists(path: Path) -> FilterLists:
    """The lists of a folder (each file named after its facet), or of one file (imports.parsers.uhri_api)."""
    try:
        if path.is_file():
            with path.open("rb") as fileobj:
                return read_filter_lists(fileobj, path.name)
        if not path.is_dir():
            raise CommandError(f"{path}: no such file or folder")
        lists = FilterLists()
        for item in sorted(path.iterdir()):
            if item.suffix not in {".json", ".jsonl"}:
                continue
            if facet_of_name(item.name) is None:
                raise CommandError(f"{item}: the name does not say which filter list it is (sdgs.jsonl, themes.json…)")
            with item.open("rb") as fileobj:
                lists.update(read_filter_lists(fileobj, item.name))
        return lists
    except ImportFormatError as error:
        raise CommandError(f"{path}: {error}") from error

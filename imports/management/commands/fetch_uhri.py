"""Fetch a State's recommendations from the UHRI API and import them.

    python manage.py fetch_uhri --state SLUG [--dry-run] [--json] [--resume JOB_ID]
        [--base-url URL] [--page-size N]

The API's address and token come from UHRI_API_URL and UHRI_API_TOKEN (--base-url overrides
the address, for a mirror or a test server). The run is recorded in the State's import
history like the workspace's fetch. When the API fails for good half-way, the command says
which job and page stopped; ``--resume JOB_ID`` goes on from that page. Output as
import_recommendations (--json: one JSON object with the counts and by_position).
"""

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imports.management.commands.import_recommendations import report_job
from imports.models import ImportJob
from imports.uhri_fetch import FORMAT, uhri_client, uhri_fetch_job_create, uhri_fetch_run
from tenants.models import State
from tenants.scoping import state_context


class Command(BaseCommand):
    help = "Fetch a State's recommendations from the UHRI API (paging, retrying, resumable) and import them."

    def add_arguments(self, parser):
        parser.add_argument("--state", required=True, help="The State's short name (slug)")
        parser.add_argument("--dry-run", action="store_true", help="Fetch and count what would change; write nothing")
        parser.add_argument("--json", action="store_true", help="Print the outcome as one JSON object")
        parser.add_argument("--resume", type=int, metavar="JOB_ID", help="Go on with a fetch that stopped")
        parser.add_argument("--base-url", help="The API's address (default: UHRI_API_URL)")
        parser.add_argument("--page-size", type=int, help="Records per page (default: UHRI_API_PAGE_SIZE)")

    def handle(self, *args, **options):
        base_url = options["base_url"] or settings.UHRI_API_URL
        if not base_url:
            raise CommandError("Set UHRI_API_URL (or --base-url) to the UHRI API's address.")
        state = State.objects.filter(slug=options["state"]).first()
        if state is None:
            raise CommandError(f"No State with the short name {options['state']!r}")
        overrides = {"page_size": options["page_size"]} if options["page_size"] else {}
        try:
            client = uhri_client(base_url, **overrides)
        except ValueError as error:
            raise CommandError(str(error)) from error
        with state_context(state):
            if options["resume"]:
                job = ImportJob.objects.filter(pk=options["resume"], format=FORMAT).first()
                if job is None or job.status != ImportJob.Status.FAILED:
                    raise CommandError(f"Job {options['resume']} is not a stopped UHRI API fetch of {state.name}.")
            else:
                job = uhri_fetch_job_create(state=state, user=None, dry_run=options["dry_run"])
        with pghistory.context(command="fetch_uhri"):
            job = uhri_fetch_run(state=state, job_id=job.pk, client=client)
        if job.status == ImportJob.Status.FAILED:
            self.stderr.write(f"Job {job.pk} stopped; run again with --resume {job.pk} to go on.")
        report_job(self, job, state, as_json=options["json"])

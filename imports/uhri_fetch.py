"""Fetching a State's recommendations from the UHRI API, then importing them.

The fetch is a kind of import job (format ``uhri-api``): it reads the API's filter lists, finds
the State's id in the countries list, pages through the State's records into a JSON Lines file
kept with the job, and imports that file exactly as an uploaded ``uhri-api-records`` file.

The resumable unit is the page. After each page the job records the next page and the file's
length (``options["next_page"]``, ``options["file_bytes"]``); when the API fails for good (the
client has already retried with backoff), the job is marked failed with the page to resume
from, and running it again truncates the file to the recorded length and goes on from there:
no page is fetched twice into the file, and the import itself stays all or nothing.

Settings: ``UHRI_API_URL`` (the feature is off without it), ``UHRI_API_TOKEN``,
``UHRI_API_PAGE_SIZE``. The file is written through ``default_storage``, which must be a
file-system storage (the file grows page by page).
"""

from __future__ import annotations

import json
import os

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _

from imports.jobs import uhri_fetch_queue
from imports.models import ImportJob
from imports.parsers.records import ImportFormatError
from imports.parsers.uhri_api import FACETS, FilterLists, load_filter_list, read_filter_lists
from imports.rules import job_resumable
from imports.runs import (
    import_job_run,
    job_fail,
    job_mark_running,
    parse_options_for,
    parse_options_for_job,
    progress_key,
)
from imports.uhri_client import UhriApiClient, UhriApiError
from tenants.models import State
from tenants.scoping import state_context

FORMAT = "uhri-api"
FILTER_LIST_NAMES = sorted(set(FACETS.values()))


def uhri_api_configured() -> bool:
    return bool(settings.UHRI_API_URL)


def uhri_client(base_url: str | None = None, **overrides) -> UhriApiClient:
    """The client for the configured API; the command may give another address or page size."""
    options = {"page_size": settings.UHRI_API_PAGE_SIZE, **overrides}
    return UhriApiClient(base_url or settings.UHRI_API_URL, settings.UHRI_API_TOKEN or "", **options)


def uhri_fetch_start(*, state: State, user, dry_run: bool = True) -> ImportJob:
    """Record a fetch job and queue it (a preview unless told otherwise)."""
    job = uhri_fetch_job_create(state=state, user=user, dry_run=dry_run)
    uhri_fetch_queue(job)
    return job


def uhri_fetch_job_create(*, state: State, user, dry_run: bool) -> ImportJob:
    """Record a fetch job (not queued: the command runs it at once, the workspace queues it)."""
    return ImportJob.objects.create(
        state=state,
        created_by=user,
        format=FORMAT,
        filename=_("UHRI API records of %(state)s") % {"state": state.name},
        options={"language": translation.get_language() or settings.LANGUAGE_CODE},
        dry_run=dry_run,
    )


def uhri_fetch_resume(*, job: ImportJob, user) -> ImportJob:
    """Queue a failed fetch again; it goes on from the page where it stopped."""
    if not job_resumable(job):
        raise ValueError("Only a failed UHRI API fetch can be resumed")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PENDING, failure="")
    uhri_fetch_queue(job)
    job.refresh_from_db()
    return job


def uhri_fetch_confirm(*, preview: ImportJob, user) -> ImportJob:
    """Import for real the records a finished preview fetched (not fetched again)."""
    options = {
        **preview.options,
        "folder": _storage_folder(preview),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    job = ImportJob.objects.create(
        state=preview.state,
        created_by=user,
        format=FORMAT,
        filename=preview.filename,
        file=preview.file.name,
        options=options,
        dry_run=False,
    )
    uhri_fetch_queue(job)
    return job


def uhri_fetch_run(*, state: State, job_id: int, client: UhriApiClient) -> ImportJob:
    """Fetch (or go on fetching) the job's records, then import them. Returns the job."""
    job = job_mark_running(state, job_id)
    with translation.override(job.options.get("language") or settings.LANGUAGE_CODE):
        try:
            filter_lists = _filter_lists(job, client)
            country_id = _country_id(state, filter_lists)
            _fetch_pages(state, job, client, country_id)
        except UhriApiError as error:
            return _failed(state, job, error)
        options = parse_options_for_job(state, job)
        options.filter_lists = filter_lists
        with state_context(state):
            ImportJob.objects.filter(pk=job.pk).update(format="uhri-api-records")
        with default_storage.open(job.file.name, "rb") as fileobj:
            job = import_job_run(state=state, job_id=job.pk, fileobj=fileobj, options=options)
        with state_context(state):
            # The job stays a UHRI API fetch in the history; its file is the records it read.
            ImportJob.objects.filter(pk=job.pk).update(format=FORMAT)
            job.refresh_from_db()
        return job


def filter_lists_for_records(state: State, job: ImportJob) -> FilterLists | None:
    """The filter lists for a job of saved UHRI API records: the file uploaded with it, else the
    API's own (fetched once, kept beside the job for its confirmation), else None.

    ImportFormatError when the uploaded lists cannot be read or the API cannot give its lists.
    """
    name = job.options.get("filter_lists")
    if name:
        with default_storage.open(name, "rb") as fileobj:
            return read_filter_lists(fileobj, name)
    if not uhri_api_configured():
        return None
    if not job.options.get("folder"):
        job.options["folder"] = _storage_folder(job)
        with state_context(state):
            ImportJob.objects.filter(pk=job.pk).update(options=job.options)
    try:
        return _filter_lists(job, uhri_client())
    except UhriApiError as error:
        raise ImportFormatError(
            _(
                "The UHRI API's filter lists, which turn the records' ids into themes, SDGs and positions, could "
                "not be fetched: %(problem)s Upload them with the file, or try again later."
            )
            % {"problem": error}
        ) from error


def _storage_folder(job: ImportJob) -> str:
    # A confirmed preview shares its preview's folder: it imports what the preview read.
    return job.options.get("folder") or f"uhri-api/{job.state_id}/{job.pk}"


def _filter_lists(job: ImportJob, client: UhriApiClient) -> FilterLists:
    """The API's filter lists, fetched once per job and kept beside its records."""
    folder = _storage_folder(job)
    lists = FilterLists()
    for facet in FILTER_LIST_NAMES:
        name = f"{folder}/filterlists/{facet}.json"
        if not default_storage.exists(name):
            try:
                entries = client.fetch_filter_list(facet)
            except UhriApiError as error:
                if error.status == 404:
                    continue  # A list the API does not have: its ids are derived or flagged.
                raise
            default_storage.save(name, ContentFile(json.dumps(entries).encode()))
        with default_storage.open(name, "rb") as saved:
            lists.add(facet, load_filter_list(saved))
    return lists


def _country_id(state: State, lists: FilterLists) -> str:
    for name in parse_options_for(state).country_names:
        found = lists.ids_for_label("countries", name)
        if found:
            return sorted(found)[0]
    raise UhriApiError(_("The UHRI API's list of countries has no entry for %(state)s.") % {"state": state.name})


def _fetch_pages(state: State, job: ImportJob, client: UhriApiClient, country_id: str) -> None:
    name = job.file.name or f"{_storage_folder(job)}/records.jsonl"
    if not job.file.name:
        job.file.name = name
        with state_context(state):
            ImportJob.objects.filter(pk=job.pk).update(file=name)
    if job.options.get("complete"):
        return  # A confirmed preview: its records are all in the file already.
    page = int(job.options.get("next_page", 0))
    length = int(job.options.get("file_bytes", 0))
    path = default_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "ab") as out:
        out.truncate(length)  # Whatever a stopped run wrote after its last complete page.
        count = int(job.options.get("fetched", 0))
        while True:
            records, total = client.fetch_page(country_id, page)
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
            out.flush()
            count += len(records)
            page += 1
            job.options.update(next_page=page, file_bytes=out.tell(), fetched=count, country_id=country_id)
            with state_context(state):
                ImportJob.objects.filter(pk=job.pk).update(options=job.options)
            cache.set(progress_key(job.pk), count, timeout=24 * 3600)
            if len(records) < client.page_size or (total is not None and page * client.page_size >= total):
                job.options["complete"] = True
                with state_context(state):
                    ImportJob.objects.filter(pk=job.pk).update(options=job.options)
                return


def _failed(state: State, job: ImportJob, error: UhriApiError) -> ImportJob:
    page = job.options.get("next_page", 0)
    message = _("%(problem)s Nothing was imported; start the fetch again to go on from page %(page)s.") % {
        "problem": str(error),
        "page": page,
    }
    return job_fail(state, job.pk, message)

"""The UHRI API's paging client: records of a country, page by page, and the filter lists.

The API itself is undocumented, so ``UhriApiClient`` makes its shape configurable. Defaults:

- records: ``GET {base_url}/annotations?countryIds={country_id}&page={page}&pageSize={page_size}``
  (placeholders: ``country_id``, ``page``, ``page_size``, ``offset``); pages are numbered
  from ``first_page`` (0);
- a filter list: ``GET {base_url}/filterlists/{facet}``;
- the response is a JSON object with the page's records under ``"items"`` and the number of
  matching records under ``"total"`` (``list_key``/``total_key``; a bare JSON list also works,
  and paging then stops at the first short page);
- the token is sent as the value of the ``Authorization`` header (``token_header``), exactly
  as given.

The client retries 429, 500, 502, 503 and 504 answers, timeouts and dropped connections with
exponential backoff (``backoff * 2**attempt`` seconds, at most ``max_delay``), waiting
instead as long as a ``Retry-After`` header asks. When the server asks for more than
``max_delay``, or ``max_retries`` retries did not help, it raises ``UhriApiError`` naming the
page, so that a later run can resume there (``iter_records(country_id, start_page=page)``).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imports.parsers.common import (
    parse_int,
)

DEFAULT_RECORDS_PATH = "annotations?countryIds={country_id}&page={page}&pageSize={page_size}"
DEFAULT_FILTER_LIST_PATH = "filterlists/{facet}"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class UhriApiError(Exception):
    """The API could not be read; ``page`` is where a later run should resume."""

    def __init__(self, message: str, *, page: int | None = None, status: int | None = None):
        super().__init__(message)
        self.page = page
        self.status = status


class UhriApiClient:
    """Pages through the UHRI API's records for one country, retrying politely.

    Only the standard library is used. ``session`` is an optional
    ``urllib.request.OpenerDirector`` (for proxies or custom handlers); ``sleep`` is how the
    client waits, replaceable in tests. See the module docstring for the defaults of the
    path templates and the response shape.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        page_size: int = 100,
        max_retries: int = 5,
        backoff: float = 1.0,
        timeout: float = 60.0,
        session: urllib.request.OpenerDirector | None = None,
        path_template: str = DEFAULT_RECORDS_PATH,
        filter_list_path_template: str = DEFAULT_FILTER_LIST_PATH,
        list_key: str | None = "items",
        total_key: str | None = "total",
        token_header: str = "Authorization",  # noqa: S107 - a header name, not a secret
        first_page: int = 0,
        max_delay: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(_("The UHRI API address must start with http:// or https://."))
        if page_size < 1:
            raise ValueError(_("The page size must be at least 1."))
        self.base_url = base_url.rstrip("/") + "/"
        self.token = token
        self.page_size = page_size
        self.max_retries = max_retries
        self.backoff = backoff
        self.timeout = timeout
        self.opener = session or urllib.request.build_opener()
        self.path_template = path_template
        self.filter_list_path_template = filter_list_path_template
        self.list_key = list_key
        self.total_key = total_key
        self.token_header = token_header
        self.first_page = first_page
        self.max_delay = max_delay
        self.sleep = sleep

    def iter_records(self, country_id: str, start_page: int = 0) -> Iterator[tuple[int, dict]]:
        """Yield ``(page number, record)`` for every record of a country, page after page.

        Pages are numbered from 0 whatever the API's own numbering. To resume an interrupted
        run, start again at the page of the last record handled: records already seen come
        again and deduplicate on their annotationId.
        """
        page = start_page
        while True:
            records, total = self.fetch_page(country_id, page)
            for record in records:
                yield page, record
            if len(records) < self.page_size:
                return
            if total is not None and (page + 1) * self.page_size >= total:
                return
            page += 1

    def fetch_page(self, country_id: str, page: int) -> tuple[list[dict], int | None]:
        """The records of one page (counted from 0) and the total the API reports, if any."""
        path = self.path_template.format(
            country_id=urllib.parse.quote(country_id, safe=""),
            page=page + self.first_page,
            page_size=self.page_size,
            offset=page * self.page_size,
        )
        body = self._get_json(path, page=page)
        records = self._records_of(body, page=page)
        total = None
        if isinstance(body, dict) and self.total_key is not None:
            total = parse_int(body.get(self.total_key))
        return records, total

    def fetch_filter_list(self, facet: str) -> list[dict]:
        """The entries of one filter list, ready for ``FilterLists.add``."""
        path = self.filter_list_path_template.format(facet=urllib.parse.quote(facet, safe=""))
        return self._records_of(self._get_json(path, page=None), page=None)

    def _records_of(self, body: Any, *, page: int | None) -> list[dict]:
        records = body
        if isinstance(body, dict) and self.list_key is not None:
            records = body.get(self.list_key)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            if page is None:
                # Translators: %(key)s is the name of a field of the API's JSON answer, e.g. 'items'.
                message = _("The UHRI API's answer does not hold a list of records under %(key)s.")
            else:
                # Translators: %(key)s is the name of a field of the API's JSON answer, e.g. 'items'.
                message = _("The UHRI API's answer for page %(page)s does not hold a list of records under %(key)s.")
            raise UhriApiError(message % {"page": page, "key": repr(self.list_key)}, page=page)
        return records

    def _get_json(self, path: str, *, page: int | None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            urllib.parse.urljoin(self.base_url, path),
            headers={self.token_header: self.token, "Accept": "application/json"},
        )
        attempt = 0
        while True:
            retry_after: float | None = None
            try:
                with self.opener.open(request, timeout=self.timeout) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                error.close()
                if error.code not in _RETRY_STATUSES:
                    if page is None:
                        message = _("The UHRI API answered HTTP %(status)s.")
                    else:
                        message = _("The UHRI API answered HTTP %(status)s for page %(page)s.")
                    raise UhriApiError(
                        message % {"status": error.code, "page": page}, page=page, status=error.code
                    ) from None
                retry_after = _retry_after_seconds(error.headers.get("Retry-After"))
                problem = f"HTTP {error.code}"
            except (
                urllib.error.URLError,
                TimeoutError,
                ConnectionError,
                http.client.HTTPException,
            ) as error:
                problem = str(getattr(error, "reason", None) or error) or type(error).__name__
            else:
                try:
                    return json.loads(body)
                except ValueError:
                    if page is None:
                        message = _("The UHRI API's answer is not JSON.")
                    else:
                        message = _("The UHRI API's answer for page %(page)s is not JSON.")
                    raise UhriApiError(message % {"page": page}, page=page) from None
            if attempt >= self.max_retries:
                raise UhriApiError(_still_failed(page, attempt + 1, problem), page=page)
            if retry_after is not None and retry_after > self.max_delay:
                raise UhriApiError(_asked_to_wait(page, retry_after), page=page)
            delay = retry_after if retry_after is not None else self.backoff * 2**attempt
            self.sleep(min(delay, self.max_delay))
            attempt += 1


def _still_failed(page: int | None, attempts: int, problem: str) -> str:
    values = {"page": page, "attempts": attempts, "problem": problem}
    if page is None:
        return (
            ngettext(
                # Translators: %(problem)s is the last error ("HTTP 503", or the network's own English description).
                "The UHRI API still failed after %(attempts)s attempt (%(problem)s).",
                "The UHRI API still failed after %(attempts)s attempts (%(problem)s).",
                attempts,
            )
            % values
        )
    return (
        ngettext(
            # Translators: %(problem)s is the last error ("HTTP 503", or the network's own English description).
            "The UHRI API still failed for page %(page)s after %(attempts)s attempt (%(problem)s).",
            "The UHRI API still failed for page %(page)s after %(attempts)s attempts (%(problem)s).",
            attempts,
        )
        % values
    )


def _asked_to_wait(page: int | None, delay: float) -> str:
    shown = f"{delay:.0f}"
    # The count that chooses the plural form; a delay too large to be a whole number is plural.
    seconds = int(shown) if shown.isdigit() else 2
    values = {"page": page, "seconds": shown}
    if page is None:
        return (
            ngettext(
                "The UHRI API asked to wait %(seconds)s second; try again later.",
                "The UHRI API asked to wait %(seconds)s seconds; try again later.",
                seconds,
            )
            % values
        )
    return (
        ngettext(
            "The UHRI API asked to wait %(seconds)s second for page %(page)s; try again later.",
            "The UHRI API asked to wait %(seconds)s seconds for page %(page)s; try again later.",
            seconds,
        )
        % values
    )


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())

"""Input no page can use: refused with 400 before any view reads it.

PostgreSQL cannot store or compare a NUL character, and a spreadsheet cannot hold most other
control characters: a request carrying them would end in a 500 deep inside a view, after work was
done. ``ControlCharacterMiddleware`` refuses, with a 400 in the person's language (a JSON
``detail`` under ``/api/``), any request whose path, query parameters, headers or form fields
(names, values and uploaded file names) carry NUL or a C0/C1 control character other than tab,
line feed and carriage return (which a text field may hold; a header may hold a tab only).

JSON bodies are the REST framework's to read: ``CheckedJSONParser`` refuses the same characters
in any string of the document with DRF's own 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# C0 controls but tab, LF and CR; DEL; C1 controls. (Text fields may hold tab, LF and CR.)
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Query parameters, the path and headers: one line each, tab allowed in a header only.
LINE_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def message() -> str:
    return _("The request holds a control character (such as NUL) that no field accepts. Remove it and try again.")


def _any(pattern: re.Pattern, values: Iterable[str]) -> bool:
    return any(pattern.search(value) for value in values)


def refused_input(request: HttpRequest) -> bool:
    """Whether the request carries a character no field of the site accepts."""
    if LINE_CONTROL.search(request.path):
        return True
    # Headers reach Django decoded as Latin-1: C1 bytes may be a UTF-8 character's tail there.
    headers = (
        value
        for name, value in request.META.items()
        if (name.startswith("HTTP_") or name in ("CONTENT_TYPE", "QUERY_STRING")) and isinstance(value, str)
    )
    if _any(HEADER_CONTROL, headers):
        return True
    for key, values in request.GET.lists():
        if LINE_CONTROL.search(key) or _any(LINE_CONTROL, values):
            return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            if TEXT_CONTROL.search(key) or _any(TEXT_CONTROL, values):
                return True
        for key, files in request.FILES.lists():
            if TEXT_CONTROL.search(key) or _any(TEXT_CONTROL, (upload.name or "" for upload in files)):
                return True
    return False


class ControlCharacterMiddleware:
    """400 for a request holding a control character (module docstring). After LocaleMiddleware,
    so the page speaks the person's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if refused_input(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message()}, status=400)
            return render(request, "400.html", {"message": message()}, status=400)
        return self.get_response(request)


def _strings(data) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


class CheckedJSONParser(JSONParser):
    """DRF's JSON parser, refusing control characters in any key or string (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _any(TEXT_CONTROL, _strings(data)):
            raise ParseError(message())
        return data

"""Refusing a request body over the limit as soon as its declared length is known.

Django refuses an oversized upload only once it has read it (DATA_UPLOAD_MAX_MEMORY_SIZE covers
form fields, not files; the forms check NRTD_MAX_UPLOAD_BYTES after the upload arrived). This
middleware, first of all, answers 413 when ``Content-Length`` says more than
``NRTD_MAX_REQUEST_BYTES``, before anything reads the body: the page in the person's language
(from the request's cookie and headers; the locale middleware has not run yet). A body without a declared length
(chunked) is left to the proxy and to the forms' own checks.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.NRTD_MAX_REQUEST_BYTES
        if limit and declared > limit:
            with translation.override(translation.get_language_from_request(request)):
                content = render_to_string("413.html", {"limit": filesizeformat(limit)})
            return HttpResponse(content, status=413)
        return self.get_response(request)

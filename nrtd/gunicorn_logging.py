"""gunicorn's access log without calendar feed tokens.

A member's calendar feed address (``/<state>/calendar/<token>.ics``) is its own key, so the access
log writes ``/<state>/calendar/…ics`` instead. Used by docker-compose.yml
(``--logger-class nrtd.gunicorn_logging.RedactingLogger``).
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

_FEED = re.compile(r"(/calendar/)[^/?\s\"]+(\.ics)")


def redact(text: str) -> str:
    return _FEED.sub(r"\1…\2", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The request line, the path, the referer and the environment's copies of them.
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

"""The access log never holds a calendar feed token."""

from types import SimpleNamespace

from gunicorn.config import Config

from nrtd.gunicorn_logging import RedactingLogger, redact


def test_feed_tokens_are_taken_out_of_the_access_log():
    assert redact("GET /alpha/calendar/s3cr3t-T0ken_x.ics HTTP/1.1") == "GET /alpha/calendar/….ics HTTP/1.1"
    assert redact("/alpha/workspace/calendar/") == "/alpha/workspace/calendar/"
    logger = RedactingLogger(Config())
    request = SimpleNamespace(
        headers=[],
        uri="/alpha/calendar/s3cr3t.ics",
        path="/alpha/calendar/s3cr3t.ics",
        query="",
        method="GET",
        version=(1, 1),
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/alpha/calendar/s3cr3t.ics",
        "PATH_INFO": "/alpha/calendar/s3cr3t.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": "https://x/alpha/calendar/s3cr3t.ics",
    }
    response = SimpleNamespace(status="200 OK", status_code=200, sent=10, response_length=10, headers=[])
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    assert "s3cr3t" not in " ".join(str(value) for value in atoms.values())

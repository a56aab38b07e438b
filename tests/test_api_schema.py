"""The OpenAPI schema tells the truth: schemathesis against the public API and the State API.

The schema is drf-spectacular's (what ``/api/schema/`` serves); schemathesis generates requests
from it (a bounded number per operation) and sends them to the application in this process (its
WSGI transport), against the test database with the planted States, as the administrator of
Alphaland with a token. A 500, a status the schema does not list, a content type or a body that
differs from it fails the test.
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation: the whole run stays within a minute or two.
EXAMPLES = 25


@pytest.fixture(autouse=True)
def _as_the_test_client_calls(settings):
    # The generated requests are many, from one address: no rate limits.
    settings.NRTD_RATE_LIMITS = {scope: (0, window) for scope, (_limit, window) in settings.NRTD_RATE_LIMITS.items()}
    # Django's test client keeps the test's connection (and its transaction) across requests by
    # leaving these out; schemathesis calls the WSGI application itself, so the same here.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The schema as /api/schema/ serves it (made without a request: no database needed here).
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True)).include(
    path_regex=r"^/api/v1/(public|states)/"
)
schema.app = get_wsgi_application()


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
    database=None,
)
def test_the_api_answers_as_its_schema_says(case, planted):
    token, _created = Token.objects.get_or_create(user=planted.a.people["admin"])
    if "state_slug" in (case.path_parameters or {}):
        # Alphaland: its portal is on and the token's person administers it (another slug: 404).
        case.path_parameters["state_slug"] = planted.a.state.slug
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)

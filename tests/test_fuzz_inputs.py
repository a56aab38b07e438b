"""Hostile input on every public and workspace address: never a 500.

The addresses come from the isolation sweep's ``ROUTES`` (every URL pattern of the site), the
parameters from what each page offers (its forms' fields and the query keys of its links) and,
for the APIs, from their filtersets and documented parameters. Each parameter is sent with a
NUL, other control characters and numbers out of range; each form of a page is posted with a NUL
in its fields and with out-of-range numbers in its number fields, one field at a time. Nothing
may answer 500 (the test client raises the view's exception, so a failure shows where).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pytest
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes

from portal.api import PARAMETERS as PUBLIC_API_PARAMETERS
from recommendations.filters import RecommendationFilter
from tests.test_isolation_sweep import ROUTES, Route, body_of, login, url_for

pytestmark = pytest.mark.django_db

# Sent to every parameter (refused at the door, cheap); numbers only to those that take numbers.
TEXT_VALUES = ["a\x00b", "x\x01\x1b[31m\x7f"]
NUMBER_VALUES = ["-1", "1e5", "99999999999", "9" * 30, "NaN"]

# Who opens each kind of address: the person who sees the most of it.
PERSONA = {
    "public": "anonymous",
    "portal": "anonymous",
    "feed": "anonymous",
    "account": "a_admin",
    "authenticated": "a_admin",
    "workspace": "a_admin",
    "state-api": "a_admin",
    "platform": "platform_admin",
}
# Parameters every page is tried with, whatever it shows.
ALWAYS = {"q": False, "page": True, "sort": False, "lang": False, "next": False, "format": False}
NUMERIC_FILTERS = (filters.NumberFilter, filters.ModelChoiceFilter, filters.ModelMultipleChoiceFilter)
API_PARAMETERS = {
    "state-api": {
        **{name: isinstance(f, NUMERIC_FILTERS) for name, f in RecommendationFilter.base_filters.items()},
        "page": True,
    },
    "public-api": {p.name: p.type == OpenApiTypes.INT for p in PUBLIC_API_PARAMETERS},
}


def names_offered(html: str) -> dict[str, bool]:
    """The names of the fields of a page's GET forms and the query keys of its links, each with
    whether it takes a number (a number field, a choice of ids, a link giving it digits)."""
    if not html.strip().startswith("<"):
        return {}
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return {}
    names: dict[str, bool] = {}
    # Fields of the forms sent with GET (those posted are the other test's).
    get_forms = "//form[not(@method) or translate(@method, 'GET', 'get')='get']"
    for element in tree.xpath(f"{get_forms}//input|{get_forms}//select|{get_forms}//textarea"):
        name = element.get("name")
        if not name:
            continue
        numeric = element.get("type") == "number" or (
            element.tag == "select" and any(value.isdigit() for value in element.xpath(".//option/@value"))
        )
        names[name] = names.get(name, False) or numeric
    for href in tree.xpath("//a/@href"):
        if href.startswith(("?", "/")):
            for key, value in parse_qsl(urlsplit(href).query, keep_blank_values=True):
                names[key] = names.get(key, False) or value.isdigit()
    names.pop("csrfmiddlewaretoken", None)
    return names


def post_forms(html: str) -> list[tuple[str, dict[str, str], set[str]]]:
    """Each form posted by the page: its action, its fields' values and which fields take numbers."""
    if not html.strip().startswith("<"):
        return []
    tree = lxml.html.fromstring(html)
    forms = []
    for form in tree.xpath("//form[translate(@method, 'POST', 'post')='post']"):
        values, numbers = {}, set()
        for element in form.xpath(".//input|.//select|.//textarea"):
            name = element.get("name")
            if not name or element.get("type") in ("file", "submit", "button"):
                continue
            if element.tag == "select":
                options = element.xpath(".//option/@value")
                values[name] = options[0] if options else ""
            elif element.get("type") in ("checkbox", "radio"):
                if element.get("checked") is not None or name not in values:
                    values[name] = element.get("value", "on")
            else:
                values[name] = element.get("value") or element.text or ""
            if element.get("type") == "number":
                numbers.add(name)
        forms.append((form.get("action") or "", values, numbers))
    return forms


def api_kind(name: str) -> str | None:
    if name.startswith("api:public-api:"):
        return "public-api"
    if name.startswith("api:state-api:"):
        return "state-api"
    return None


def no_500(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    body_of(response)  # a streamed answer fails while it is read


GET_ROUTES = sorted(name for name, route in ROUTES.items() if route.method == "get")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.NRTD_RATE_LIMITS = {scope: (0, window) for scope, (_limit, window) in settings.NRTD_RATE_LIMITS.items()}


def open_route(client, planted, name: str) -> tuple[str, Route]:
    route = ROUTES[name]
    login(client, planted, PERSONA[route.kind])
    obj = getattr(planted.a, route.obj) if route.obj else None
    return url_for(name, route, state=planted.a.state, obj=obj), route


@pytest.mark.parametrize("name", GET_ROUTES)
def test_hostile_query_parameters_never_give_500(client, planted, name):
    url, _route = open_route(client, planted, name)
    page = client.get(url)
    no_500(page, url)
    parameters = dict(ALWAYS)
    for offered in (names_offered(body_of(page)), API_PARAMETERS.get(api_kind(name) or "", {})):
        for parameter, numeric in offered.items():
            parameters[parameter] = parameters.get(parameter, False) or numeric
    for parameter, numeric in sorted(parameters.items()):
        for value in TEXT_VALUES + (NUMBER_VALUES if numeric else []):
            response = client.get(url, {parameter: value})
            no_500(response, f"{url}?{parameter}={value!r}")
            if "\x00" in value:
                assert response.status_code == 400, f"{url}?{parameter}={value!r}"


@pytest.mark.parametrize("name", GET_ROUTES)
def test_hostile_form_fields_never_give_500(client, planted, name):
    url, _route = open_route(client, planted, name)
    page = client.get(url)
    for action, values, numbers in post_forms(body_of(page)):
        target = action or url
        response = client.post(target, {key: f"{value}\x00" for key, value in values.items()})
        no_500(response, f"POST {target} with NUL")
        if values:
            assert response.status_code in (400, 403), f"POST {target} with NUL: {response.status_code}"
        for field in sorted(numbers):
            for value in NUMBER_VALUES:
                response = client.post(target, {**values, field: value})
                no_500(response, f"POST {target} {field}={value!r}")


@pytest.mark.parametrize("header", ["User-Agent", "Accept-Language", "Referer", "Cookie", "X-Forwarded-For"])
@pytest.mark.parametrize(
    "name", ["portal:home", "accounts:login", "workspace:recommendation-list", "api:public-api:recommendation-list"]
)
def test_hostile_headers_are_refused(client, planted, name, header):
    url, _route = open_route(client, planted, name)
    response = client.get(url, headers={header: "a\x00b"})
    assert response.status_code == 400


@pytest.mark.parametrize("language,words", [("fr", "caractère de contrôle"), ("es", "carácter de control")])
def test_the_refusal_speaks_the_persons_language(client, planted, language, words):
    url = reverse("portal:home", kwargs={"state_slug": planted.a.state.slug})
    response = client.get(url, {"q": "\x00"}, headers={"Accept-Language": language})
    assert response.status_code == 400
    assert words in response.content.decode()


def test_the_api_refuses_control_characters_in_json(client, planted):
    login(client, planted, "a_admin")
    url = reverse("api:state-api:recommendation-list", kwargs={"state_slug": planted.a.state.slug})
    body = {"mechanism": "UPR", "symbol": "A/HRC/1", "paragraph": "1", "text_en": "NUL \u0000 here"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "control character" in response.json()["detail"]
    body["text_en"] = "Tabs\tand\nlines are text"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("value", ["-1", "1e5", "99999999999", "0"])
@pytest.mark.parametrize("parameter", ["year", "year_from", "year_to"])
def test_years_out_of_range_are_a_message_not_a_500(client, planted, parameter, value):
    login(client, planted, "a_admin")
    slug = planted.a.state.slug
    page = client.get(reverse("workspace:recommendation-list", kwargs={"state_slug": slug}), {parameter: value})
    assert page.status_code == 200
    assert "Ensure this value" in page.content.decode() or "Enter a year" in page.content.decode()
    api = client.get(reverse("api:state-api:recommendation-list", kwargs={"state_slug": slug}), {parameter: value})
    assert api.status_code == 400
    assert parameter in api.json()

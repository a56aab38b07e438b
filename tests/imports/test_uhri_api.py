"""Tests of the UHRI API records parser, its filter lists, and the paging client.

The client is only ever pointed at a fake server on 127.0.0.1 started by these tests.
"""

# The samples are UN texts in the six official languages: their letters are meant.

import collections
import email.utils
import io
import json
import socket
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from imports.parsers.records import ParsedRecommendation, RowError, SkippedRow
from imports.parsers.uhri_api import FilterEntry, FilterLists, iter_uhri_api_records, load_filter_list, parse_api_record
from imports.uhri_client import UhriApiClient, UhriApiError
from tests.imports.helpers import FIXTURES, kept, raises_message, read_jsonl, real_api_records, sample_file

RECORDS = FIXTURES / "uhri-api-records.jsonl"
SLOVENIA = "c0000000-0000-4000-8000-000000000001"
PAKISTAN = "c0000000-0000-4000-8000-000000000002"


@pytest.fixture
def filter_lists() -> FilterLists:
    return FilterLists(json.loads((FIXTURES / "uhri-api-filterlists.json").read_text("utf-8")))


UPR_RECORD = ParsedRecommendation(
    location="line 1",
    external_id="e0a1b2c3-0000-4000-8000-000000000001",
    mechanism="UPR",
    symbol="A/HRC/43/6",
    paragraph="127.179",
    annotation_type="recommendation",
    texts={
        "en": "127.179 Continue its efforts to promote and safeguard the right to education for all (Pakistan);",
        "fr": "127.179 Poursuivre ses efforts en vue de promouvoir et de sauvegarder le droit de "
        "tous à l’éducation (Pakistan) ;",
        "es": "127.179 Continuar los esfuerzos por promover y salvaguardar el derecho a la "
        "educación para todos (Pakistán);",
        "ar": "127-179\nمواصلة جهودها الرامية إلى تعزيز وحماية الحق في التعليم للجميع (باكستان)؛",
        "ru": "127.179 продолжать прилагать усилия по поощрению и защите права на образование для всех (Пакистан);",
        "zh": "127.179继续努力促进和保障所有人的受教育权(巴基斯坦)；",
    },
    issued_on=date(2019, 12, 19),
    published_on_uhri=date(2020, 5, 20),
    upr_cycle=3,
    upr_session=34,
    countries=["Slovenia"],
    recommending_countries=["Pakistan"],
    position="supported",
    position_raw="Supported",
    themes=["Right to education"],
    affected_groups=["Children"],
    sdg_goals=["4"],
)
CRC_RECORD = ParsedRecommendation(
    location="line 2",
    external_id="e0a1b2c3-0000-4000-8000-000000000002",
    mechanism="CRC",
    symbol="CRC/C/SVN/CO/5-6",
    paragraph="23",
    annotation_type="observation",
    texts={
        # The API glues the heading to the paragraph ("Birth registration23."): the break is put back.
        "en": "Birth registration\n23. The Committee is concerned that children born to Roma "
        "families are not always registered at birth.",
        "fr": "Enregistrement des naissances\n23. Le Comité est préoccupé par le fait que les "
        "enfants nés dans des familles roms ne sont pas toujours enregistrés à la naissance.",
        "es": "Inscripción de los nacimientos\n23. Al Comité le preocupa que los niños nacidos en "
        "familias romaníes no siempre se inscriban al nacer.",
        "ar": "تسجيل المواليد٢٣- تشعر اللجنة بالقلق لأن الأطفال المولودين لأسر الروما لا يسجلون دائماً عند الولادة.",
        "ru": "Регистрация рождений\n23. Комитет обеспокоен тем, что дети, родившиеся в семьях "
        "рома, не всегда регистрируются при рождении.",
        "zh": "出生登记\n23.委员会关切的是，罗姆家庭出生的儿童并非总能在出生时登记。",
    },
    issued_on=date(2024, 6, 20),
    # 1900-01-01 is the API's "no date".
    published_on_uhri=None,
    countries=["Slovenia"],
    themes=["Birth registration & right to a name & nationality"],
    affected_groups=["Children"],
    sdg_targets=["16.9"],
    sdg_goals=["16"],
    flags=["unresolved themesIds: d0000000-0000-4000-8000-000000000099"],
)
SPT_RECORD = ParsedRecommendation(
    location="line 3",
    external_id="e0a1b2c3-0000-4000-8000-000000000003",
    # The body id is unknown to the list: the symbol tells.
    mechanism="SPT",
    symbol="CAT/OP/SVN/1",
    paragraph="60",
    annotation_type="observation",
    texts={
        "en": "60.In addition, the Subcommittee observed that meals in police stations were insufficient.",
        "fr": "60.En outre, le Sous-Comité a constaté que les repas servis dans les postes de "
        "police étaient insuffisants.",
    },
    issued_on=date(2018, 2, 1),
    published_on_uhri=date(2018, 5, 2),
    countries=["Slovenia"],
)
PAKISTAN_RECORD = ParsedRecommendation(
    location="line 4",
    external_id="e0a1b2c3-0000-4000-8000-000000000004",
    # No body id: a UPR record's HRC symbol.
    mechanism="UPR",
    symbol="A/HRC/42/8",
    paragraph="152.100",
    texts={"en": "152.100 Abolish the death penalty (Slovenia);"},
    issued_on=date(2019, 7, 5),
    published_on_uhri=date(2019, 10, 29),
    # The cycle id is unknown; session 34 tells.
    upr_cycle=3,
    upr_session=34,
    countries=["Pakistan"],
    recommending_countries=["Slovenia"],
    position="noted",
    position_raw="Noted",
)
NO_TEXT = RowError("line 5", "The record has no text in any language.")


def parse(data: bytes, filter_lists: FilterLists | None, country=None) -> list:
    return kept(iter_uhri_api_records(io.BytesIO(data), filter_lists=filter_lists, country_id_or_label=country))


# --- Filter lists ----------------------------------------------------------------------------


def test_filter_lists_resolve_ids_and_labels(filter_lists):
    assert filter_lists.get("sdgs", "B0B9F1B3-73C6-4C1A-973F-C3A5BA9BBCB2") == FilterEntry(
        id="b0b9f1b3-73c6-4c1a-973f-c3a5ba9bbcb2",
        text="16.9 - Universal legal identity and birth registration",
        parent_id="c6811ae8-76b5-4032-8ac7-2ff776f6692a",
        heading=False,
    )
    assert filter_lists.label("countries", SLOVENIA) == "Slovenia"
    assert filter_lists.label("countries", "unknown") is None
    assert filter_lists.label("no such facet", SLOVENIA) is None
    assert filter_lists.ids_for_label("countries", " bolivia (plurinational state of)") == {
        "c0000000-0000-4000-8000-000000000003"
    }
    # Facet names are matched loosely.
    assert "affectedPersons" in filter_lists
    assert filter_lists.label("Affected-Persons", "f0000000-0000-4000-8000-000000000001") == ("Children")


def test_load_filter_list_from_json_lines_and_json_array(tmp_path):
    entries = [
        {"id": "g1", "text": "1 - NO POVERTY", "heading": True, "parentId": None},
        {"id": "t1", "text": "1.1 - Eradicate extreme poverty", "heading": False, "parentId": "g1"},
    ]
    jsonl = "\n".join(json.dumps(entry) for entry in entries) + "\n\n"
    assert load_filter_list(io.BytesIO(jsonl.encode())) == entries
    assert load_filter_list(io.BytesIO(json.dumps(entries, indent=2).encode())) == entries
    (tmp_path / "sdgs.json").write_text(json.dumps(entries))
    lists = FilterLists.from_files({"sdgs": tmp_path / "sdgs.json"})
    assert lists.label("sdgs", "t1") == "1.1 - Eradicate extreme poverty"


def test_load_filter_list_refuses_entries_without_id():
    with raises_message("Entry 2 of the filter list has no id."):
        load_filter_list(io.BytesIO(b'[{"id": "a", "text": "A"}, {"text": "B"}]'))


# --- Records ---------------------------------------------------------------------------------


def test_records_with_filter_lists(filter_lists):
    assert parse(RECORDS.read_bytes(), filter_lists) == [
        UPR_RECORD,
        CRC_RECORD,
        SPT_RECORD,
        PAKISTAN_RECORD,
        NO_TEXT,
    ]


@pytest.mark.parametrize("country", [SLOVENIA, SLOVENIA.upper(), " slovenia ", "Slovenia"])
def test_records_of_one_country(filter_lists, country):
    assert parse(RECORDS.read_bytes(), filter_lists, country) == [
        UPR_RECORD,
        CRC_RECORD,
        SPT_RECORD,
        NO_TEXT,
    ]


def test_records_without_filter_lists_derive_and_flag():
    results = parse(RECORDS.read_bytes(), None, PAKISTAN)
    assert results == [
        ParsedRecommendation(
            location="line 4",
            external_id="e0a1b2c3-0000-4000-8000-000000000004",
            mechanism="UPR",
            symbol="A/HRC/42/8",
            paragraph="152.100",
            annotation_type="recommendation",
            texts={"en": "152.100 Abolish the death penalty (Slovenia);"},
            issued_on=date(2019, 7, 5),
            published_on_uhri=date(2019, 10, 29),
            flags=[
                "unresolved uprSessionIds: 50000000-0000-4000-8000-000000000034",
                "unresolved uprCycle: 70000000-0000-4000-8000-000000000099",
                "unresolved uprPositionIds: 90000000-0000-4000-8000-000000000002",
                "unresolved annotationType: a0000000-0000-4000-8000-000000000001",
                "unresolved countryIds: c0000000-0000-4000-8000-000000000002",
                "unresolved uprRecommendingCountryIds: c0000000-0000-4000-8000-000000000001",
            ],
        )
    ]


def test_records_without_filter_lists_keep_every_unresolved_id():
    first = parse(RECORDS.read_bytes(), None, SLOVENIA)[0]
    assert (first.mechanism, first.paragraph, first.upr_cycle, first.sdg_goals) == (
        "UPR",
        "127.179",
        None,
        [],
    )
    assert first.flags == [
        "unresolved uprSessionIds: 50000000-0000-4000-8000-000000000034",
        "unresolved uprCycle: 70000000-0000-4000-8000-000000000003",
        "unresolved uprPositionIds: 90000000-0000-4000-8000-000000000001",
        "unresolved annotationType: a0000000-0000-4000-8000-000000000001",
        "unresolved sdgsIds: 5de2d533-80be-44d9-8087-4acc3ea1c454",
        "unresolved countryIds: c0000000-0000-4000-8000-000000000001",
        "unresolved uprRecommendingCountryIds: c0000000-0000-4000-8000-000000000002",
        "unresolved themesIds: d0000000-0000-4000-8000-000000000001",
        "unresolved affectedPersonIds: f0000000-0000-4000-8000-000000000001",
    ]


def test_country_label_needs_the_countries_list(filter_lists):
    with raises_message(
        "Records can only be chosen by country name when the countries filter list is loaded; "
        "give the country's id instead.",
        ValueError,
    ):
        parse(RECORDS.read_bytes(), None, "Slovenia")
    with raises_message("'Atlantis' is not a country of the countries filter list.", ValueError):
        parse(RECORDS.read_bytes(), filter_lists, "Atlantis")


def test_records_of_other_countries_are_left_aside_and_named(filter_lists):
    with RECORDS.open("rb") as fileobj:
        results = list(iter_uhri_api_records(fileobj, filter_lists=filter_lists, country_id_or_label="Slovenia"))
    assert [result for result in results if isinstance(result, SkippedRow)] == [SkippedRow("line 4", "Pakistan")]


def test_json_array_of_records(filter_lists):
    records = read_jsonl(RECORDS)
    results = parse(json.dumps(records, indent=2).encode(), filter_lists, SLOVENIA)
    assert [result.location for result in results] == [
        "record 1",
        "record 2",
        "record 3",
        "record 5",
    ]
    assert results[1] == ParsedRecommendation(**{**vars(CRC_RECORD), "location": "record 2"})


def test_truncated_json_lines_keep_the_complete_records(filter_lists):
    data = RECORDS.read_bytes()
    cut = data.index(b"Birth registration23")
    assert parse(data[:cut], filter_lists) == [
        UPR_RECORD,
        RowError("line 2", "The line is not valid JSON (the file may be truncated)."),
    ]


def test_json_lines_with_a_non_object(filter_lists):
    data = RECORDS.read_bytes().splitlines(keepends=True)[0] + b'["a list"]\n'
    assert parse(data, filter_lists) == [
        UPR_RECORD,
        RowError("line 2", "The record is not a JSON object."),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n \n", "The file is empty."),
        (
            b"annotationId,symbol\n1,A/HRC/43/6\n",
            "The file is neither a JSON array nor JSON Lines of UHRI API records.",
        ),
        (
            b'{\n  "annotationId": "x"\n}\n',
            "The file is not JSON Lines: line 1 is not a complete JSON value.",
        ),
        (b'{"annotationId": "\xff"}\n', "The file is not UTF-8 encoded text."),
        (
            b'[{"annotationId": "x"',
            "The file ends in the middle of record 1: it is probably truncated.",
        ),
    ],
)
def test_wrong_files_raise(data, message):
    with raises_message(message):
        parse(data, None)


def test_real_sample_with_the_real_sdg_list():
    sdg_file = sample_file("uhri-filterlist-sdgs.jsonl")
    records = sample_file("uhri-api-records-sample.jsonl")
    filter_lists = FilterLists.from_files({"sdgs": sdg_file})
    with records.open("rb") as fileobj:
        results = list(iter_uhri_api_records(fileobj, filter_lists=filter_lists))
    raw = real_api_records()
    sdg_text = {entry["id"]: entry["text"] for entry in read_jsonl(sdg_file)}
    assert len(results) == 325
    assert all(isinstance(result, ParsedRecommendation) for result in results)
    assert all(list(result.texts) == ["en", "fr", "es", "ar", "ru", "zh"] for result in results)
    assert [result.external_id for result in results] == [record["annotationId"] for record in raw]
    # Every SDG id resolves; in this sample each record carries one goal.
    assert not any(flag.startswith("unresolved sdgsIds") for r in results for flag in r.flags)
    assert [result.sdg_goals for result in results] == [
        [sdg_text[record["sdgsIds"][0]].split(" - ")[0]] for record in raw
    ]
    assert collections.Counter(result.mechanism for result in results) == {
        "UPR": 228,
        "CESCR": 31,
        "CRC": 14,
        "CRPD": 13,
        "CCPR": 10,
        "CERD": 9,
        "CEDAW": 7,
        "CMW": 6,
        "CAT": 3,
        "CRC-OP-SC": 2,
        "CRC-OP-AC": 1,
        "SPT": 1,
    }
    assert sum(1 for result in results if result.paragraph) == 321
    first = results[0]
    assert (first.location, first.symbol, first.paragraph, first.issued_on, first.sdg_goals) == (
        "line 1",
        "A/HRC/43/6",
        "127.179",
        date(2019, 12, 19),
        ["4"],
    )
    assert first.texts["ar"] == ("127-179\nمواصلة جهودها الرامية إلى تعزيز وحماية الحق في التعليم للجميع (باكستان)؛")
    assert first.texts["fr"].endswith("(Pakistan) ;")
    # The Word leftovers pasted into one record are gone.
    finland = next(result for result in results if result.symbol == "E/C.12/FIN/CO/7")
    assert finland.texts["en"].startswith("Rights of older persons\n35. The Committee recommends")
    assert finland.paragraph == "35"
    # Choosing one country by id: the other countries' records are left aside, and counted.
    with records.open("rb") as fileobj:
        results = list(
            iter_uhri_api_records(
                fileobj,
                filter_lists=filter_lists,
                country_id_or_label="eefe55a1-0c3a-4e2b-a436-80a5ac855baa",
            )
        )
    chosen = kept(results)
    assert (len(chosen), len(results) - len(chosen)) == (6, 319)
    assert {type(result).__name__ for result in results if result not in chosen} == {"SkippedRow"}


# --- Client, against a fake server on 127.0.0.1 ----------------------------------------------


class FakeUhri:
    """A scripted stand-in for the API: pages records, fails on demand, logs requests."""

    def __init__(self, records: list[dict]) -> None:
        self.records = records
        # page → answers to give before the real one: (status, headers) or ("delay", seconds).
        self.script: dict[int, list] = collections.defaultdict(list)
        self.requests: list[dict] = []
        self.shape = "object"  # "object", "list", "wrong-key" or "not-json"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.requests.append({"path": url.path, "query": query, "token": handler.headers["Authorization"]})
        if url.path.startswith("/api/filterlists/"):
            return self.send(handler, 200, [{"id": "g1", "text": "1 - NO POVERTY"}])
        size = int(query.get("pageSize") or query["take"])
        start = int(query["skip"]) if "skip" in query else int(query["page"]) * size
        page = start // size
        if self.script[page]:
            action = self.script[page].pop(0)
            if action[0] == "delay":
                time.sleep(action[1])
            else:
                status, headers = action
                return self.send(handler, status, {"error": "try later"}, headers)
        chosen = [r for r in self.records if query.get("countryIds") in r["countryIds"]]
        items = chosen[start : start + size]
        body = {
            "object": {"items": items, "total": len(chosen)},
            "list": items,
            "wrong-key": {"results": items},
            "not-json": None,
        }[self.shape]
        return self.send(handler, 200, body)

    @staticmethod
    def send(handler, status: int, body, headers: dict | None = None) -> None:
        data = b"<html>busy</html>" if body is None else json.dumps(body).encode()
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that gave up (timeout test) makes the late answer fail: expected.
        pass


def api_record(number: int, country: str = SLOVENIA) -> dict:
    return {
        "annotationId": f"e0a1b2c3-0000-4000-8000-{number:012d}",
        "symbol": "A/HRC/43/6",
        "countryIds": [country],
        "uprSessionIds": ["50000000-0000-4000-8000-000000000034"],
        "en": f"127.{number} Continue its efforts (Pakistan);",
    }


@pytest.fixture
def fake_api():
    fake = FakeUhri([*(api_record(n) for n in range(1, 6)), api_record(9, PAKISTAN)])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fake.answer(self)

        def log_message(self, format, *args):
            pass

    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    yield fake
    server.shutdown()
    server.server_close()


# The fake API's five Slovenia records at two a page, as ids() gives them.
SLOVENIA_PAGES = [(0, "01"), (0, "02"), (1, "03"), (1, "04"), (2, "05")]


def make_client(base_url: str, sleeps: list, **options) -> UhriApiClient:
    settings = {
        "page_size": 2,
        "max_retries": 3,
        "backoff": 0.5,
        "timeout": 5,
        # No proxy from the environment: the fake server is local.
        "session": urllib.request.build_opener(urllib.request.ProxyHandler({})),
        "sleep": sleeps.append,
        **options,
    }
    return UhriApiClient(base_url, "public-token", **settings)


def ids(pairs) -> list[tuple[int, str]]:
    return [(page, record["annotationId"][-2:]) for page, record in pairs]


def test_client_pages_and_retries_429_and_500(fake_api):
    fake_api.script[1].append((429, {"Retry-After": "1"}))
    fake_api.script[2].append((500, {}))
    sleeps = []
    client = make_client(fake_api.base_url, sleeps)
    assert ids(client.iter_records(SLOVENIA)) == SLOVENIA_PAGES
    # Retry-After is honoured; the 500 waits the first backoff step.
    assert sleeps == [1.0, 0.5]
    assert [request["query"]["page"] for request in fake_api.requests] == ["0", "1", "1", "2", "2"]
    assert {request["token"] for request in fake_api.requests} == {"public-token"}
    assert fake_api.requests[0]["query"] == {
        "countryIds": SLOVENIA,
        "page": "0",
        "pageSize": "2",
    }


def test_client_records_parse(fake_api):
    client = make_client(fake_api.base_url, [])
    parsed = [
        parse_api_record(record, filter_lists=None, location=f"page {page}")
        for page, record in client.iter_records(PAKISTAN)
    ]
    assert [(result.location, result.paragraph, result.mechanism) for result in parsed] == [("page 0", "127.9", "UPR")]


def test_client_stops_at_the_total_without_an_empty_page(fake_api):
    fake_api.records = [api_record(n) for n in range(1, 5)]
    client = make_client(fake_api.base_url, [])
    assert ids(client.iter_records(SLOVENIA)) == [(0, "01"), (0, "02"), (1, "03"), (1, "04")]
    assert [request["query"]["page"] for request in fake_api.requests] == ["0", "1"]


def test_client_resumes_from_a_page(fake_api):
    client = make_client(fake_api.base_url, [])
    assert ids(client.iter_records(SLOVENIA, start_page=2)) == [(2, "05")]
    assert [request["query"]["page"] for request in fake_api.requests] == ["2"]


def test_client_retries_a_timeout(fake_api):
    fake_api.script[0].append(("delay", 1.0))
    sleeps = []
    client = make_client(fake_api.base_url, sleeps, timeout=0.3)
    assert ids(client.iter_records(PAKISTAN)) == [(0, "09")]
    assert sleeps == [0.5]


def test_client_gives_up_after_max_retries(fake_api):
    fake_api.script[1].extend([(503, {})] * 10)
    sleeps = []
    client = make_client(fake_api.base_url, sleeps)
    seen = []
    with raises_message("The UHRI API still failed for page 1 after 4 attempts (HTTP 503).", UhriApiError) as raised:
        for pair in client.iter_records(SLOVENIA):
            seen.append(pair)
    assert (raised.value.page, raised.value.status) == (1, None)
    assert ids(seen) == [(0, "01"), (0, "02")]
    assert sleeps == [0.5, 1.0, 2.0]


def test_client_refuses_to_wait_longer_than_max_delay(fake_api):
    fake_api.script[0].append((429, {"Retry-After": "3600"}))
    sleeps = []
    client = make_client(fake_api.base_url, sleeps, max_delay=60)
    with raises_message("The UHRI API asked to wait 3600 seconds for page 0; try again later.", UhriApiError) as raised:
        list(client.iter_records(SLOVENIA))
    assert raised.value.page == 0
    assert sleeps == []


def test_client_reads_retry_after_as_an_http_date(fake_api):
    past = email.utils.formatdate(time.time() - 30, usegmt=True)
    fake_api.script[0].append((503, {"Retry-After": past}))
    sleeps = []
    client = make_client(fake_api.base_url, sleeps)
    assert ids(client.iter_records(PAKISTAN)) == [(0, "09")]
    assert sleeps == [0.0]


def test_client_does_not_retry_client_errors(fake_api):
    fake_api.script[0].append((404, {}))
    sleeps = []
    client = make_client(fake_api.base_url, sleeps)
    with raises_message("The UHRI API answered HTTP 404 for page 0.", UhriApiError) as raised:
        list(client.iter_records(SLOVENIA))
    assert (raised.value.page, raised.value.status) == (0, 404)
    assert sleeps == []


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("not-json", "The UHRI API's answer for page 0 is not JSON."),
        (
            "wrong-key",
            "The UHRI API's answer for page 0 does not hold a list of records under 'items'.",
        ),
    ],
)
def test_client_refuses_unexpected_answers(fake_api, shape, message):
    fake_api.shape = shape
    with raises_message(message, UhriApiError):
        list(make_client(fake_api.base_url, []).iter_records(SLOVENIA))


def test_client_configurable_shape_and_path(fake_api):
    fake_api.shape = "list"
    client = make_client(
        fake_api.base_url,
        [],
        path_template="annotations?countryIds={country_id}&skip={offset}&take={page_size}",
        list_key=None,
        total_key=None,
    )
    assert ids(client.iter_records(SLOVENIA)) == SLOVENIA_PAGES
    assert [request["query"]["skip"] for request in fake_api.requests] == ["0", "2", "4"]


def test_client_fetches_a_filter_list(fake_api):
    client = make_client(fake_api.base_url, [])
    entries = client.fetch_filter_list("sdgs")
    assert entries == [{"id": "g1", "text": "1 - NO POVERTY"}]
    assert fake_api.requests[0]["path"] == "/api/filterlists/sdgs"
    assert FilterLists({"sdgs": entries}).label("sdgs", "g1") == "1 - NO POVERTY"


def test_client_retries_refused_connections_then_gives_up():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = []
    client = make_client(f"http://127.0.0.1:{port}/api/", sleeps, max_retries=2)
    with pytest.raises(UhriApiError) as raised:
        list(client.iter_records(SLOVENIA))
    assert str(raised.value).startswith("The UHRI API still failed for page 0 after 3 attempts (")
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("base_url", "options", "message"),
    [
        ("file:///etc/passwd", {}, "The UHRI API address must start with http:// or https://."),
        ("https://example.invalid/api", {"page_size": 0}, "The page size must be at least 1."),
    ],
)
def test_client_refuses_bad_settings(base_url, options, message):
    with raises_message(message, ValueError):
        UhriApiClient(base_url, "token", **options)

"""The public search: what a visitor asked, the matching published recommendations, and facet counts.

It reads ``SearchDocument`` (recommendations/search_sql.py keeps it), always for one State:
``state_id = ...`` and, in a text search, the State's own lexeme ANDed into the query, so the GIN
index answers from that State's documents only. Two queries answer a search however many facets
are chosen: one for the page of ids, one for every facet's counts (each facet counted with the
other facets' choices applied, not its own, so that ticking a second value shows what it adds).

Text queries are built per interface language by ``nrtd_tsq`` (stemming for English, French,
Spanish and Russian, Arabic normalised, Chinese in two-character pieces, accents ignored):
- words are ANDed; ``"quoted words"`` is a phrase; ``-word`` excludes; ``OR`` between two terms
  takes either;
- each word is also looked for in its other number ("woman" finds "women", "mujer" finds
  "mujeres"), because stemmers leave irregular and some regular plurals apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from django.db import connection
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recommendations.models import ImplementationStatus, Mechanism, Position

K = 10**12
PAGE_SIZE = 20
# Deep pages cost an OFFSET; nobody reads past this many results one page at a time.
MAX_PAGE = 500
MAX_QUERY_LENGTH = 300
MAX_TERMS = 12


class Facet(IntEnum):
    """The facet part of a document key (search_sql.py writes the same numbers)."""

    STATE = 0
    KIND = 1
    BODY = 2
    THEME = 3
    SDG_GOAL = 4
    SDG_TARGET = 5
    GROUP = 6
    POSITION = 7
    STATUS = 8
    ENTITY = 9
    CYCLE = 10
    YEAR = 11


# Coded facets: value code (1-based, as array_position in SQL) ↔ choice value; 0 = not stated.
MECHANISM_KINDS = ["upr", "treaty_body", "special_procedure", "regional", "other"]
POSITIONS = ["supported", "noted", "partially_supported", "pending"]
STATUSES = ["not_started", "in_progress", "partially_implemented", "implemented", "not_applicable"]
assert list(Mechanism.Kind.values) == MECHANISM_KINDS
assert list(Position.values) == POSITIONS
assert list(ImplementationStatus.values) == STATUSES
CODED = {Facet.KIND: MECHANISM_KINDS, Facet.POSITION: POSITIONS, Facet.STATUS: STATUSES}

# URL parameter of each facet, in the order the portal shows them.
PARAMS: dict[str, Facet] = {
    "kind": Facet.KIND,
    "body": Facet.BODY,
    "theme": Facet.THEME,
    "goal": Facet.SDG_GOAL,
    "target": Facet.SDG_TARGET,
    "group": Facet.GROUP,
    "position": Facet.POSITION,
    "status": Facet.STATUS,
    "entity": Facet.ENTITY,
    "cycle": Facet.CYCLE,
    "year": Facet.YEAR,
}
FACET_PARAM = {facet: param for param, facet in PARAMS.items()}
SORTS = ("relevance", "newest", "oldest")

# Interface language → the suffix of its text column and nrtd_tsq's language.
TEXT_LANGUAGES = {"en": "en", "fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-hans": "zh_hans"}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Quotation marks of the six languages' typography, read as the plain one.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "「": '"', "」": '"', "『": '"', "』": '"'})

# Plurals and singulars that stemmers keep apart, per language (both directions are used).
IRREGULAR = {
    "en": {
        "woman": "women",
        "man": "men",
        "child": "children",
        "person": "people",
        "foot": "feet",
        "tooth": "teeth",
        "mouse": "mice",
        "wife": "wives",
        "life": "lives",
        "criterion": "criteria",
        "phenomenon": "phenomena",
        "datum": "data",
        "medium": "media",
        "analysis": "analyses",
        "crisis": "crises",
        "thesis": "theses",
        "basis": "bases",
        "indigenous person": "indigenous peoples",
    },
    "fr": {
        "travail": "travaux",
        "oeil": "yeux",
        "journal": "journaux",
        "hôpital": "hôpitaux",
        "principal": "principaux",
    },
    "es": {"régimen": "regímenes", "carácter": "caracteres"},
    "ru": {"человек": "люди", "ребенок": "дети", "ребёнок": "дети"},
    "ar": {
        "امرأة": "نساء",
        "المرأة": "النساء",
        "طفل": "أطفال",
        "الطفل": "الأطفال",
        "رجل": "رجال",
        "حق": "حقوق",
        "شخص": "أشخاص",
        "قانون": "قوانين",
        "بلد": "بلدان",
        "فتاة": "فتيات",
        "مهاجر": "مهاجرين",
        "لاجئ": "لاجئين",
    },
}


def _number_variants(word: str, lang: str) -> list[str]:
    """The word and its other grammatical number, as far as simple rules and a short list know it."""
    lower = word.lower()
    variants = [word]
    for singular, plural in IRREGULAR.get(lang, {}).items():
        if lower == singular:
            variants.append(plural)
        elif lower == plural:
            variants.append(singular)
    if lang == "es" and lower.isalpha():
        # The Spanish stemmer keeps "mujer" and "mujeres" apart: add the other number.
        if lower.endswith("es"):
            variants.append(lower[:-2])
        elif lower.endswith("s"):
            variants.append(lower[:-1])
        elif lower[-1] in "aeiouáéó":
            variants.append(lower + "s")
        else:
            variants.append(lower + "es")
    elif lang == "fr" and lower.isalpha():
        if lower.endswith(("s", "x")):
            variants.append(lower[:-1])
        else:
            variants.append(lower + "s")
    return list(dict.fromkeys(variants))


@dataclass
class Term:
    text: str
    phrase: bool = False
    negated: bool = False


def parse_terms(text: str) -> list[list[Term]]:
    """The query as alternatives of terms: ``[[a], [b, c]]`` means ``a AND (b OR c)``."""
    groups: list[list[Term]] = []
    pending_or = False
    for match in _TERM.finditer(text[:MAX_QUERY_LENGTH].translate(_QUOTES)):
        negated, quoted, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            if word == "OR" and groups:
                pending_or = True
                continue
            term = Term(word.lstrip("-") if word.startswith("-") and len(word) > 1 else word, negated=False)
            if word.startswith("-") and len(word) > 1:
                term.negated = True
        else:
            if not quoted.strip():
                continue
            term = Term(quoted.strip(), phrase=True, negated=bool(negated))
        if pending_or and not term.negated and not groups[-1][0].negated:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
        if len(groups) >= MAX_TERMS:
            break
    return groups


def tsquery_sql(text: str, language: str) -> tuple[str, list]:
    """An SQL expression (and its parameters) for the tsquery of ``text`` in ``language``."""
    lang = TEXT_LANGUAGES.get(language, "en")
    parts: list[str] = []
    params: list = []
    for group in parse_terms(text):
        alternatives: list[str] = []
        for term in group:
            if term.phrase or _HAN.search(term.text):
                alternatives.append("nrtd_tsq(%s, %s, true)")
                params += [lang, term.text]
                continue
            for variant in _number_variants(term.text, lang):
                alternatives.append("nrtd_tsq(%s, %s, false)")
                params += [lang, variant]
        expression = "(" + " || ".join(alternatives) + ")"
        parts.append(f"(!! {expression})" if group[0].negated else expression)
    if not parts:
        return "", []
    return " && ".join(parts), params


@dataclass
class SearchQuery:
    """What a visitor asked, read from the query string (unknown values are dropped, not an error)."""

    text: str = ""
    filters: dict[Facet, list[int]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    language: str = "en"

    @classmethod
    def from_querydict(cls, data: QueryDict, language: str) -> SearchQuery:
        query = cls(text=" ".join(data.get("q", "").split())[:MAX_QUERY_LENGTH], language=language)
        for param, facet in PARAMS.items():
            values: list[int] = []
            for raw in data.getlist(param):
                if facet in CODED:
                    if raw == "none":
                        values.append(0)
                    elif raw in CODED[facet]:
                        values.append(CODED[facet].index(raw) + 1)
                elif raw.isdigit() and len(raw) < 12:
                    values.append(int(raw))
            if values:
                query.filters[facet] = sorted(set(values))
        sort = data.get("sort", "")
        query.sort = sort if sort in SORTS else ("relevance" if query.text else "newest")
        if query.sort == "relevance" and not query.text:
            query.sort = "newest"
        page = data.get("page", "1")
        query.page = min(max(int(page), 1), MAX_PAGE) if page.isdigit() and len(page) < 6 else 1
        return query

    def value_param(self, facet: Facet, value: int) -> str:
        """The URL value of one facet value."""
        if facet in CODED:
            return CODED[facet][value - 1] if value else "none"
        return str(value)

    def params(self, *, page: int | None = None) -> list:
        """The query string pairs of this search (on another page when ``page`` is given)."""
        pairs: list[tuple[str, str]] = []
        if self.text:
            pairs.append(("q", self.text))
        for facet in PARAMS.values():
            pairs += [(FACET_PARAM[facet], self.value_param(facet, v)) for v in self.filters.get(facet, [])]
        if self.sort != ("relevance" if self.text else "newest"):
            pairs.append(("sort", self.sort))
        page = self.page if page is None else page
        if page > 1:
            pairs.append(("page", str(page)))
        return pairs

    def querystring(self, **kwargs) -> str:
        query = QueryDict(mutable=True)
        for key, value in self.params(**kwargs):
            query.appendlist(key, value)
        return query.urlencode()

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.filters


@dataclass
class SearchResult:
    query: SearchQuery
    total: int
    ids: list[int]
    counts: dict[Facet, dict[int, int]]
    tsquery: str = ""
    # True when the text had only words too common to search for (so it was left out).
    ignored_text: bool = False

    @property
    def pages(self) -> int:
        return min(max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1), MAX_PAGE)

    @property
    def lexemes(self) -> set[str]:
        """The words of the query as the index holds them, negated ones left out (for highlighting)."""
        found = set()
        for match in re.finditer(r"(!?)\s*'((?:[^']|'')*)'", self.tsquery):
            if not match.group(1):
                found.add(match.group(2).replace("''", "'"))
        return found


def _facet_conditions(filters: dict[Facet, list[int]]) -> list[tuple[Facet, list[int]]]:
    return [(facet, [facet * K + value for value in values]) for facet, values in sorted(filters.items())]


def _tsquery(query: SearchQuery) -> str:
    """The text of the query as a tsquery ("" when it has none, or only words too common to search by)."""
    if not query.text:
        return ""
    expression, params = tsquery_sql(query.text, query.language)
    if not expression:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({expression})::text", params)
        return cursor.fetchone()[0] or ""


def _base(state_id: int, tsquery: str, filtered: bool) -> tuple[str, list]:
    """The State's documents, those matching the text when there is one.

    The State is named twice: by ``state_id``, and inside the GIN index (the State's lexeme ANDed
    into the text query, the State's key beside the facet keys), so the index reads that State's
    entries only. With a text or facets, ``state_id + 0`` keeps PostgreSQL from also reading the
    State's every entry of the btree index (50,000 for a large State) only to AND them with what
    the GIN index already narrowed; without either, the btree serves the page in date order.
    """
    if tsquery:
        return "d.state_id + 0 = %s AND d.document @@ (%s::tsquery && %s::tsquery)", [
            state_id,
            tsquery,
            f"'state{state_id}'",
        ]
    if filtered:
        return "d.state_id + 0 = %s AND d.keys @> ARRAY[%s]::bigint[]", [state_id, state_id]
    return "d.state_id = %s", [state_id]


def _order(query: SearchQuery, tsquery: str) -> tuple[str, list]:
    if query.sort == "oldest":
        return "d.issued_on ASC NULLS LAST, d.id ASC", []
    newest = "d.issued_on DESC NULLS LAST, d.id DESC"
    if query.sort == "relevance" and tsquery:
        return f"ts_rank_cd(d.document, %s::tsquery) DESC, {newest}", [tsquery]
    return newest, []


def search(state_id: int, query: SearchQuery, *, page_size: int = PAGE_SIZE) -> SearchResult:
    """Run ``query`` over the published recommendations of one State: two queries (three with text)."""
    tsquery = _tsquery(query)
    facets = _facet_conditions(query.filters)
    base_sql, base_params = _base(state_id, tsquery, bool(facets))

    # The page of ids.
    page_where = [base_sql] + ["d.keys && %s::bigint[]"] * len(facets)
    page_params = base_params + [keys for _facet, keys in facets]
    order, order_params = _order(query, tsquery)
    offset = (query.page - 1) * page_size

    # Every facet's counts in one pass: a key of facet F counts when the document meets the
    # other facets' choices. Whether a document meets each choice is worked out once per
    # document (m0, m1, ...), not once per key; documents failing two or more choices cannot
    # count anywhere and are left out by the index.
    matches = ", ".join(f"d.keys && %s::bigint[] AS m{index}" for index in range(len(facets)))
    count_where = [base_sql]
    count_params = [keys for _facet, keys in facets] + list(base_params)
    if len(facets) > 1:
        alternatives = []
        for skipped in range(len(facets)):
            others = [keys for index, (_f, keys) in enumerate(facets) if index != skipped]
            alternatives.append("(" + " AND ".join(["d.keys && %s::bigint[]"] * len(others)) + ")")
            count_params += others
        count_where.append("(" + " OR ".join(alternatives) + ")")
    key_where = [f"(k / {K} = {int(facet)} OR m{index})" for index, (facet, _keys) in enumerate(facets)]
    count_sql = (
        f"SELECT k, count(*) FROM (SELECT unnest(d.keys) AS k{', ' + matches if facets else ''}"
        f" FROM recommendations_searchdoc d WHERE {' AND '.join(count_where)}) AS x"
        f"{' WHERE ' + ' AND '.join(key_where) if key_where else ''} GROUP BY k"
    )

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id FROM recommendations_searchdoc d WHERE {' AND '.join(page_where)}"
            f" ORDER BY {order} LIMIT %s OFFSET %s",
            [*page_params, *order_params, page_size, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(count_sql, count_params)
        counts: dict[Facet, dict[int, int]] = {}
        total = 0
        for key, count in cursor.fetchall():
            facet, value = divmod(key, K)
            if facet == Facet.STATE:
                total = count if value == state_id else total
            else:
                counts.setdefault(Facet(facet), {})[value] = count
    ignored = bool(query.text) and not tsquery
    return SearchResult(query=query, total=total, ids=ids, counts=counts, tsquery=tsquery, ignored_text=ignored)


def all_ids(state_id: int, query: SearchQuery, limit: int) -> list[int]:
    """Every matching id in the query's order, up to ``limit`` (for exports)."""
    tsquery = _tsquery(query)
    facets = _facet_conditions(query.filters)
    base_sql, params = _base(state_id, tsquery, bool(facets))
    where = [base_sql] + ["d.keys && %s::bigint[]"] * len(facets)
    order, order_params = _order(query, tsquery)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id FROM recommendations_searchdoc d WHERE {' AND '.join(where)} ORDER BY {order} LIMIT %s",
            [*params, *(keys for _f, keys in facets), *order_params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


# --- Showing results -----------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def text_in(recommendation, language: str) -> tuple[str, str, bool]:
    """The recommendation's text in ``language``: (text, its language, whether it is a translation we have).

    Without a text in that language, the first language it has, in the order of LANGUAGES: the
    original, which the page says is not a translation.
    """
    own = getattr(recommendation, f"text_{TEXT_LANGUAGES.get(language, 'en')}", "") or ""
    if own:
        return own, language, True
    for code, column in TEXT_LANGUAGES.items():
        text = getattr(recommendation, f"text_{column}", "") or ""
        if text:
            return text, code, False
    return recommendation.__dict__.get("text", "") or "", language, False


def highlighter(result: SearchResult, texts: Iterable[tuple[str, str]]):
    """A function marking the query's words in each (text, language) given, in one query for them all."""
    lexemes = result.lexemes
    if not lexemes:
        return lambda text, language: escape(text)
    han_terms = [term for term in _HAN.findall(result.query.text)]
    pairs = sorted(
        {
            (TEXT_LANGUAGES.get(language, "en"), word.lower())
            for text, language in texts
            for word in _WORD.findall(text)
            if not _HAN.fullmatch(word)
        }
    )
    matched: set[tuple[str, str]] = set()
    if pairs:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT l, w FROM unnest(%s::text[], %s::text[]) AS x(l, w)"
                " WHERE tsvector_to_array(nrtd_tsv(l, w)) && %s::text[]",
                [[p[0] for p in pairs], [p[1] for p in pairs], sorted(lexemes)],
            )
            matched = set(cursor.fetchall())

    def mark(text: str, language: str) -> SafeString:
        column = TEXT_LANGUAGES.get(language, "en")
        out: list[str] = []
        position = 0
        spans = [
            (m.start(), m.end())
            for m in _WORD.finditer(text)
            if (column, m.group(0).lower()) in matched and not _HAN.fullmatch(m.group(0))
        ]
        for term in han_terms:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)]
        for start, end in sorted(spans):
            if start < position:
                continue
            out.append(escape(text[position:start]))
            out.append(f"<mark>{escape(text[start:end])}</mark>")
            position = end
        out.append(escape(text[position:]))
        return mark_safe("".join(out))  # noqa: S308 -- every piece of text is escaped above

    return mark

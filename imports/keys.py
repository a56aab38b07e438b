"""Import keys: how a later import recognises a recommendation it wrote before.

``uhri:<annotation id>``, ``doc:<symbol>#<paragraph>`` and ``upr:<session>#<paragraph>`` name a
recommendation by its source. A record with none of these (UPR Info's database, a spreadsheet
without symbols) is keyed by its text *within one review*: ``text:<mechanism>:<review>:<digest>``,
the review being ``s<session>``, else ``c<cycle>``, else ``-``. The same text in a later cycle is
then another recommendation, never an update of the earlier one.

Keys written before issue 21 were ``text:<digest>`` alone; ``rekeyed`` turns one into the new form
(the digest is kept: it is the text's), as migration 0003 and ``repair_import_keys`` do.
"""

from __future__ import annotations

import hashlib
import re

from django.db import connections

from nrtd.db import current_alias

_OLD_TEXT_KEY_RE = re.compile(r"^text:(?P<digest>[0-9a-f]{32})$")
_TEXT_KEY_RE = re.compile(r"^text:(?P<mechanism>.*):(?P<review>s\d+|c\d+|-):(?P<digest>[0-9a-f]{32})$")


def text_digest(text: str) -> str:
    """The digest of a text, ignoring case and spacing."""
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:32]


def review_part(*, session: int | None, cycle: int | None) -> str:
    if session:
        return f"s{session}"
    if cycle:
        return f"c{cycle}"
    return "-"


def text_key(text: str, *, mechanism: str, session: int | None, cycle: int | None) -> str:
    return f"text:{mechanism}:{review_part(session=session, cycle=cycle)}:{text_digest(text)}"


def upr_alias(session: int, paragraph: str) -> str:
    """The key a UPR recommendation also answers to: its review's session and its number.

    The Working Group's report (``doc:A/HRC/43/15#121.1``) and the thematic list of the same
    review (``upr:34#121.1``, it names no symbol) mean the same recommendation.
    """
    return f"upr:{session}#{paragraph}"


def key_digest(key: str) -> str | None:
    """The text digest of a text key, old or new form; None for any other key."""
    match = _TEXT_KEY_RE.match(key) or _OLD_TEXT_KEY_RE.match(key)
    return match.group("digest") if match else None


def rekeyed(key: str, *, mechanism: str, session: int | None, cycle: int | None) -> str:
    """A text key (old or new form) for the review given; any other key unchanged."""
    digest = key_digest(key)
    if digest is None:
        return key
    return f"text:{mechanism}:{review_part(session=session, cycle=cycle)}:{digest}"


def text_keys_repair(*, state_id: int | None = None, using: str | None = None) -> int:
    """Rewrite the old text keys (``text:<digest>``) of recommendations already imported in the
    new form, from their mechanism, UPR session or cycle; returns how many changed.

    One UPDATE. ``state_id`` None repairs every State's (inside cross_state_access, or as the owner in a migration);
    otherwise the State's own (inside its context).
    """
    sql = """
        UPDATE recommendations_recommendation r
        SET import_key = 'text:' || m.code || ':' || CASE
                WHEN r.upr_session > 0 THEN 's' || r.upr_session
                WHEN r.upr_cycle > 0 THEN 'c' || r.upr_cycle
                ELSE '-' END || ':' || substr(r.import_key, 6),
            updated_at = now()
        FROM recommendations_mechanism m
        WHERE m.id = r.mechanism_id AND r.import_key ~ '^text:[0-9a-f]{32}$'
          AND (%(state)s::bigint IS NULL OR r.state_id = %(state)s)
    """
    with connections[using or current_alias()].cursor() as cursor:
        cursor.execute(sql, {"state": state_id})
        return cursor.rowcount

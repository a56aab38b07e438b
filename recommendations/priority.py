"""Priority of a recommendation: the factors a national mechanism weighs, and the score they make.

Five factors, from the practice of national mechanisms when they decide what to implement first:
the issue was flagged urgent by a treaty body (its follow-up procedure), several mechanisms or
recommending States raise it, it needs no budget, stakeholders call it a national priority, it
concerns disadvantaged or marginalised groups. Two can be derived from the data and are filled
by the system (``priority_derived``); the secretariat sets any of them by hand
(``priority_factors``). The score is the sum of the weights of the factors that hold, from
either list; it is stored (``priority_score``) so lists sort and filter by it, and always
written in the same statement as the factors, so a change is one history entry.

Derived:
- ``several_mechanisms``: the recommendation is in a confirmed group of related recommendations
  whose members come from at least two mechanisms or two recommending States;
- ``marginalised_groups``: one of its affected groups is marked disadvantaged or marginalised
  (``AffectedGroup.marginalised``; professional groups such as judges or the police are not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recommendations.models import AffectedGroup, Recommendation


@dataclass(frozen=True)
class Factor:
    code: str
    label: Promise
    weight: int
    derived: bool


FACTORS = {
    factor.code: factor
    for factor in (
        Factor("urgent", _("Flagged urgent by a treaty body (follow-up procedure)"), 2, False),
        Factor("several_mechanisms", _("Raised by several mechanisms or recommending States"), 1, True),
        Factor("no_budget", _("Needs no budget to implement"), 1, False),
        Factor("national_priority", _("A national priority for stakeholders"), 1, False),
        Factor("marginalised_groups", _("Concerns disadvantaged or marginalised groups"), 1, True),
    )
}
FACTOR_CHOICES = [(factor.code, factor.label) for factor in FACTORS.values()]
MAX_SCORE = sum(factor.weight for factor in FACTORS.values())

TABLE = Recommendation._meta.db_table
MARGINALISED_IDS_SQL = f"ARRAY(SELECT id FROM {AffectedGroup._meta.db_table} WHERE marginalised)"


def score_of(factors: Iterable[str]) -> int:
    """The score of a set of factor codes (unknown codes count nothing)."""
    return sum(FACTORS[code].weight for code in set(factors) if code in FACTORS)


def score_sql(factors_sql: str) -> str:
    """SQL for the score of the varchar array ``factors_sql`` (column names of the row allowed)."""
    codes = ", ".join(f"'{code}'" for code in FACTORS)
    weights = ", ".join(str(factor.weight) for factor in FACTORS.values())
    return (
        "(SELECT coalesce(sum(w.weight), 0) FROM unnest("
        f"ARRAY[{codes}]::text[], ARRAY[{weights}]::int[]) AS w(code, weight) WHERE w.code = ANY({factors_sql}))"
    )


@dataclass(frozen=True)
class Reason:
    factor: Factor
    # Set by the secretariat (True), or derived from the data (False).
    by_hand: bool


def reasons_for(recommendation: Recommendation) -> list[Reason]:
    """Why the recommendation has its score: each factor that holds, and who said so."""
    manual, derived = set(recommendation.priority_factors), set(recommendation.priority_derived)
    return [
        Reason(factor, by_hand=code in manual and code not in derived)
        for code, factor in FACTORS.items()
        if code in manual or code in derived
    ]


def derived_for_update(recommendation: Recommendation, affected_group_ids: list[int]) -> list[str]:
    """The derived factors after an edit of the affected groups (``several_mechanisms`` is kept as it was)."""
    derived = [code for code in recommendation.priority_derived if code != "marginalised_groups"]
    if affected_group_ids and AffectedGroup.objects.filter(pk__in=affected_group_ids, marginalised=True).exists():
        derived.append("marginalised_groups")
    return [code for code in FACTORS if code in derived]


def priority_refresh(*, recommendation_ids: Iterable[int] | None = None) -> int:
    """Recompute the derived factors and the score of the State's recommendations (all, or those given).

    One UPDATE, of the rows whose derived factors or score change only (so history records real
    changes). Call inside the State's context. Returns how many changed.
    """
    ids = None if recommendation_ids is None else list(recommendation_ids)
    if ids == []:
        return 0
    derived_sql = (
        "array_remove(ARRAY["
        "CASE WHEN r.related_group_id IN (SELECT gid FROM several) THEN 'several_mechanisms' END,"
        f" CASE WHEN r.affected_group_ids && {MARGINALISED_IDS_SQL} THEN 'marginalised_groups' END"
        "], NULL)::varchar(30)[]"
    )
    sql = f"""
        WITH several AS (
            SELECT g.related_group_id AS gid
            FROM {TABLE} g LEFT JOIN LATERAL unnest(g.recommending_country_ids) AS c(id) ON true
            WHERE g.related_group_id IS NOT NULL
            GROUP BY g.related_group_id
            HAVING count(DISTINCT g.mechanism_id) > 1 OR count(DISTINCT c.id) > 1
        ), fresh AS (
            SELECT r.id, {derived_sql} AS derived, r.priority_factors
            FROM {TABLE} r WHERE %(all)s OR r.id = ANY(%(ids)s)
        ), scored AS (
            SELECT id, derived, {score_sql("priority_factors || derived")} AS score FROM fresh
        )
        UPDATE {TABLE} t SET priority_derived = s.derived, priority_score = s.score
        FROM scored s
        WHERE t.id = s.id AND (t.priority_derived <> s.derived OR t.priority_score <> s.score)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"all": ids is None, "ids": ids or []})
        return cursor.rowcount

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

from django.db import connections
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nrtd.db import current_alias
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


def priority_refresh(
    *,
    state_id: int | None,
    recommendation_ids: Iterable[int] | None = None,
    regroup: Iterable[int] = (),
    group_id: int | None = None,
    using: str | None = None,
) -> int:
    """Recompute the derived factors and the score of recommendations: the State's (``state_id``;
    None only for cross-State maintenance inside cross_state_access), all or those given.

    ``regroup`` moves those recommendations into the related group ``group_id`` (None: out of
    their group) in the same statement, so confirming or leaving a group is one history entry
    per recommendation, with the factor it brings. One UPDATE, of the rows that change only.
    Returns how many changed.
    """
    ids = None if recommendation_ids is None else list(recommendation_ids)
    regroup = list(regroup)
    if ids == []:
        return 0
    derived_sql = (
        "array_remove(ARRAY["
        "CASE WHEN e.gid IN (SELECT gid FROM several) THEN 'several_mechanisms' END,"
        f" CASE WHEN e.affected_group_ids && {MARGINALISED_IDS_SQL} THEN 'marginalised_groups' END"
        "], NULL)::varchar(30)[]"
    )
    # Every condition names the State as well: row-level security keeps the rows of other States
    # out already, but not across States (the platform role, the owner), and raw SQL is outside
    # the scoped managers' reach.
    sql = f"""
        WITH effective AS MATERIALIZED (
            SELECT r.id, r.mechanism_id, r.recommending_country_ids, r.affected_group_ids, r.priority_factors,
                   CASE WHEN r.id = ANY(%(regroup)s) THEN %(group)s::bigint ELSE r.related_group_id END AS gid
            FROM {TABLE} r
            WHERE (%(state)s::bigint IS NULL OR r.state_id = %(state)s)
              AND (r.related_group_id IS NOT NULL OR r.id = ANY(%(regroup)s) OR %(all)s OR r.id = ANY(%(ids)s))
        ), several AS (
            SELECT e.gid FROM effective e LEFT JOIN LATERAL unnest(e.recommending_country_ids) AS c(id) ON true
            WHERE e.gid IS NOT NULL
            GROUP BY e.gid
            HAVING count(DISTINCT e.mechanism_id) > 1 OR count(DISTINCT c.id) > 1
        ), fresh AS (
            SELECT e.id, e.gid, {derived_sql} AS derived, e.priority_factors
            FROM effective e WHERE %(all)s OR e.id = ANY(%(ids)s) OR e.id = ANY(%(regroup)s)
        ), scored AS (
            SELECT id, gid, derived, {score_sql("priority_factors || derived")} AS score FROM fresh
        )
        UPDATE {TABLE} t SET related_group_id = s.gid, priority_derived = s.derived, priority_score = s.score,
            updated_at = CASE WHEN t.id = ANY(%(regroup)s) THEN now() ELSE t.updated_at END
        FROM scored s
        WHERE t.id = s.id AND (
            t.related_group_id IS DISTINCT FROM s.gid OR t.priority_derived <> s.derived OR t.priority_score <> s.score
        )
    """
    params = {"all": ids is None, "ids": ids or [], "regroup": regroup, "group": group_id, "state": state_id}
    with connections[using or current_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount

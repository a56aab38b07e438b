"""Curation: who implements a recommendation, which clusters it sits in, how much it matters.

Every operation here runs in one transaction. The bulk operations take the selection as a
queryset (a filtered list, or ids ticked in it) and change it with one UPDATE, of the rows that
actually change: a thousand recommendations cost the same few queries as one, and the history
trigger writes one entry per recommendation changed and none for those already so.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models, transaction
from django.db.models import Case, F, Func, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from recommendations.models import Cluster, Entity, Recommendation, RelatedGroup
from recommendations.priority import FACTORS, priority_refresh, score_of, score_sql
from recommendations.services import StaleEdit
from tenants.models import State, User

IDS = ArrayField(models.BigIntegerField())
CODES = ArrayField(models.CharField(max_length=30))


def _append(field: str, value, output=IDS) -> Func:
    return Func(F(field), Value(value), function="array_append", output_field=output)


def _remove(field: str, value, output=IDS) -> Func:
    return Func(F(field), Value(value), function="array_remove", output_field=output)


def selection_with_related(selection: models.QuerySet[Recommendation]) -> models.QuerySet[Recommendation]:
    """The selection and every recommendation confirmed as related to one of them."""
    ids = selection.order_by().values("pk")
    groups = selection.order_by().filter(related_group__isnull=False).values("related_group")
    return Recommendation.objects.filter(Q(pk__in=Subquery(ids)) | Q(related_group__in=Subquery(groups)))


def hold(instance: models.Model) -> None:
    """Share-lock an entity's or cluster's row for the transaction: ids of it written into arrays
    (which no foreign key guards) cannot race its deletion, which takes the row's update lock."""
    table = instance._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [instance.pk])


def _target(selection: models.QuerySet[Recommendation]) -> models.QuerySet[Recommendation]:
    # The selection may carry joins, ordering and select_related; the UPDATE needs only its ids.
    return Recommendation.objects.filter(pk__in=Subquery(selection.order_by().values("pk")))


# Bulk operations -------------------------------------------------------------------------------


@transaction.atomic
def recommendations_assign(
    *, selection: models.QuerySet[Recommendation], entity: Entity, lead: bool, with_related: bool = False
) -> int:
    """Make ``entity`` the lead (``lead=True``) or a supporting entity of the selection.

    A lead replaces the previous lead and leaves the supporting list; a supporting entity is
    added to it (never beside itself as lead). Returns how many recommendations changed.
    """
    hold(entity)
    target = _target(selection_with_related(selection) if with_related else selection)
    not_lead = Q(lead_entity__isnull=True) | ~Q(lead_entity=entity)
    if lead:
        changed = target.filter(not_lead | Q(supporting_entity_ids__contains=[entity.pk]))
        return changed.update(
            lead_entity=entity, supporting_entity_ids=_remove("supporting_entity_ids", entity.pk), updated_at=Now()
        )
    changed = target.filter(not_lead).exclude(supporting_entity_ids__contains=[entity.pk])
    return changed.update(supporting_entity_ids=_append("supporting_entity_ids", entity.pk), updated_at=Now())


@transaction.atomic
def recommendations_unassign(*, selection: models.QuerySet[Recommendation], entity: Entity) -> int:
    """Take ``entity`` off the selection, as lead or supporting entity."""
    changed = _target(selection).filter(Q(lead_entity=entity) | Q(supporting_entity_ids__contains=[entity.pk]))
    return changed.update(
        lead_entity=Case(When(lead_entity=entity, then=Value(None)), default=F("lead_entity")),
        supporting_entity_ids=_remove("supporting_entity_ids", entity.pk),
        updated_at=Now(),
    )


@transaction.atomic
def recommendations_cluster(
    *, selection: models.QuerySet[Recommendation], cluster: Cluster, primary: bool = False
) -> int:
    """Put the selection in ``cluster``; as their primary cluster when ``primary`` (or when they had none)."""
    hold(cluster)
    target = _target(selection)
    if not primary:
        changed = target.exclude(cluster_ids__contains=[cluster.pk])
        return changed.update(
            cluster_ids=_append("cluster_ids", cluster.pk),
            primary_cluster_id=Coalesce(F("primary_cluster_id"), Value(cluster.pk)),
            updated_at=Now(),
        )
    changed = target.filter(
        ~Q(cluster_ids__contains=[cluster.pk]) | Q(primary_cluster__isnull=True) | ~Q(primary_cluster=cluster)
    )
    return changed.update(
        cluster_ids=Case(
            When(cluster_ids__contains=[cluster.pk], then=F("cluster_ids")),
            default=_append("cluster_ids", cluster.pk),
            output_field=IDS,
        ),
        primary_cluster=cluster,
        updated_at=Now(),
    )


@transaction.atomic
def recommendations_uncluster(*, selection: models.QuerySet[Recommendation], cluster: Cluster) -> int:
    """Take the selection out of ``cluster``; where it was primary, the next cluster becomes primary."""
    changed = _target(selection).filter(cluster_ids__contains=[cluster.pk])
    return changed.update(
        cluster_ids=_remove("cluster_ids", cluster.pk),
        primary_cluster_id=Case(
            When(
                primary_cluster=cluster,
                then=RawSQL("(array_remove(cluster_ids, %s))[1]", [cluster.pk], output_field=models.BigIntegerField()),
            ),
            default=F("primary_cluster_id"),
            output_field=models.BigIntegerField(),
        ),
        updated_at=Now(),
    )


@transaction.atomic
def recommendations_set_factor(*, selection: models.QuerySet[Recommendation], factor: str, on: bool) -> int:
    """Set (``on``) or clear a priority factor by hand on the selection; the score follows in the same UPDATE."""
    if factor not in FACTORS:
        raise ValueError(f"unknown priority factor {factor!r}")
    target = _target(selection)
    if on:
        changed = target.exclude(priority_factors__contains=[factor])
        new_factors = "array_append(priority_factors, %s::varchar)"
        factors = _append("priority_factors", factor, CODES)
    else:
        changed = target.filter(priority_factors__contains=[factor])
        new_factors = "array_remove(priority_factors, %s::varchar)"
        factors = _remove("priority_factors", factor, CODES)
    return changed.update(
        priority_factors=factors,
        # The SQL is the code's own (factor codes and weights); the factor is a parameter.
        priority_score=RawSQL(score_sql(f"{new_factors} || priority_derived"), [factor]),  # noqa: S611
        updated_at=Now(),
    )


@transaction.atomic
def recommendations_publish(*, selection: models.QuerySet[Recommendation], published: bool) -> int:
    """Publish the selection on the State's portal, or take it off."""
    changed = _target(selection).exclude(published=published)
    return changed.update(published=published, updated_at=Now())


# The columns the bulk operations above change: what undoing one of them puts back.
BULK_COLUMNS = (
    "lead_entity_id",
    "supporting_entity_ids",
    "cluster_ids",
    "primary_cluster_id",
    "priority_factors",
    "priority_score",
    "published",
)


@transaction.atomic
def recommendations_bulk_undo(*, state: State, context_id: uuid.UUID | str) -> tuple[int, int]:
    """Put back what one bulk operation changed, from its history entries (``context_id``: the
    pghistory context it ran in, tenants.history): each recommendation it changed gets back the
    values it had before, in one UPDATE. A recommendation changed again since (its ``updated_at``
    is no longer the one the operation gave it) is left as it is. Recorded in history like any
    change. Returns how many were put back, and how many were left because they changed since.
    """
    table = Recommendation._meta.db_table
    restore = ", ".join(
        f"{column} = CASE WHEN e.before ? '{column}' THEN p.{column} ELSE r.{column} END" for column in BULK_COLUMNS
    )
    entries = (
        "SELECT h.row_id::bigint AS id, h.before, (h.after ->> 'updated_at')::timestamptz AS changed_to"
        " FROM nrtd_history h WHERE h.state_id = %s AND h.context_id = %s AND h.table_name = %s"
        " AND h.operation = 'U' AND h.before ?| %s AND h.after ? 'updated_at'"
    )
    params = [state.pk, str(context_id), table, list(BULK_COLUMNS)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({entries}) e", params)
        (found,) = cursor.fetchone()
        # The columns are the code's own names (BULK_COLUMNS); every value is a parameter.
        cursor.execute(
            f"WITH e AS ({entries})"
            f" UPDATE {table} r SET {restore}, updated_at = now()"
            f" FROM e, LATERAL jsonb_populate_record(NULL::{table}, e.before) p"
            " WHERE r.state_id = %s AND r.id = e.id AND r.updated_at = e.changed_to",
            [*params, state.pk],
        )
        restored = cursor.rowcount
    return restored, found - restored


# One recommendation ----------------------------------------------------------------------------


@transaction.atomic
def recommendation_curate(
    *,
    recommendation: Recommendation,
    clusters: list[Cluster],
    primary_cluster: Cluster | None,
    lead_entity: Entity | None,
    supporting_entities: list[Entity],
    priority_factors: list[str],
    seen_updated_at: datetime,
) -> Recommendation:
    """Save the curation of one recommendation, unless someone saved it since (StaleEdit).

    The primary cluster joins the clusters when missing (first), and is the first cluster when
    none is named; the lead is never also a supporting entity.
    """
    current = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if current.updated_at != seen_updated_at:
        raise StaleEdit
    cluster_ids = list(dict.fromkeys(cluster.pk for cluster in clusters))
    if primary_cluster is not None and primary_cluster.pk not in cluster_ids:
        cluster_ids.insert(0, primary_cluster.pk)
    current.cluster_ids = cluster_ids
    current.primary_cluster_id = primary_cluster.pk if primary_cluster else (cluster_ids[0] if cluster_ids else None)
    current.lead_entity = lead_entity
    current.supporting_entity_ids = [
        entity.pk for entity in dict.fromkeys(supporting_entities) if lead_entity is None or entity.pk != lead_entity.pk
    ]
    current.priority_factors = [code for code in FACTORS if code in set(priority_factors)]
    current.priority_score = score_of([*current.priority_factors, *current.priority_derived])
    current.updated_at = timezone.now()
    current.save()
    return current


# Related recommendations ------------------------------------------------------------------------


@transaction.atomic
def recommendations_relate(
    *, state: State, selection: models.QuerySet[Recommendation], user: User | None
) -> RelatedGroup | None:
    """Confirm the selection as asking the same thing: one group, merging any groups its members were in.

    Returns the group, or None when fewer than two recommendations would be in it. The derived
    priority factor "several mechanisms" follows (recommendations.priority).
    """
    members = selection_with_related(selection)
    ids = list(members.values_list("pk", flat=True))
    if len(ids) < 2:
        return None
    previous = set(members.exclude(related_group=None).values_list("related_group", flat=True))
    group = RelatedGroup.objects.create(state=state, created_by=user)
    priority_refresh(state_id=state.pk, recommendation_ids=ids, regroup=ids, group_id=group.pk)
    RelatedGroup.objects.filter(pk__in=previous).delete()
    return group


@transaction.atomic
def recommendation_unrelate(*, recommendation: Recommendation) -> None:
    """Take a recommendation out of its group; a group left with one member is dissolved."""
    group_id = recommendation.related_group_id
    if group_id is None:
        return
    members = list(Recommendation.objects.filter(related_group_id=group_id).values_list("pk", flat=True))
    leaving = members if len(members) <= 2 else [recommendation.pk]
    priority_refresh(state_id=recommendation.state_id, recommendation_ids=members, regroup=leaving, group_id=None)
    if len(leaving) == len(members):
        RelatedGroup.objects.filter(pk=group_id).delete()

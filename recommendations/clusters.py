"""The secretariat's clusters: create, order, merge, delete, and seed them from themes or SDG goals.

A recommendation lists its clusters in ``cluster_ids`` (one marked primary), so every operation
that changes memberships is one UPDATE of the recommendations that change, and one history
entry each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Now

from recommendations.curation import recommendations_uncluster
from recommendations.models import Cluster, Recommendation, SdgGoal, SdgTarget, Theme
from tenants.models import State

TABLE = Recommendation._meta.db_table
LANGUAGE_COLUMNS = [code.replace("-", "_") for code, _name in settings.LANGUAGES]

SEED_SOURCES = {
    "broad_themes": "theme",
    "themes": "theme",
    "sdg_goals": "sdg",
}


@transaction.atomic
def cluster_create(*, state: State, names: dict[str, str], description: str = "", source: str = "") -> Cluster:
    """A new cluster, after the others. ``names`` by language column (``{"en": ..., "fr": ...}``)."""
    position = (Cluster.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    cluster = Cluster(state=state, position=position, description=description, source=source)
    for code, value in names.items():
        # A language without a name stays NULL: "" would be unique per State like any other name.
        setattr(cluster, f"name_{code}", value or None)
    cluster.save()
    return cluster


@transaction.atomic
def cluster_delete(*, cluster: Cluster) -> int:
    """Delete a cluster; its recommendations leave it (another of theirs becomes primary). Returns how many."""
    # Locked first: a bulk "add to cluster" in flight (which share-locks the row) finishes before.
    Cluster.objects.select_for_update().filter(pk=cluster.pk).exists()
    left = recommendations_uncluster(selection=Recommendation.objects.all(), cluster=cluster)
    cluster.delete()
    return left


@transaction.atomic
def cluster_move(*, cluster: Cluster, up: bool) -> None:
    """Swap a cluster with its neighbour in the order (positions renumbered 1..n)."""
    clusters = list(Cluster.objects.select_for_update().order_by("position", "name", "id"))
    index = next(i for i, c in enumerate(clusters) if c.pk == cluster.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(clusters):
        clusters[index], clusters[other] = clusters[other], clusters[index]
    for position, each in enumerate(clusters, start=1):
        if each.position != position:
            Cluster.objects.filter(pk=each.pk).update(position=position, updated_at=Now())


@transaction.atomic
def clusters_merge(*, into: Cluster, others: list[Cluster]) -> int:
    """Merge ``others`` into ``into``: their recommendations join it (keeping their order), then they go.

    Returns how many recommendations changed.
    """
    other_ids = [c.pk for c in others if c.pk != into.pk]
    if not other_ids:
        return 0
    sql = f"""
        UPDATE {TABLE} SET
            cluster_ids = ARRAY(
                SELECT c FROM (
                    SELECT CASE WHEN u.c = ANY(%(others)s) THEN %(into)s ELSE u.c END AS c, min(u.n) AS n
                    FROM unnest(cluster_ids) WITH ORDINALITY AS u(c, n) GROUP BY 1
                ) x ORDER BY n
            ),
            primary_cluster_id = CASE WHEN primary_cluster_id = ANY(%(others)s) THEN %(into)s
                                      ELSE primary_cluster_id END,
            updated_at = now()
        WHERE state_id = %(state)s AND cluster_ids && %(others)s::bigint[]
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"others": other_ids, "into": into.pk, "state": into.state_id})
        changed = cursor.rowcount
    Cluster.objects.filter(pk__in=other_ids).delete()
    return changed


def _seed_entries(source: str) -> list[tuple[str, object, dict[str, list[int]]]]:
    """For a seed source: (cluster source key, vocabulary entry, {array column: ids that map to it})."""
    if source == "sdg_goals":
        targets: dict[int, list[int]] = {}
        for goal_id, target_id in SdgTarget.objects.values_list("goal_id", "id"):
            targets.setdefault(goal_id, []).append(target_id)
        return [
            (f"sdg:{goal.number}", goal, {"sdg_goal_ids": [goal.pk], "sdg_target_ids": targets.get(goal.pk, [])})
            for goal in SdgGoal.objects.order_by("number")
        ]
    themes = list(Theme.objects.order_by("id"))
    if source == "themes":
        return [(f"theme:{theme.pk}", theme, {"theme_ids": [theme.pk]}) for theme in themes]
    # Broad themes: each top-level theme with everything under it.
    parents = {theme.pk: theme.parent_id for theme in themes}

    def root(pk: int) -> int:
        while parents.get(pk):
            pk = parents[pk]
        return pk

    under: dict[int, list[int]] = {}
    for theme in themes:
        under.setdefault(root(theme.pk), []).append(theme.pk)
    return [(f"theme:{theme.pk}", theme, {"theme_ids": under[theme.pk]}) for theme in themes if theme.parent_id is None]


@transaction.atomic
def clusters_seed(*, state: State, source: str) -> tuple[int, int]:
    """Create a cluster for each theme (``themes``), top-level theme (``broad_themes``) or SDG goal
    (``sdg_goals``) the State's recommendations use, named as the entry is in every language, and
    put those recommendations in it (primary when they had none). Seeding again adds new
    recommendations to the same clusters; a cluster of the same name is reused.

    Returns (clusters created, recommendations changed).
    """
    if source not in SEED_SOURCES:
        raise ValueError(f"unknown seed source {source!r}")
    entries = _seed_entries(source)
    used = []
    for key, entry, columns in entries:
        condition = Q()
        for column, ids in columns.items():
            if ids:
                condition |= Q(**{f"{column}__overlap": ids})
        used.append((key, entry, columns, condition))
    # Which entries the State's recommendations use: one query for all of them.
    exists = Recommendation.objects.aggregate(
        **{f"e{i}": Count("pk", filter=condition) for i, (_key, _entry, _columns, condition) in enumerate(used)}
    )
    created = 0
    mapping: list[tuple[str, int, int]] = []
    for i, (key, entry, columns, _condition) in enumerate(used):
        if not exists[f"e{i}"]:
            continue
        names = {code: _name(entry, code) for code in LANGUAGE_COLUMNS if getattr(entry, f"name_{code}", None)}
        cluster = Cluster.objects.filter(source=key).first()
        if cluster is None:
            # The same name in any language (not only the current one, as ``name=`` would look).
            cluster = Cluster.objects.filter(_same_name(names.values())).order_by("pk").first()
        if cluster is None:
            cluster = cluster_create(state=state, names=names, source=key)
            created += 1
        elif not cluster.source:
            Cluster.objects.filter(pk=cluster.pk).update(source=key)
        for column, ids in columns.items():
            mapping.extend((column, vocabulary_id, cluster.pk) for vocabulary_id in ids)
    return created, _add_by_mapping(state, mapping)


def _same_name(values) -> Q:
    """Clusters named any of ``values`` in any language."""
    condition = Q(pk__in=[])
    for value in values:
        for column in LANGUAGE_COLUMNS:
            condition |= Q(**{f"name_{column}": value})
    return condition


def _name(entry, code: str | None = None) -> str:
    """The entry's name in one language column (the current language's when None), as a cluster name."""
    name = (getattr(entry, f"name_{code}", None) if code else None) or entry.name
    return f"{entry.number} - {name}" if isinstance(entry, SdgGoal) else name


def _add_by_mapping(state: State, mapping: list[tuple[str, int, int]]) -> int:
    """Add each recommendation to the clusters its vocabulary entries map to, in one UPDATE."""
    if not mapping:
        return 0
    parts = []
    # The State named as well as enforced by row-level security: raw SQL is outside the scoped managers.
    params: dict[str, object] = {"state": state.pk}
    for column in sorted({column for column, _v, _c in mapping}):
        rows = [(v, c) for col, v, c in mapping if col == column]
        params[f"{column}_v"] = [v for v, _c in rows]
        params[f"{column}_c"] = [c for _v, c in rows]
        parts.append(
            f"SELECT m.c FROM unnest(%({column}_v)s::bigint[], %({column}_c)s::bigint[]) AS m(v, c)"
            f" WHERE m.v = ANY(r.{column})"
        )
    union = " UNION ".join(parts)
    sql = f"""
        WITH additions AS (
            SELECT r.id, ARRAY(
                SELECT x.c FROM ({union}) x WHERE NOT x.c = ANY(r.cluster_ids) ORDER BY x.c
            ) AS added
            FROM {TABLE} r WHERE r.state_id = %(state)s
        )
        UPDATE {TABLE} t SET cluster_ids = t.cluster_ids || a.added,
            primary_cluster_id = coalesce(t.primary_cluster_id, a.added[1]), updated_at = now()
        FROM additions a WHERE t.id = a.id AND cardinality(a.added) > 0
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount

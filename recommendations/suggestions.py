"""Suggested groups of related recommendations, and the secretariat's decisions on them.

The suggester (recommendations.related) reads the State's own texts and annotations; nothing
leaves the database. Suggestions wait for a person: confirming one makes a RelatedGroup (merged
with any group its members were already in), rejecting one keeps it so the same group is not
suggested again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from recommendations.curation import recommendations_relate
from recommendations.models import AffectedGroup, Recommendation, RelatedGroup, RelatedSuggestion, SdgTarget, Theme
from recommendations.related import Item, suggest_groups
from tenants.models import State, User

LOCK_NAMESPACE = 4201  # pg_advisory_xact_lock's first key: "related suggestions"
TEXT_COLUMNS = [f"text_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES]


def _items(state: State) -> tuple[list[Item], dict[int, int | None]]:
    """The State's recommendations as the suggester takes them, and each one's confirmed group."""
    preferred = f"text_{state.default_language.replace('-', '_')}"
    columns = [preferred, *(c for c in TEXT_COLUMNS if c != preferred)]
    labels = {
        "theme": dict(Theme.objects.values_list("pk", "name_en")),
        "group": dict(AffectedGroup.objects.values_list("pk", "name_en")),
        "sdg": dict(SdgTarget.objects.values_list("pk", "code")),
    }
    items, groups = [], {}
    rows = Recommendation.objects.values_list(
        "pk",
        "mechanism__code",
        "symbol",
        "paragraph",
        "theme_ids",
        "affected_group_ids",
        "sdg_target_ids",
        "related_group_id",
        *columns,
    )
    for pk, mechanism, symbol, paragraph, themes, affected, targets, group, *texts in rows.iterator(chunk_size=2000):
        text = next((t for t in texts if t), "")
        if not text:
            continue
        tags = frozenset(
            [f"theme:{labels['theme'].get(i, i)}" for i in themes]
            + [f"group:{labels['group'].get(i, i)}" for i in affected]
            + [f"sdg:{labels['sdg'].get(i, i)}" for i in targets]
        )
        items.append(Item(id=pk, text=text, mechanism=mechanism or "", session=symbol, paragraph=paragraph, tags=tags))
        groups[pk] = group
    return items, groups


@transaction.atomic
def related_suggestions_refresh(*, state: State) -> int:
    """Replace the open suggestions by the suggester's current ones; returns how many are open.

    Left out: groups whose members are all in one confirmed group already, and groups the
    secretariat rejected before.
    """
    # One refresh at a time per State (the job after an import and a click may meet): the second
    # waits, then replaces the first one's suggestions instead of adding to them.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, state.pk % 2**31])
    items, groups = _items(state)
    rejected = {
        tuple(ids)
        for ids in RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.REJECTED).values_list(
            "recommendation_ids", flat=True
        )
    }
    fresh = []
    for suggestion in suggest_groups(items):
        ids = tuple(sorted(suggestion.ids))
        confirmed = {groups.get(pk) for pk in ids}
        if ids in rejected or (len(confirmed) == 1 and None not in confirmed):
            continue
        fresh.append(RelatedSuggestion(state=state, recommendation_ids=list(ids), score=round(suggestion.score, 3)))
    RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.OPEN).delete()
    RelatedSuggestion.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh)


@transaction.atomic
def related_suggestion_confirm(
    *, state: State, suggestion: RelatedSuggestion, recommendation_ids: list[int], user: User | None
) -> RelatedGroup | None:
    """Confirm a suggestion, with the members the secretariat kept (at least two of those suggested)."""
    kept = [pk for pk in recommendation_ids if pk in set(suggestion.recommendation_ids)]
    group = recommendations_relate(state=state, selection=Recommendation.objects.filter(pk__in=kept), user=user)
    if group is not None:
        suggestion.delete()
    return group


@transaction.atomic
def related_suggestion_reject(*, suggestion: RelatedSuggestion, user: User | None) -> None:
    suggestion.status = RelatedSuggestion.Status.REJECTED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])

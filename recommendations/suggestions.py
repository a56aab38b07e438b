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
from recommendations.related import Item, Suggestion, blocking_stems, blocks, suggest_groups
from tenants.models import State, User
from tenants.scoping import state_context

LOCK_NAMESPACE = 4201  # pg_advisory_xact_lock's first key: "related suggestions"
TEXT_COLUMNS = [f"text_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES]


# Rows read a query (each query its own short transaction): memory and locks do not grow with the State.
READ_CHUNK = 2000


def _text_columns(state: State) -> list[str]:
    preferred = f"text_{state.default_language.replace('-', '_')}"
    return [preferred, *(c for c in TEXT_COLUMNS if c != preferred)]


def _stems(state: State) -> dict[int, tuple[str, ...]]:
    """Each recommendation with a text: the stems of its main requests (``related.blocks`` reads them).

    Read ``READ_CHUNK`` rows at a time by id, each chunk in its own ``state_context`` (a short
    transaction); the texts are not kept.
    """
    columns = _text_columns(state)
    stems: dict[int, tuple[str, ...]] = {}
    last = 0
    while True:
        with state_context(state):
            rows = list(
                Recommendation.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *columns)[:READ_CHUNK]
            )
        if not rows:
            return stems
        last = rows[-1][0]
        for pk, *texts in rows:
            text = next((t for t in texts if t), "")
            if text:
                stems[pk] = blocking_stems(text)


def _items(state: State, ids: list[int]) -> list[Item]:
    """The recommendations ``ids`` as the suggester takes them (read in short transactions)."""
    columns = _text_columns(state)
    items = []
    for start in range(0, len(ids), READ_CHUNK):
        with state_context(state):
            labels = {
                "theme": dict(Theme.objects.values_list("pk", "name_en")),
                "group": dict(AffectedGroup.objects.values_list("pk", "name_en")),
                "sdg": dict(SdgTarget.objects.values_list("pk", "code")),
            }
            rows = list(
                Recommendation.objects.filter(pk__in=ids[start : start + READ_CHUNK])
                .order_by("pk")
                .values_list(
                    "pk",
                    "mechanism__code",
                    "symbol",
                    "paragraph",
                    "theme_ids",
                    "affected_group_ids",
                    "sdg_target_ids",
                    *columns,
                )
            )
        for pk, mechanism, symbol, paragraph, themes, affected, targets, *texts in rows:
            text = next((t for t in texts if t), "")
            if not text:
                continue
            tags = frozenset(
                [f"theme:{labels['theme'].get(i, i)}" for i in themes]
                + [f"group:{labels['group'].get(i, i)}" for i in affected]
                + [f"sdg:{labels['sdg'].get(i, i)}" for i in targets]
            )
            items.append(
                Item(id=pk, text=text, mechanism=mechanism or "", session=symbol, paragraph=paragraph, tags=tags)
            )
    return items


def related_suggestions_compute(state: State) -> list[Suggestion]:
    """The suggester's groups for the State's recommendations, computed outside any transaction.

    Small States are one block (every pair considered); large ones are cut into blocks of
    ``related.BLOCK_SIZE`` (``related.blocks``) and each block is read, suggested and let go in
    turn, so peak memory depends on the block size, not on the State's (bench/related.py).
    """
    stems = _stems(state)
    suggestions: list[Suggestion] = []
    for block in blocks(stems):
        suggestions.extend(suggest_groups(_items(state, block)))
    return suggestions


def related_suggestions_refresh(*, state: State) -> int:
    """Replace the open suggestions by the suggester's current ones; returns how many are open.

    Reads in short transactions, computes with none open, then writes in one short transaction.
    Left out: groups whose members are all in one confirmed group already (as they are when the
    suggestions are written), and groups the secretariat rejected before.
    """
    suggestions = related_suggestions_compute(state)
    with state_context(state), connection.cursor() as cursor:
        # One write at a time per State (the job after an import and a click may meet): the
        # second waits, then replaces the first one's suggestions instead of adding to them.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, state.pk % 2**31])
        rejected = {
            tuple(ids)
            for ids in RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.REJECTED).values_list(
                "recommendation_ids", flat=True
            )
        }
        groups = dict(Recommendation.objects.filter(related_group__isnull=False).values_list("pk", "related_group_id"))
        fresh = []
        for suggestion in suggestions:
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

"""Plans, actions, indicators and measurements: saved with a version check, never silently over another's edit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.models import Action, Indicator, Measurement, Plan
from tenants.models import State, User


class StaleEdit(Exception):
    """The row changed since the person loaded it; ``current`` is the saved row."""

    def __init__(self, current: Model):
        self.current = current
        super().__init__(
            _(
                "Someone else saved a change to this while you were editing it. Nothing was saved: check "
                "their change below and save again if yours should replace it."
            )
        )


@transaction.atomic
def versioned_save(instance: Model, *, version: int | None, values: dict) -> Model:
    """Create ``instance`` with ``values``, or update it if still at ``version`` (else ``StaleEdit``)."""
    model = type(instance)
    if instance.pk is None:
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        return instance
    extra = {"updated_at": timezone.now()} if any(f.name == "updated_at" for f in model._meta.fields) else {}
    changed = model.objects.filter(pk=instance.pk, version=version).update(version=F("version") + 1, **extra, **values)
    current = model.objects.get(pk=instance.pk)
    if not changed:
        raise StaleEdit(current)
    return current


@transaction.atomic
def actions_link(*, action: Action, recommendation_ids: Iterable[int]) -> int:
    """Add recommendations to an action in one UPDATE; returns how many were new to it."""
    ids = sorted({int(pk) for pk in recommendation_ids})
    locked = Action.objects.select_for_update().get(pk=action.pk)
    linked = set(locked.recommendation_ids)
    new = [pk for pk in ids if pk not in linked]
    if new:
        Action.objects.filter(pk=action.pk).update(
            recommendation_ids=sorted(linked.union(new)),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
    return len(new)


@transaction.atomic
def measurement_add(*, state: State, indicator: Indicator, user: User, values: dict) -> Measurement:
    return Measurement.objects.create(state=state, indicator=indicator, created_by=user, **values)


def plan_progress(plan: Plan) -> dict[str, int]:
    """How many of the plan's actions are in each status (one grouped query)."""
    rows = plan.actions.order_by().values_list("status").annotate(n=Count("pk"))
    return dict(rows)

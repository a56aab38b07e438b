"""Celery tasks take a State id, run inside it, fail closed without one, and queue on commit."""

import pytest
from django.db import transaction

from tenants.jobs import StateRequired, enqueue
from tenants.models import State
from tenants.scoping import cross_state_access
from tests.celery_helpers import celery_worker
from tests.tenants.tasks import count_recommendations


def expected_for(planted_state):
    return {
        "state": planted_state.state.slug,
        "scoped": sorted([planted_state.published.text, planted_state.unpublished.text]),
        "rls_setting": str(planted_state.state.pk),
        "raw_count": 2,
    }


@pytest.mark.django_db
def test_task_runs_inside_its_state_only(planted):
    assert count_recommendations.delay(planted.a.state.pk).get() == expected_for(planted.a)
    assert count_recommendations.delay(planted.b.state.pk).get() == expected_for(planted.b)


@pytest.mark.django_db
def test_task_without_a_usable_state_fails_closed(planted):
    with pytest.raises(StateRequired):
        count_recommendations.delay(None)
    with pytest.raises(StateRequired):
        count_recommendations.delay(987654)
    with cross_state_access():
        State.objects.filter(pk=planted.a.state.pk).update(status=State.Status.SUSPENDED)
    with pytest.raises(StateRequired):
        count_recommendations.delay(planted.a.state.pk)


@pytest.mark.django_db
def test_enqueue_waits_for_the_commit(planted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue(count_recommendations, planted.a.state)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                enqueue(count_recommendations, planted.a.state)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []


@pytest.mark.broker
def test_task_runs_on_a_real_worker_through_redis(committed, celery_queue):
    """The real path: Redis broker, a Celery worker thread, its own database connection."""
    with celery_worker(celery_queue):
        result = count_recommendations.apply_async(args=[committed.b.state.pk], queue=celery_queue)
        assert result.get(timeout=30) == expected_for(committed.b)

"""The demo of `make run`."""

import pytest
from django.core.management import call_command

from followup.models import ProgressUpdate
from recommendations.models import Cluster, Recommendation
from tenants.models import Membership, Role, State
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent(db):
    call_command("load_demo")
    call_command("load_demo")
    # Beside the two planted States of the test session.
    assert sorted(State.objects.exclude(slug__in=["alpha", "beta"]).values_list("slug", flat=True)) == [
        "arcadia",
        "borealia",
    ]
    arcadia = State.objects.get(slug="arcadia")
    with state_context(arcadia):
        # The four of the first demo and sixteen of its UPR cycle, with their validated updates:
        # the list, the dashboard and the charts have something to show.
        assert Recommendation.objects.count() == 20
        assert ProgressUpdate.objects.filter(status=ProgressUpdate.Status.VALIDATED).count() == 16
        assert Cluster.objects.count() == 5  # four of the UPR cycle's, and the published ones' own
        statuses = dict(
            Recommendation.objects.filter(paragraph__in=["127.2", "127.102"]).values_list(
                "paragraph", "implementation_status"
            )
        )
        assert statuses == {"127.2": "partially_implemented", "127.102": "not_started"}
        assert sorted(Membership.objects.values_list("role", flat=True)) == sorted(Role.values)

"""The demo of `make run`."""

import pytest
from django.core.management import call_command

from recommendations.models import Recommendation
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
        assert Recommendation.objects.count() == 4
        assert sorted(Membership.objects.values_list("role", flat=True)) == sorted(Role.values)

"""Fixtures shared by the recommendation tests."""

import pytest

from tenants.models import State
from tenants.scoping import cross_state_access
from tests.factories import StateFactory


@pytest.fixture
def slovenia(db) -> State:
    with cross_state_access():
        return StateFactory(name="Slovenia", slug="slovenia", iso3="SVN")

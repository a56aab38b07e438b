"""Two administrators demoting each other at the same moment: one of them stays (committed data,
two threads, two connections)."""

from __future__ import annotations

import threading

from django.db import connections, transaction

from tenants.models import Membership, Role
from tenants.people import PeopleError, membership_role_change
from tenants.scoping import state_context


def membership_of(state, user) -> Membership:
    with state_context(state):
        return Membership.objects.get(user=user)


def test_two_administrators_demoting_each_other_at_once_leave_one(committed):
    """The administrators' rows are locked while the rule is checked: the second demotion waits
    for the first to commit, then sees it and is refused."""
    state = committed.a.state
    admin, officer = committed.a.people["admin"], committed.a.people["secretariat"]
    membership_role_change(membership=membership_of(state, officer), role=Role.STATE_ADMIN, by=admin)
    first_locked = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                membership_role_change(membership=membership_of(state, admin), role=Role.OBSERVER, by=officer)
                first_locked.set()
                # Hold the locks a moment: the second demotion is waiting on them meanwhile.
                threading.Event().wait(0.5)
            outcome["first"] = "demoted"
        finally:
            first_locked.set()
            connections.close_all()

    def second():
        first_locked.wait(5)
        try:
            membership_role_change(membership=membership_of(state, officer), role=Role.OBSERVER, by=admin)
            outcome["second"] = "demoted"
        except PeopleError as error:
            outcome["second"] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome == {
        "first": "demoted",
        "second": "secretariat of Alphaland is the last active administrator of Alphaland: make someone else an "
        "administrator first.",
    }
    with state_context(state):
        assert list(
            Membership.objects.filter(role=Role.STATE_ADMIN, is_active=True).values_list("user__email", flat=True)
        ) == ["secretariat@alpha.example.org"]

"""What the commands that change a State's status share: find it by its address, call the service, say so."""

from __future__ import annotations

from collections.abc import Callable

import pghistory
from django.core.management.base import BaseCommand, CommandError

from console.services import StateStatusError
from tenants.models import State


def state_by_slug(slug: str) -> State:
    state = State.objects.filter(slug=slug).first()
    if state is None:
        raise CommandError(f"No State with the address {slug!r}")
    return state


class StateStatusCommand(BaseCommand):
    """``<command> <slug> --reason "..."``: one service of tenants.services, and its outcome."""

    service: Callable[..., State]
    # The error when --reason is missing, for the changes that need one (None: optional).
    reason_required: str | None = None
    # "{state} is {status}, not active": when the State's status does not allow the change.
    refused: str = ""
    done: str = ""

    def add_arguments(self, parser):
        parser.add_argument("slug")
        required = " (required)" if self.reason_required else ""
        parser.add_argument("--reason", default="", help=f"Kept in the State's audit record{required}")

    def handle(self, *args, slug, reason, **options):
        state = state_by_slug(slug)
        if self.reason_required and not reason.strip():
            raise CommandError(self.reason_required)
        try:
            # The State's log says a command of the hosting office's changed its status.
            with pghistory.context(command=self.__module__.rpartition(".")[2]):
                type(self).service(state=state, actor=None, reason=reason)
        except StateStatusError as error:
            raise CommandError(self.refused.format(state=state.name, status=error.args[0])) from error
        self.stdout.write(self.done.format(state=state.name))

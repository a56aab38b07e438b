from django.core.management.base import BaseCommand, CommandError

from tenants.models import State
from tenants.services import StateStatusError, state_suspend


class Command(BaseCommand):
    help = "Suspend a State: its members cannot enter it and its portal answers 404; data untouched."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", default="", help="Kept in the State's audit record (required)")

    def handle(self, *args, slug, reason, **options):
        state = State.objects.filter(slug=slug).first()
        if state is None:
            raise CommandError(f"No State with the address {slug!r}")
        if not reason.strip():
            raise CommandError("Say why the State is suspended (--reason)")
        try:
            state_suspend(state=state, actor=None, reason=reason)
        except StateStatusError as error:
            raise CommandError(f"{state.name} is {error.args[0]}, not active") from error
        self.stdout.write(f"{state.name} is suspended")

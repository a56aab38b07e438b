from django.core.management.base import BaseCommand, CommandError

from tenants.models import State
from tenants.services import StateStatusError, state_archive


class Command(BaseCommand):
    help = "Archive a State: closed as a suspended one is, data kept; resumable, or deletable with delete_state."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", default="", help="Kept in the State's audit record (required)")

    def handle(self, *args, slug, reason, **options):
        state = State.objects.filter(slug=slug).first()
        if state is None:
            raise CommandError(f"No State with the address {slug!r}")
        if not reason.strip():
            raise CommandError("Say why the State is archived (--reason)")
        try:
            state_archive(state=state, actor=None, reason=reason)
        except StateStatusError as error:
            raise CommandError(f"{state.name} is {error.args[0]} already") from error
        self.stdout.write(f"{state.name} is archived")

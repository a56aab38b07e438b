from django.core.management.base import BaseCommand, CommandError

from console.management.state_commands import state_by_slug
from console.services import StateConfirmationError, StateStatusError, state_delete


class Command(BaseCommand):
    help = "Delete an archived State and all its data, for good (--confirm must repeat its slug)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--confirm", default="", help="The State's slug again, typed exactly")
        parser.add_argument("--reason", default="", help="Kept in the platform's audit record")

    def handle(self, *args, slug, confirm, reason, **options):
        state = state_by_slug(slug)
        try:
            entry = state_delete(state=state, actor=None, confirm_slug=confirm, reason=reason)
        except StateConfirmationError as error:
            raise CommandError(f"--confirm must be {slug!r} exactly; nothing was deleted") from error
        except StateStatusError as error:
            raise CommandError(f"{state.name} is {error.args[0]}, not archived; archive it first") from error
        rows = sum(entry.details["rows"].values())
        self.stdout.write(f"{state.name} is deleted ({rows} rows, {entry.details['history_rows']} history entries)")

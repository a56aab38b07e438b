from django.core.management.base import BaseCommand, CommandError

from tenants.models import State
from tenants.services import StateStatusError, state_resume


class Command(BaseCommand):
    help = "Resume a suspended State."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", default="", help="Kept in the State's audit record")

    def handle(self, *args, slug, reason, **options):
        state = State.objects.filter(slug=slug).first()
        if state is None:
            raise CommandError(f"No State with the address {slug!r}")
        try:
            state_resume(state=state, actor=None, reason=reason)
        except StateStatusError as error:
            raise CommandError(f"{state.name} is {error.args[0]}, not suspended") from error
        self.stdout.write(f"{state.name} is active again")

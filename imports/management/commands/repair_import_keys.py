"""Rewrite the old text keys of recommendations already imported (issue 21).

    python manage.py repair_import_keys [--state SLUG]

Rows without symbol and paragraph used to be keyed by their text alone (``text:<digest>``), so a
text repeated in a later cycle updated the earlier cycle's recommendation. Their keys now name
the mechanism and the session or cycle (imports.keys); migration imports 0003 did this once for
every State; this does it again, for one State or all (after restoring an old archive, say).
Prints how many keys changed.
"""

import pghistory
from django.core.management.base import BaseCommand, CommandError

from imports.keys import text_keys_repair
from tenants.models import State
from tenants.scoping import cross_state_access, state_context


class Command(BaseCommand):
    help = "Rewrite old text import keys (text:<digest>) with the mechanism and the session or cycle."

    def add_arguments(self, parser):
        parser.add_argument("--state", help="The State's short name (slug); every State when left out")

    def handle(self, *args, **options):
        with pghistory.context(command="repair_import_keys"):
            if options["state"]:
                state = State.objects.filter(slug=options["state"]).first()
                if state is None:
                    raise CommandError(f"No State with the short name {options['state']!r}")
                with state_context(state):
                    changed = text_keys_repair(state_id=state.pk)
            else:
                with cross_state_access():
                    changed = text_keys_repair(state_id=None)
        self.stdout.write(f"{changed} import keys repaired.")

from django.core.management.base import BaseCommand, CommandError

from console.archive import ArchiveError, state_import


class Command(BaseCommand):
    help = "Create a new State from an archive written by export_state (in one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .zip written by export_state")
        parser.add_argument("--slug", required=True, help="The new State's address (must be free)")
        parser.add_argument("--name", default=None, help="Its name (default: the archive's)")
        parser.add_argument("--iso3", default=None, help="Its ISO code (default: the archive's; must be free)")

    def handle(self, *args, path, slug, name, iso3, **options):
        try:
            with open(path, "rb") as fileobj:
                state = state_import(fileobj=fileobj, slug=slug, name=name, iso3=iso3)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        except ArchiveError as error:
            raise CommandError(f"{error}; nothing was imported") from error
        self.stdout.write(f"{state.name} imported as {state.slug} ({state.iso3})")

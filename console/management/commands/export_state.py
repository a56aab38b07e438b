from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from console.archive import ArchiveError, state_export
from console.management.state_commands import state_by_slug


class Command(BaseCommand):
    help = "Write a State's complete data (rows, history, people, files) as one zip archive."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("path", help="Where to write the .zip")

    def handle(self, *args, slug, path, **options):
        state = state_by_slug(slug)
        try:
            with open(path, "wb") as fileobj:
                manifest = state_export(state=state, fileobj=fileobj)
        except ArchiveError as error:
            # The archive is written as it is read: a refused export leaves no half-written file.
            Path(path).unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{state.name} exported to {path} ({rows} rows, {manifest['history_entries']} history entries,"
            f" {len(manifest['files'])} files)"
        )

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from console.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a folder written by `manage.py backup` into a new (or empty) database, then the stored files into"
        " an empty MEDIA_ROOT and the queued jobs into the broker; every table's count and checksum is compared"
        " with the backup's."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The folder written by manage.py backup")
        parser.add_argument("--database", required=True, help="The database to create (or an empty one)")
        parser.add_argument(
            "--admin-url", default=None, help="A superuser of the target server (default: DATABASE_ADMIN_URL)"
        )
        parser.add_argument("--no-media", action="store_true", help="Leave the stored files where they are")
        parser.add_argument("--no-broker", action="store_true", help="Leave the queued jobs out")

    def handle(self, *args, folder, database, admin_url, no_media, no_broker, **options):
        url = admin_url or settings.DATABASE_ADMIN_URL
        if not url:
            raise CommandError("Set DATABASE_ADMIN_URL (a superuser of the target server) or give --admin-url")
        try:
            report = restore(
                Path(folder),
                admin_url=url,
                database=database,
                media_root=None if no_media else Path(settings.MEDIA_ROOT),
                broker_url=None if no_broker else settings.CELERY_BROKER_URL,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored into {database}: {report['tables']} tables, {report['rows']} rows (counts and checksums match"
            f" the backup), {report['files']} files, {report['keys']} queued keys"
        )

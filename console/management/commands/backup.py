from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from console.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole installation into one folder: the database (pg_dump, as the backup role), the stored"
        " files and the queued jobs, with a manifest of every table's row count and checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="A new (or empty) folder")
        parser.add_argument(
            "--database-url",
            default=None,
            help="The role to read as (default: DATABASE_BACKUP_URL; a superuser's URL works too)",
        )
        parser.add_argument("--no-media", action="store_true", help="Leave the stored files out")
        parser.add_argument("--no-broker", action="store_true", help="Leave the queued jobs out")

    def handle(self, *args, destination, database_url, no_media, no_broker, **options):
        url = database_url or settings.DATABASE_BACKUP_URL
        if not url:
            raise CommandError("Set DATABASE_BACKUP_URL (the nrtd_backup role) or give --database-url")
        try:
            manifest = backup(
                Path(destination),
                database_url=url,
                media_root=None if no_media else Path(settings.MEDIA_ROOT),
                broker_url=None if no_broker else settings.CELERY_BROKER_URL,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Backed up to {destination}: {len(tables)} tables, {sum(t['rows'] for t in tables.values())} rows,"
            f" {manifest['media']['files']} files, {manifest['broker']['keys'] or 0} queued keys"
        )

"""Create or update the global vocabularies from the data files in recommendations/data/.

    python manage.py load_vocabularies [--database ALIAS]

Migration 0005 loads them once; run this after editing a data file (a new alias, a renamed
theme, a new special procedure) to apply the change without a migration. Idempotent.
"""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from recommendations.vocabularies import load_vocabularies


class Command(BaseCommand):
    help = "Create or update mechanisms, themes, affected groups, SDGs and countries from recommendations/data/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias to load into (default: %(default)s)"
        )

    def handle(self, *args, **options):
        counts = load_vocabularies(using=options["database"])
        for vocabulary, count in counts.items():
            self.stdout.write(f"{vocabulary}: {count}")

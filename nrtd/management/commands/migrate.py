"""``migrate`` that runs as the tables' owner (the ``owner`` connection) unless told otherwise.

The application's own role cannot create or alter tables, so migrating through it would fail;
and migrations must own what they create for row-level security to bind the application role.
"""

from django.core.management.commands.migrate import Command as MigrateCommand


class Command(MigrateCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database="owner")

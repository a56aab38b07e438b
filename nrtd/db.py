"""Which database connection does what.

``default`` is the application's role, subject to row-level security; ``owner`` is the role
that owns the tables. Only migrations use ``owner`` (``manage.py migrate`` defaults to it, see
nrtd/management/commands/migrate.py); every query of the running application goes to
``default``.
"""


class OwnerMigratesRouter:
    def db_for_read(self, model, **hints):
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "owner"

"""Row-level security: PostgreSQL's own wall between States.

After every ``migrate`` (run as the tables' owner), every table with a ``state_id`` column gets
row-level security enabled and forced, and two policies:

- ``nrtd_state_isolation``, for every role: a row is visible and writable only when its
  ``state_id`` equals the transaction's ``nrtd.state_id`` setting;
- ``nrtd_cross_state``, for the platform role and the owner only (named from the ``platform``
  and ``owner`` connections' settings): every row. It is what tenants.scoping.cross_state_access
  works through, on the platform's own connection; no setting the application's role can change
  opens it.

The States' own table (``tenants_state``) has no ``state_id``: every page reads it (the State
middleware finds a State by its address before any State is entered), so everyone may read and
insert States, but a State's row is updated or deleted only inside its own context, or across
States (``STATE_TABLE_POLICIES``).

Applying them to every such table, rather than in each migration, means a new State-owned model
cannot be forgotten; tests/tenants/test_rls.py checks the catalogue, tests/tenants/test_wall.py
the wall against SQL run as the application's role.

The application's and the platform's roles get data privileges only (no DDL), so they can
neither alter nor drop a policy.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from tenants.history import HISTORY_TABLE, STATE_TABLE, install_history_triggers

POLICY_NAME = "nrtd_state_isolation"
CROSS_STATE_POLICY = "nrtd_cross_state"
# Derived, published-only copies the public portal searches (recommendations.models.SearchDocument):
# they have a state_id but no row-level security, because PostgreSQL cannot use a GIN index for
# the full-text operators under it (they are not leakproof). Every read names its State; the
# application's role may only read them (database triggers write them); they are not history,
# and a State's archive leaves them out (they are rebuilt from the recommendations).
DERIVED_TABLES = frozenset({"recommendations_searchdoc", "recommendations_searchversion"})
POLICY_PREDICATE = "(state_id = nullif(current_setting('nrtd.state_id', true), '')::bigint)"


def application_role() -> str:
    """The role the application's connection works as (in tests, the role it takes on)."""
    config = settings.DATABASES["default"]
    return config.get("OPTIONS", {}).get("assume_role") or config["USER"]


def cross_state_roles(using: str) -> list[str]:
    """The roles the cross-State policy lets through: the owner (``using``, migrating) and the
    platform role. Refuses a configuration where the application's role would be one of them."""
    roles = sorted({settings.DATABASES[using]["USER"], settings.DATABASES["platform"]["USER"]} - {""})
    if application_role() in roles:
        raise ImproperlyConfigured(
            f"The application's role {application_role()!r} is also the owner or the platform role:"
            " row-level security would not hold it (DATABASE_URL, DATABASE_OWNER_URL, DATABASE_PLATFORM_URL)"
        )
    return roles


# The States' own table (STATE_TABLE): read and created by anyone; changed only by its own State
# or across States.
STATE_OWN_PREDICATE = "(id = nullif(current_setting('nrtd.state_id', true), '')::bigint)"
STATE_TABLE_POLICIES = {
    "nrtd_state_read": "FOR SELECT USING (true)",
    "nrtd_state_create": "FOR INSERT WITH CHECK (true)",
    "nrtd_state_update": f"FOR UPDATE USING {STATE_OWN_PREDICATE} WITH CHECK {STATE_OWN_PREDICATE}",
    "nrtd_state_delete": f"FOR DELETE USING {STATE_OWN_PREDICATE}",
}


def state_owned_tables(using: str = "default") -> list[str]:
    """Every ordinary table in the current schema that has a ``state_id`` column (DERIVED_TABLES aside)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE n.nspname = current_schema()
              AND c.relkind IN ('r', 'p')
              AND a.attname = 'state_id'
              AND NOT a.attisdropped
            ORDER BY c.relname
            """
        )
        return [row[0] for row in cursor.fetchall() if row[0] not in DERIVED_TABLES]


def apply_row_level_security(using: str) -> list[str]:
    """Enable, force and (re)create the policies on every State-owned table and the States' own."""
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = state_owned_tables(using)
    crossing = ", ".join(quote(role) for role in cross_state_roles(using))
    with connection.cursor() as cursor:
        for table in tables:
            name = quote(table)
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {name}")
            cursor.execute(
                f"CREATE POLICY {POLICY_NAME} ON {name} USING {POLICY_PREDICATE} WITH CHECK {POLICY_PREDICATE}"
            )
            cursor.execute(f"DROP POLICY IF EXISTS {CROSS_STATE_POLICY} ON {name}")
            cursor.execute(f"CREATE POLICY {CROSS_STATE_POLICY} ON {name} TO {crossing} USING (true) WITH CHECK (true)")
        name = quote(STATE_TABLE)
        cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        cursor.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        for policy, definition in {
            **STATE_TABLE_POLICIES,
            CROSS_STATE_POLICY: f"TO {crossing} USING (true) WITH CHECK (true)",
        }.items():
            cursor.execute(f"DROP POLICY IF EXISTS {policy} ON {name}")
            cursor.execute(f"CREATE POLICY {policy} ON {name} {definition}")
    return tables


def grant_application_role(using: str) -> None:
    """Give the application's and the platform's roles data privileges on everything the owner
    created (the same: the platform role's reach is the cross-State policy, not its grants)."""
    owner_role = settings.DATABASES[using]["USER"]
    for grantee in sorted({application_role(), settings.DATABASES["platform"]["USER"]}):
        if grantee and grantee != owner_role:
            _grant(using, grantee)


def _grant(using: str, grantee: str) -> None:
    connection = connections[using]
    role = connection.ops.quote_name(grantee)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role}")
        # History is append-only for the application.
        cursor.execute(f"REVOKE UPDATE, DELETE ON {connection.ops.quote_name(HISTORY_TABLE)} FROM {role}")
        for table in sorted(DERIVED_TABLES):
            cursor.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {connection.ops.quote_name(table)} FROM {role}")


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """Raise the database's walls and history over whatever the migrations created."""
    # post_migrate fires once per installed app that has a models module; the work is
    # idempotent, so do it once, after the last such app has created its tables.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    tables = apply_row_level_security(using)
    install_history_triggers(using, tables)
    grant_application_role(using)

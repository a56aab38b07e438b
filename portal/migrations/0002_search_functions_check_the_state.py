"""The search's owner functions check the States they touch (issue 17): ``nrtd_search_refresh``
and ``nrtd_search_bump`` refuse another State than the transaction's unless the caller may cross
States (``nrtd_require_state``, migration tenants 0011). Definitions in portal/sql.py."""

from django.db import migrations

from portal.sql import SEARCH_FUNCTIONS_SQL


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("tenants", "0011_wall_without_bypass"),
    ]

    operations = [migrations.RunSQL(SEARCH_FUNCTIONS_SQL, migrations.RunSQL.noop)]

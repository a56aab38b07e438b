"""The whole installation backed up and restored into an empty database (console.backup).

Real pg_dump and pg_restore of the server's version, a real Redis database as the broker, the
planted States committed: every table's row count and checksum, every stored file and every
queued key come back.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import psycopg
import pytest
import redis
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from console.backup import table_summary
from recommendations.models import Recommendation
from tenants.history import HISTORY_TABLE
from tenants.scoping import cross_state_access

BROKER_KEY = b"nrtd-test-backup:celery"


@pytest.fixture
def urls():
    backup_url, admin_url = os.environ.get("DATABASE_BACKUP_URL"), os.environ.get("DATABASE_ADMIN_URL")
    if not (backup_url and admin_url):
        pytest.skip("needs DATABASE_BACKUP_URL and DATABASE_ADMIN_URL (python -m nrtd.devtools test sets them)")
    name = connection.settings_dict["NAME"]
    return {"source": name, "backup": make_conninfo(backup_url, dbname=name), "admin": admin_url}


@pytest.fixture
def target(urls):
    name = f"{urls['source']}_restored"

    def drop():
        with psycopg.connect(urls["admin"], autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    drop()
    yield name
    drop()


@pytest.fixture
def broker(redis_service):
    client = redis.Redis.from_url(redis_service.redis_url)
    client.delete(BROKER_KEY)
    yield redis_service.redis_url, client
    client.delete(BROKER_KEY)


def summary(url: str, database: str) -> dict:
    with psycopg.connect(make_conninfo(url, dbname=database)) as conn:
        return table_summary(conn)


def test_a_backup_restored_into_an_empty_database_has_every_row_file_and_queued_job(
    committed, urls, target, broker, tmp_path, settings
):
    broker_url, client = broker
    client.rpush(BROKER_KEY, b'{"task": "imports.tasks.import_task"}', b'{"task": "second"}')
    media = Path(settings.MEDIA_ROOT)
    (media / "backup-test").mkdir(exist_ok=True)
    (media / "backup-test" / "evidence.pdf").write_bytes(b"%PDF-1.4 evidence\n" * 100)
    stored = {path.relative_to(media): path.read_bytes() for path in media.rglob("*") if path.is_file()}
    settings.CELERY_BROKER_URL = broker_url
    folder = tmp_path / "backup"

    out = io.StringIO()
    call_command("backup", str(folder), "--database-url", urls["backup"], stdout=out)

    assert "Backed up to" in out.getvalue()
    manifest = json.loads((folder / "manifest.json").read_text())
    source = summary(urls["admin"], urls["source"])
    assert manifest["database"]["tables"] == source
    with cross_state_access():
        recommendations = Recommendation.objects.count()
    assert recommendations > 0 and source["recommendations_recommendation"]["rows"] == recommendations
    assert source[HISTORY_TABLE]["rows"] > 0

    client.delete(BROKER_KEY)
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    out = io.StringIO()
    call_command("restore", str(folder), "--database", target, "--admin-url", urls["admin"], stdout=out)

    assert "counts and checksums match" in out.getvalue()
    restored = summary(urls["admin"], target)
    assert set(restored) == set(source) and len(source) > 30
    for table, expected in source.items():
        assert restored[table] == expected, table
    restored_media = tmp_path / "restored-media"
    assert {
        path.relative_to(restored_media): path.read_bytes() for path in restored_media.rglob("*") if path.is_file()
    } == stored
    assert client.lrange(BROKER_KEY, 0, -1) == [b'{"task": "imports.tasks.import_task"}', b'{"task": "second"}']
    # The restored database belongs to the owner role and the site's role reads it as before.
    with psycopg.connect(make_conninfo(urls["admin"], dbname=target)) as conn:
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'recommendations_recommendation'"
        ).fetchone()[0]
        app_can_read = conn.execute(
            "SELECT has_table_privilege('nrtd_app', 'recommendations_recommendation', 'SELECT')"
        ).fetchone()[0]
    assert (owner, app_can_read) == ("nrtd_owner", True)


def test_an_altered_backup_a_non_empty_database_and_a_role_under_row_security_are_refused(
    committed, urls, target, tmp_path
):
    with pytest.raises(CommandError, match="cannot read every State's rows"):
        app_url = make_conninfo(os.environ["DATABASE_URL"], dbname=urls["source"])
        call_command("backup", str(tmp_path / "as-app"), "--database-url", app_url, "--no-broker")
    folder = tmp_path / "backup"
    call_command("backup", str(folder), "--database-url", urls["backup"], "--no-broker", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder), "--database", urls["source"], "--admin-url", urls["admin"], "--no-media")
    with (folder / "database.dump").open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\0\0\0\0")
    with pytest.raises(CommandError, match=r"database\.dump is missing or does not match its checksum"):
        call_command("restore", str(folder), "--database", target, "--admin-url", urls["admin"], "--no-media")
    with psycopg.connect(urls["admin"], autocommit=True) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone() is None

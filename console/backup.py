"""The whole installation backed up and restored: the database, the stored files, the queued jobs.

A backup is one folder (docs/operations.md):

- ``database.dump``: ``pg_dump --format=custom`` of the whole database, taken by the backup role
  (``nrtd_backup``: reads every table, row-level security bypassed for it alone; the owner role
  cannot dump: its tables FORCE row-level security) or a superuser;
- ``media.tar.gz``: every stored file (``MEDIA_ROOT``);
- ``broker.jsonl``: every key of the Celery broker's Redis database (the queued jobs), as Redis's
  own ``DUMP`` of each with its time to live; none when the broker is not Redis;
- ``manifest.json``: what the backup holds, each table's row count and checksum (the MD5 of
  its rows' MD5s in order, read in the very snapshot ``pg_dump`` dumps: ``pg_export_snapshot``),
  and the SHA-256 of each file of the folder.

``restore`` verifies the files against the manifest, creates the target database (it must not
exist, or be empty), restores the dump into it as a superuser (the tables FORCE row-level
security: only a superuser or a BYPASSRLS role may write every State's rows, and only a
superuser may give the tables back to their owner role), then compares every table's count and
checksum with the manifest's; then the files into an empty ``MEDIA_ROOT`` and the broker's keys.

The PostgreSQL client programs must be the server's major version: they are looked for in
``NRTD_PG_BIN``, then ``/usr/lib/postgresql/<major>/bin``, then on the PATH.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg
from django.utils import timezone
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

FORMAT = "nrtd-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"
BROKER = "broker.jsonl"
OWNER_ROLE = "nrtd_owner"
# The roles the dump grants privileges to: they must exist where it is restored.
SITE_ROLES = ("nrtd_owner", "nrtd_app", "nrtd_platform")


class BackupError(Exception):
    """The backup or the restore cannot be made; the message says why."""


def _embedded_bin() -> str:
    """The folder of the embedded PostgreSQL's own programs (the pgserver package, when installed:
    ``make run`` and ``make test`` without ``DATABASE_URL`` use its server, of its own version)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        return ""
    return str(Path(spec.origin).parent / "pginstall" / "bin")


def pg_program(name: str, server_version_num: int) -> str:
    """The path of the PostgreSQL client program ``name`` of the server's major version."""
    major = server_version_num // 10000
    folders = [os.environ.get("NRTD_PG_BIN", ""), f"/usr/lib/postgresql/{major}/bin", _embedded_bin()]
    candidates = [str(Path(folder) / name) for folder in folders if folder]
    candidates.append(shutil.which(name) or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            version = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=True).stdout
            if f" {major}." in version or version.strip().endswith(f" {major}"):
                return candidate
    raise BackupError(
        f"No {name} of PostgreSQL {major} (the server's version): install its client programs or set NRTD_PG_BIN"
    )


def _split(url: str) -> tuple[str, dict[str, str]]:
    """A connection string without its password, and the environment that carries the password."""
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = {**os.environ}
    if password:
        env["PGPASSWORD"] = password
    return make_conninfo(**params), env


def _with_database(url: str, database: str) -> str:
    return make_conninfo(url, dbname=database)


def table_summary(conn: psycopg.Connection) -> dict[str, dict[str, int | str]]:
    """Every table of the schema: its row count and the MD5 of its rows' MD5s, in order.

    Rows are written as text in one fixed setting (UTC, ISO dates), so the same rows give the
    same checksum on any server and session. Needs a role that sees every row (the backup
    role, a superuser).
    """
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute("SET DateStyle = 'ISO, YMD'")
    conn.execute("SET IntervalStyle = 'postgres'")
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).fetchall()
    ]
    summary: dict[str, dict[str, int | str]] = {}
    for table in tables:
        count, digest = conn.execute(
            sql.SQL(
                "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '')"
                " FROM (SELECT md5(t::text) AS h FROM {} t) rows"
            ).format(sql.Identifier(table))
        ).fetchone()
        summary[table] = {"rows": count, "md5": digest}
    return summary


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _redis(url: str | None):
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis  # the broker's client, only when the broker is Redis

    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def backup(destination: Path, *, database_url: str, media_root: Path | None, broker_url: str | None = None) -> dict:
    """Write a backup folder at ``destination`` (which must not exist or be empty); return its manifest."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} exists and is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    conninfo, env = _split(database_url)
    try:
        conn = psycopg.connect(database_url, connect_timeout=10)
    except psycopg.Error as error:
        raise BackupError(f"Cannot connect to the database: {error}") from error
    with conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        bypass, superuser = conn.execute(
            "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if not (bypass or superuser):
            raise BackupError(
                "The database role cannot read every State's rows (row-level security): use the backup role"
                " (DATABASE_BACKUP_URL, nrtd_backup) or a superuser"
            )
        server = conn.info.server_version
        # The dump and the counts below see one snapshot: the manifest describes exactly the dump.
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
        pg_dump = pg_program("pg_dump", server)
        result = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(destination / DUMP), conninfo],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        tables = table_summary(conn)
        database = conn.info.dbname
        conn.rollback()
    files = _backup_media(destination / MEDIA, media_root)
    broker_keys = _backup_broker(destination / BROKER, broker_url)
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": {
            "name": database,
            "server_version": server,
            "pg_dump": subprocess.run([pg_dump, "--version"], capture_output=True, text=True).stdout.strip(),
            "tables": tables,
        },
        "media": {"files": files},
        "broker": {"keys": broker_keys},
        "checksums": {path.name: _sha256(path) for path in sorted(destination.iterdir()) if path.name != MANIFEST},
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _backup_media(target: Path, media_root: Path | None) -> int:
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if media_root and Path(media_root).is_dir():
            for folder, subfolders, names in os.walk(media_root):
                subfolders.sort()
                for name in sorted(names):
                    path = Path(folder) / name
                    archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    count += 1
    return count


def _backup_broker(target: Path, broker_url: str | None) -> int | None:
    client = _redis(broker_url)
    if client is None:
        return None
    count = 0
    with target.open("w") as out:
        for key in sorted(client.scan_iter(count=1000)):
            value = client.dump(key)
            if value is None:  # gone since the scan
                continue
            ttl = client.pttl(key)
            line = {
                "key": base64.b64encode(key).decode(),
                "ttl": max(ttl, 0),
                "value": base64.b64encode(value).decode(),
            }
            out.write(json.dumps(line) + "\n")
            count += 1
    return count


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, once every file of the folder matches its checksum."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not an NRTD backup")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"Backup format version {manifest.get('version')!r} is not supported")
    for name, digest in (manifest.get("checksums") or {}).items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or does not match its checksum: the backup was altered or damaged")
    return manifest


def restore(
    folder: Path,
    *,
    admin_url: str,
    database: str,
    media_root: Path | None,
    broker_url: str | None = None,
) -> dict:
    """Restore the backup ``folder`` into the new (or empty) database ``database``; return a report.

    ``admin_url`` names a superuser of the target server; the roles ``SITE_ROLES`` must exist
    there (``nrtd.devtools.ensure_roles``, docker/initdb.sh). The stored
    files go into ``media_root`` (which must be empty), the broker's keys into ``broker_url``'s
    Redis database. BackupError when anything does not match.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise BackupError(f"Cannot connect to the server: {error}") from error
    with admin:
        if not admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            raise BackupError("A restore needs a superuser of the target server (--admin-url)")
        missing = [
            role
            for role in SITE_ROLES
            if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        ]
        if missing:
            raise BackupError(f"The roles {', '.join(missing)} do not exist on the target server: create them first")
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        server = admin.info.server_version
    if exists:
        with psycopg.connect(_with_database(admin_url, database), connect_timeout=10) as target:
            if target.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]:
                raise BackupError(f"The database {database} is not empty: restore into a new one")
    else:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(OWNER_ROLE))
            )
    if media_root and Path(media_root).is_dir() and any(Path(media_root).iterdir()):
        raise BackupError(f"{media_root} is not empty: the stored files are restored into an empty folder")
    conninfo, env = _split(_with_database(admin_url, database))
    result = subprocess.run(
        [
            pg_program("pg_restore", server),
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            conninfo,
            str(folder / DUMP),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    with psycopg.connect(_with_database(admin_url, database), connect_timeout=10) as target:
        restored = table_summary(target)
    expected = manifest["database"]["tables"]
    different = sorted(table for table in set(expected) | set(restored) if expected.get(table) != restored.get(table))
    if different:
        raise BackupError(f"The restored tables differ from the backup's: {', '.join(different)}")
    files = 0
    if media_root:
        Path(media_root).mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / MEDIA, "r:gz") as archive:
            members = archive.getmembers()
            # The "data" filter refuses absolute paths, links out of the folder and devices.
            archive.extractall(media_root, members=members, filter="data")
            files = sum(1 for member in members if member.isfile())
    keys = 0
    client = _redis(broker_url)
    if client is not None and (folder / BROKER).exists():
        with (folder / BROKER).open() as lines:
            for line in lines:
                item = json.loads(line)
                client.restore(
                    base64.b64decode(item["key"]), item["ttl"], base64.b64decode(item["value"]), replace=True
                )
                keys += 1
    return {
        "tables": len(restored),
        "rows": sum(int(t["rows"]) for t in restored.values()),
        "files": files,
        "keys": keys,
    }

"""The two commands of the README: ``make run`` and ``make test`` call this module.

``python -m nrtd.devtools run``   — database, migrations, demo data, web server, Celery worker
                                    and beat (the worker started again should it stop);
                                    Ctrl-C stops them all.
``python -m nrtd.devtools test``  — database, then pytest (extra arguments go to pytest).
``python -m nrtd.devtools bench SCRIPT [ARGS]`` — a scratch database ``nrtd_bench`` (or
                                    ``NRTD_BENCH_DATABASE_NAME``), migrated, then the
                                    benchmark script against it.

Where the database comes from:

1. ``DATABASE_URL`` names a superuser (as on a development machine with a local PostgreSQL):
   the roles the application needs are created there (``ROLES``) — ``nrtd_owner``, which owns
   the tables and runs migrations, ``nrtd_app``, which the application connects as (not
   superuser, not BYPASSRLS, not the owner), and ``nrtd_platform``, which work across States
   connects as — with passwords kept in ``.data/secrets.json``. For the tests, also
   ``nrtd_test_login``, which may take on the application's and the platform's roles
   (docs/tenancy.md, "How the tests differ"). Besides them, ``nrtd_backup`` for ``manage.py
   backup`` (``ensure_backup_role``, docs/operations.md); the superuser's URL is passed on as
   ``DATABASE_ADMIN_URL`` (``manage.py restore``).
2. ``DATABASE_URL`` names an ordinary role: it is used as the application role, and
   ``DATABASE_OWNER_URL`` and ``DATABASE_PLATFORM_URL`` must name the owner and platform roles
   (production-like; the tests also need ``NRTD_TEST_LOGIN_URL``).
3. No ``DATABASE_URL``: an embedded PostgreSQL (the pgserver package) is started in
   ``.data/postgres`` and treated as in case 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NRTD_DATA_DIR", BASE_DIR / ".data"))
APP_ROLE = "nrtd_app"
OWNER_ROLE = "nrtd_owner"
PLATFORM_ROLE = "nrtd_platform"
TEST_LOGIN_ROLE = "nrtd_test_login"


@dataclass(frozen=True)
class Role:
    name: str
    variable: str  # the environment variable that gets its URL
    attributes: str = "NOCREATEDB"
    member_of: tuple[str, ...] = ()


# Every role is LOGIN NOSUPERUSER NOBYPASSRLS; created in this order (a role's groups first).
ROLES = (
    Role(OWNER_ROLE, "DATABASE_OWNER_URL", "CREATEDB"),
    Role(APP_ROLE, "DATABASE_URL"),
    Role(PLATFORM_ROLE, "DATABASE_PLATFORM_URL"),
)
# The tests' own connection: it works as the application's role and takes on the platform's for
# cross-State work, inside the test's one transaction (nrtd/settings.py, CROSS_STATE_DATABASE).
TEST_ROLES = (Role(TEST_LOGIN_ROLE, "NRTD_TEST_LOGIN_URL", member_of=(APP_ROLE, PLATFORM_ROLE)),)
# Reads everything for pg_dump (docs/operations.md): pg_read_all_data and BYPASSRLS, nothing else;
# not in ROLES, which are all NOBYPASSRLS.
BACKUP_ROLE = "nrtd_backup"
DATABASE_NAME = os.environ.get("NRTD_DATABASE_NAME", "nrtd")
# Benchmarks seed their own database; sessions benchmarking at once on one server each name theirs.
BENCH_DATABASE_NAME = os.environ.get("NRTD_BENCH_DATABASE_NAME", "nrtd_bench")


def say(message: str) -> None:
    print(f"[nrtd] {message}", flush=True)


def _password_key(role: str) -> str:
    return f"{role.removeprefix('nrtd_')}_password"


def _secrets() -> dict[str, str]:
    path = DATA_DIR / "secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for key in [_password_key(role.name) for role in (*ROLES, *TEST_ROLES)] + [_password_key(BACKUP_ROLE)]:
        if key not in values:
            values[key] = secrets.token_urlsafe(24)
            changed = True
    if changed:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))
        path.chmod(0o600)
    return values


def _url_for(admin: psycopg.Connection, role: str, password: str, database: str) -> str:
    info = admin.info
    host = info.host
    # A socket folder goes into the URL percent-encoded in the host part.
    host_part = quote(host, safe="") if host.startswith("/") else host
    return f"postgresql://{role}:{quote(password, safe='')}@{host_part}:{info.port}/{database}"


def _is_superuser(url: str) -> bool:
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        return bool(conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0])


def ensure_roles(admin_url: str, database: str = DATABASE_NAME, *, tests: bool = False) -> dict[str, str]:
    """Create (or refresh) the roles (``ROLES``, and ``TEST_ROLES`` for ``tests``) and the
    database; return the environment variables of their URLs."""
    values = _secrets()
    roles = (*ROLES, *TEST_ROLES) if tests else ROLES
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
        for role in roles:
            password = values[_password_key(role.name)]
            exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role.name]).fetchone()
            verb = sql.SQL("ALTER") if exists else sql.SQL("CREATE")
            admin.execute(
                sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS {} PASSWORD {}").format(
                    verb, sql.Identifier(role.name), sql.SQL(role.attributes), sql.Literal(password)
                )
            )
            for group in role.member_of:
                admin.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role.name)))
        backup_password = values[_password_key(BACKUP_ROLE)]
        ensure_backup_role(admin, backup_password)
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(OWNER_ROLE))
            )
        urls = {role.variable: _url_for(admin, role.name, values[_password_key(role.name)], database) for role in roles}
        return {**urls, "DATABASE_BACKUP_URL": _url_for(admin, BACKUP_ROLE, backup_password, database)}


def ensure_backup_role(admin: psycopg.Connection, password: str) -> None:
    """Create (or refresh) the backup role: reads every table, row-level security bypassed for it alone.

    Not superuser, owns nothing, writes nothing: ``pg_read_all_data`` (PostgreSQL 14+) gives
    SELECT on every table and sequence, BYPASSRLS lets pg_dump read every State's rows (as the
    owner it fails: the tables FORCE row-level security). docker/initdb.sh creates the same.
    """
    exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [BACKUP_ROLE]).fetchone()
    verb = sql.SQL("ALTER") if exists else sql.SQL("CREATE")
    admin.execute(
        sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD {}").format(
            verb, sql.Identifier(BACKUP_ROLE), sql.Literal(password)
        )
    )
    admin.execute(sql.SQL("GRANT pg_read_all_data TO {}").format(sql.Identifier(BACKUP_ROLE)))


def _forget_dead_handles(folder: Path) -> None:
    """Drop processes that died without saying so from pgserver's list of the server's users.

    pgserver stops the server when its last user exits, and counts users in this file; a user
    killed outright stays listed, and the server would then never be stopped.
    """
    import psutil  # only when the embedded server is used

    handles = folder / ".handle_pids.json"
    if handles.exists():
        alive = [pid for pid in json.loads(handles.read_text() or "[]") if psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))


def start_embedded_postgres():
    import pgserver  # the embedded server's package, loaded only when it is used

    folder = DATA_DIR / "postgres"
    folder.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(folder)
    say(f"starting the embedded PostgreSQL in {folder}")
    # cleanup_mode="stop": the server stops when this process ends; its data stays.
    server = pgserver.get_server(folder, cleanup_mode="stop")
    return server, server.get_uri()


def prepare_database(database: str = DATABASE_NAME, *, tests: bool = False) -> tuple[dict[str, str], object | None]:
    """Environment variables for the application's database, and the embedded server if any."""
    url = os.environ.get("DATABASE_URL")
    server = None
    if not url:
        server, url = start_embedded_postgres()
    elif not _is_superuser(url):
        if not (os.environ.get("DATABASE_OWNER_URL") and os.environ.get("DATABASE_PLATFORM_URL")):
            sys.exit(
                "DATABASE_URL is an ordinary role: set DATABASE_OWNER_URL to the role that owns the tables"
                " and DATABASE_PLATFORM_URL to the role of cross-State work."
            )
        return {}, None
    # The superuser stays at hand for what needs one (manage.py restore: docs/operations.md).
    return {**ensure_roles(url, database, tests=tests), "DATABASE_ADMIN_URL": url}, server


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, check=True)


WORKER_RESTART_DELAY = 5


def run() -> None:
    extra, server = prepare_database()
    env = {**os.environ, **extra}
    env.setdefault("NRTD_MODE", "development")
    port = env.get("PORT", "8000")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    say("migrating")
    manage("migrate", "--no-input", "-v", "0", env=env)
    say("loading the demo")
    manage("load_demo", "-v", "0", env=env)
    worker_command = [
        sys.executable, "-m", "celery", "-A", "nrtd", "worker", "--beat", "--loglevel", "INFO",
        "--concurrency", "2", "--schedule", str(DATA_DIR / "celerybeat-schedule"),
    ]  # fmt: skip

    def start_worker() -> subprocess.Popen:
        # A process group of its own: should the worker die, its children (the embedded beat
        # among them) are ended with it before another starts, never left running twice.
        return subprocess.Popen(worker_command, env=env, cwd=BASE_DIR, start_new_session=True)

    worker = start_worker()
    web = subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=BASE_DIR,
    )
    say(f"NRTD is at http://127.0.0.1:{port}/ (Ctrl-C stops it)")
    manage("load_demo", "--print-only", env=env)
    try:
        # The web server ending ends the run; the worker ending (it should not, nrtd.celery_worker)
        # is started again after a pause, as docker-compose's restart policy does.
        while web.poll() is None:
            if worker.poll() is not None:
                say(f"the worker stopped (exit {worker.returncode}); starting it again in {WORKER_RESTART_DELAY} s")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)  # what is left of it
                time.sleep(WORKER_RESTART_DELAY)
                worker = start_worker()
            time.sleep(1)
    except KeyboardInterrupt:
        say("stopping")
    finally:
        children = [worker, web]
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)  # its children, should any be left
        del server


def test(pytest_args: list[str]) -> int:
    extra, server = prepare_database(tests=True)
    env = {**os.environ, **extra, "NRTD_MODE": "test"}
    try:
        result = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], env=env, cwd=BASE_DIR)
    finally:
        del server
    return result.returncode


def bench(script_args: list[str]) -> int:
    extra, server = prepare_database(BENCH_DATABASE_NAME)
    env = {**os.environ, **extra, "NRTD_MODE": "development", "DEBUG": "off"}
    try:
        manage("migrate", "--no-input", "-v", "0", env=env)
        result = subprocess.run([sys.executable, *script_args], env=env, cwd=BASE_DIR)
    finally:
        del server
    return result.returncode


def _exit_on_sigterm(signum, frame) -> None:
    # SystemExit unwinds through the finally blocks and runs atexit, where the embedded
    # PostgreSQL is stopped; the default SIGTERM would leave it running.
    sys.exit(128 + signum)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if not argv or argv[0] not in {"run", "test", "bench"}:
        print(__doc__)
        return 2
    if argv[0] == "run":
        run()
        return 0
    if argv[0] == "bench":
        return bench(argv[1:])
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""PostgreSQL's own tools (pg_dump, pg_restore) and a few catalogue queries, for one database
given as a Django DATABASES entry. The password travels in PGPASSWORD only: never on a command
line (where `ps` shows it) and never in a message."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from psycopg2 import sql
from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ

from backups.errors import BackupError

POSTGRESQL_ENGINES = ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2")
# libpq's environment variables for the entries of a DATABASES dict.
_ENVIRONMENT = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD",
                "NAME": "PGDATABASE"}


def is_postgresql(database: dict) -> bool:
    return database.get("ENGINE") in POSTGRESQL_ENGINES


def libpq_environment(database: dict) -> dict[str, str]:
    env = {variable: str(database[key]) for key, variable in _ENVIRONMENT.items()
           if database.get(key)}
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def connect(database: dict):
    """A psycopg2 connection of its own (never Django's: a dump must not share a transaction)."""
    params = {"dbname": database.get("NAME"), "user": database.get("USER") or None,
              "password": database.get("PASSWORD") or None, "host": database.get("HOST") or None,
              "port": database.get("PORT") or None,
              "sslmode": (database.get("OPTIONS") or {}).get("sslmode")}
    try:
        return psycopg2.connect(**{key: value for key, value in params.items() if value})
    except psycopg2.OperationalError as exc:
        raise BackupError(f"Cannot connect to database {database.get('NAME')!r}: "
                          f"{str(exc).strip()}") from None


@contextmanager
def exported_snapshot(database: dict) -> Iterator[tuple[str, object]]:
    """A read-only snapshot, its id for pg_dump --snapshot and a cursor inside it: the counts
    in the manifest describe exactly the rows in the dump, whatever is written meanwhile."""
    connection = connect(database)
    try:
        connection.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor.fetchone()[0], cursor
    finally:
        connection.rollback()
        connection.close()


def count_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> dict[str, str]:
    """The newest applied migration of each app (names start with their sequence number)."""
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def user_tables(database: dict) -> list[str]:
    connection = connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                "ORDER BY 1")
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def table_counts(database: dict, tables: list[str]) -> dict[str, int]:
    connection = connect(database)
    try:
        with connection.cursor() as cursor:
            return count_rows(cursor, tables)
    finally:
        connection.close()


def server_version(cursor) -> str:
    cursor.execute("SHOW server_version")
    return cursor.fetchone()[0]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(arguments: list[str], database: dict) -> None:
    env = {**os.environ, **libpq_environment(database)}
    # Only the tool, its options and file names are on the command line; see libpq_environment.
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {result.stderr.strip()[-2000:]}")


def tool_version(name: str) -> str:
    result = subprocess.run([_tool(name), "--version"], capture_output=True, text=True,  # noqa: S603
                            check=False)
    return result.stdout.strip()


def dump(database: dict, *, snapshot: str, target: Path) -> None:
    """pg_dump's custom format (compressed, restorable table by table with pg_restore)."""
    _run([_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
         database)


def restore(database: dict, *, source: Path) -> None:
    """All or nothing (one transaction); owners and grants are those of the target's user."""
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={database['NAME']}", str(source)], database)

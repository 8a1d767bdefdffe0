"""Backups of the database and the media files, and their restore (README, "Backups").

An archive holds everything needed to rebuild the product on a new machine EXCEPT the keys:
the credential keys (EBH_CREDENTIAL_KEYS) and the secret key are never written into it, so a
stolen archive does not reveal anyone's e-Boekhouden codes. Keep the keys safe separately."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from backups import archive, postgres
from backups.errors import BackupError
from connections.crypto import KEY_FILE_NAME

ARCHIVE_GLOB = "backup-*.tar"
# The tables whose row counts the manifest records and a restore checks.
KEY_MODELS = ("accounts.Organization", "accounts.User", "invoicing.Customer",
              "invoicing.SalesInvoice", "invoicing.PurchaseInvoice", "connections.Connection",
              "ebh_sync.SyncJob")
# Secrets that may live in files; never part of an archive, even under MEDIA_ROOT.
_SECRET_FILE_VARIABLES = ("EBH_CREDENTIAL_KEYS_FILE", "DJANGO_SECRET_KEY_FILE")


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    media_files: int
    unknown_migrations: list[str]


def database_from_url(url: str) -> dict:
    return _postgresql(dj_database_url.parse(url))


def _postgresql(database: dict) -> dict:
    if not postgres.is_postgresql(database):
        raise BackupError(f"Backups need PostgreSQL; this database is {database.get('ENGINE')}")
    return database


def _default_database() -> dict:
    return _postgresql(settings.DATABASES["default"])


def key_tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in KEY_MODELS]


# --------------------------------------------------------------------------- backup


def backup_create(*, backup_dir: Path | None = None, keep: int | None = None) -> Path:
    """Write one archive (database dump, media files, manifest) into backup_dir and keep the
    newest `keep` archives there. A failure leaves no partial archive behind."""
    database = _default_database()
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    backup_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=backup_dir, prefix=".partial-") as work_dir:
        work = Path(work_dir)
        manifest = _dump(database, work)
        manifest["media_files"] = archive.write_media(
            Path(settings.MEDIA_ROOT), work / archive.MEDIA, _secret_or_backup(backup_dir))
        manifest["parts"] = {part: _describe(work / part) for part in archive.PARTS}
        archive.write_archive(work / "archive.tar", manifest, work)
        (work / "archive.tar").chmod(0o600)
        target = backup_dir / f"backup-{timezone.now():%Y%m%dT%H%M%S.%f}Z.tar"
        os.replace(work / "archive.tar", target)
    prune(backup_dir, keep=settings.BACKUP_KEEP if keep is None else keep)
    return target


def _dump(database: dict, work: Path) -> dict:
    """The dump and the manifest's facts about it, all from one snapshot of the database."""
    with postgres.exported_snapshot(database) as (snapshot, cursor):
        postgres.dump(database, snapshot=snapshot, target=work / archive.DATABASE)
        return {
            "format": archive.FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": database["NAME"],
            "server_version": postgres.server_version(cursor),
            "pg_dump": postgres.tool_version("pg_dump"),
            "migrations": postgres.applied_migrations(cursor),
            "counts": postgres.count_rows(cursor, key_tables()),
            "credential_keys": "not included: restore needs the same EBH_CREDENTIAL_KEYS",
        }


def _describe(path: Path) -> dict:
    return {"sha256": archive.sha256(path), "bytes": path.stat().st_size}


def _secret_or_backup(backup_dir: Path):
    secrets = {Path(settings.VAR_DIR) / KEY_FILE_NAME, Path(settings.VAR_DIR) / "secret_key"}
    secrets |= {Path(os.environ[name]) for name in _SECRET_FILE_VARIABLES if os.environ.get(name)}
    secrets = {path.resolve() for path in secrets}
    backups = backup_dir.resolve()

    def excluded(path: Path) -> bool:
        resolved = path.resolve()
        return resolved in secrets or resolved.is_relative_to(backups)

    return excluded


def prune(backup_dir: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives (at least one is always kept)."""
    archives = sorted(backup_dir.glob(ARCHIVE_GLOB))
    removed = archives[:-max(keep, 1)]
    for path in removed:
        path.unlink()
    return removed


# --------------------------------------------------------------------------- restore


def restore_archive(
    *, path: Path, database: dict | None = None, media_dir: Path | None = None
) -> RestoreResult:
    """Restore an archive into an EMPTY database and an empty media directory, after checking
    every part against the manifest; then check the restored row counts against it."""
    database = _postgresql(database or settings.DATABASES["default"])
    media_dir = Path(media_dir or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="facturen-restore-") as work_dir:
        work = Path(work_dir)
        manifest = archive.unpack_verified(Path(path), work)
        _refuse_non_empty(database, media_dir)
        _prepare(media_dir)
        postgres.restore(database, source=work / archive.DATABASE)
        files = archive.extract_media(work / archive.MEDIA, media_dir)
    _check_restored(database, manifest, files)
    return RestoreResult(manifest=manifest, media_files=files,
                         unknown_migrations=_unknown_migrations(manifest))


def _refuse_non_empty(database: dict, media_dir: Path) -> None:
    tables = postgres.user_tables(database)
    if tables:
        raise BackupError(
            f"Database {database['NAME']!r} is not empty ({len(tables)} tables, e.g. "
            f"{tables[0]}): restore only into a new, empty database (createdb, and no "
            "migrate before the restore). Nothing was restored.")
    if media_dir.exists() and any(media_dir.iterdir()):
        raise BackupError(f"Media directory {media_dir} is not empty: restore the files into "
                          "an empty directory (or give --media-dir). Nothing was restored.")


def _prepare(media_dir: Path) -> None:
    """Find out that the files can be written before the database is restored."""
    try:
        media_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Cannot create the media directory {media_dir}: {exc}. Nothing was "
                          "restored.") from None


def _check_restored(database: dict, manifest: dict, files: int) -> None:
    counts = postgres.table_counts(database, list(manifest["counts"]))
    if counts != manifest["counts"] or files != manifest["media_files"]:
        raise BackupError(
            f"The restored data differs from the manifest: rows {counts} (expected "
            f"{manifest['counts']}), media files {files} (expected {manifest['media_files']})")


def _unknown_migrations(manifest: dict) -> list[str]:
    """Migrations of the archive this code does not have (it is older than the backup)."""
    known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    return [f"{app}.{name}" for app, name in sorted(manifest["migrations"].items())
            if (app, name) not in known]

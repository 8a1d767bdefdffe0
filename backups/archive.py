"""The archive of one backup: a plain tar holding ``manifest.json``, ``database.dump``
(pg_dump's custom format) and ``media.tar.gz`` (the files under MEDIA_ROOT). The manifest
holds the sha256 of both parts; nothing is restored before every part matches it."""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Callable, Iterable
from pathlib import Path

from backups.errors import BackupError

MANIFEST = "manifest.json"
DATABASE = "database.dump"
MEDIA = "media.tar.gz"
PARTS = (DATABASE, MEDIA)
FORMAT = 1
_CHUNK = 1024 * 1024


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path, excluded: Callable[[Path], bool]) -> Iterable[Path]:
    """Regular files under root (symbolic links are not followed nor stored)."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not excluded(path):
            yield path


def write_media(root: Path, target: Path, excluded: Callable[[Path], bool]) -> int:
    count = 0
    with tarfile.open(target, "w:gz") as tar:
        for path in media_files(root, excluded):
            tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
            count += 1
    return count


def write_archive(target: Path, manifest: dict, parts_dir: Path) -> None:
    manifest_path = parts_dir / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    with tarfile.open(target, "w") as tar:
        for name in (MANIFEST, *PARTS):
            tar.add(parts_dir / name, arcname=name, recursive=False)


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{path.name} is not a readable backup archive: {exc}") from None


def _read_manifest(tar: tarfile.TarFile, name: str) -> dict:
    try:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    except (KeyError, AttributeError, ValueError, tarfile.TarError):
        raise BackupError(f"{name} has no readable {MANIFEST}: not a backup archive") from None
    if not _well_formed(manifest):
        raise BackupError(f"{name}: its manifest is not one this version can restore")
    return manifest


def _well_formed(manifest) -> bool:
    parts = manifest.get("parts") if isinstance(manifest, dict) else None
    return (isinstance(parts, dict) and manifest.get("format") == FORMAT
            and set(parts) == set(PARTS)
            and all(isinstance(parts[part], dict) and isinstance(parts[part].get("sha256"), str)
                    for part in PARTS))


def _extract_part(tar: tarfile.TarFile, part: str, target: Path) -> str:
    """Copy one part out of the archive and return its sha256."""
    digest = hashlib.sha256()
    try:
        source = tar.extractfile(part)
        with target.open("wb") as handle:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                handle.write(chunk)
    except (KeyError, AttributeError, OSError, tarfile.TarError) as exc:
        raise BackupError(f"{part} is missing or unreadable in the archive: {exc}") from None
    return digest.hexdigest()


def unpack_verified(path: Path, work_dir: Path) -> dict:
    """Extract both parts into work_dir and check them against the manifest; return it."""
    with _open(path) as tar:
        manifest = _read_manifest(tar, path.name)
        for part in PARTS:
            found = _extract_part(tar, part, work_dir / part)
            if found != manifest["parts"][part]["sha256"]:
                raise BackupError(
                    f"{path.name}: {part} does not match its checksum in the manifest "
                    "(the archive is damaged); nothing was restored")
    return manifest


def extract_media(source: Path, target: Path) -> int:
    """Unpack the media part; tarfile's "data" filter refuses absolute paths, '..' and links
    that point outside the target."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(target, members=members, filter="data")
    return sum(1 for member in members if member.isfile())

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups import services
from backups.errors import BackupError


class Command(BaseCommand):
    help = ("Restore a backup archive into an EMPTY PostgreSQL database (default: the "
            "configured one; create it, do not migrate it) and an empty media directory, after "
            "checking every part against the manifest. The credentials in it decrypt only "
            "with the same EBH_CREDENTIAL_KEYS as when it was made.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database-url", help="postgres://user@host:port/name (an empty "
                            "database; the password may also come from PGPASSWORD).")
        parser.add_argument("--media-dir", type=Path, help="Restore the files here instead of "
                            "MEDIA_ROOT.")

    def handle(self, *args, archive, database_url=None, media_dir=None, **options):
        try:
            database = services.database_from_url(database_url) if database_url else None
            result = services.restore_archive(path=archive, database=database,
                                              media_dir=media_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        self.stdout.write(f"Restored the backup of {manifest['database']!r} made at "
                          f"{manifest['created_at']}: rows {manifest['counts']}, "
                          f"{result.media_files} media file(s).")
        if result.unknown_migrations:
            self.stderr.write("This code is older than the backup; deploy the version with "
                              f"these migrations first: {', '.join(result.unknown_migrations)}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups import services
from backups.errors import BackupError


class Command(BaseCommand):
    help = ("Write one backup archive (PostgreSQL dump, media files, manifest with checksums) "
            "into BACKUP_DIR and keep the newest BACKUP_KEEP. The credential keys are NOT in "
            "it: keep EBH_CREDENTIAL_KEYS safe separately.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="backup_dir", type=Path,
                            help="Write here instead of BACKUP_DIR.")
        parser.add_argument("--keep", type=int, help="Keep this many archives (BACKUP_KEEP).")

    def handle(self, *args, backup_dir=None, keep=None, **options):
        try:
            path = services.backup_create(backup_dir=backup_dir, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backup written: {path}")

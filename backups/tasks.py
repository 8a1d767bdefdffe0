"""The nightly backup, scheduled by beat (CELERY_BEAT_SCHEDULE "backups-daily")."""

import logging

from celery import shared_task
from django.conf import settings

from backups import postgres, services

logger = logging.getLogger(__name__)


# A dump of a large database takes longer than the project's default task time limits.
@shared_task(ignore_result=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300)
def backup_task() -> str:
    if not postgres.is_postgresql(settings.DATABASES["default"]):
        # `make run`'s embedded SQLite: the backups are a production (PostgreSQL) matter.
        logger.warning("Backup skipped: the database is not PostgreSQL")
        return ""
    try:
        path = services.backup_create()
    except Exception:
        # Logged as an error (and so reported), never silently lost.
        logger.exception("Backup failed")
        return ""
    logger.info("Backup written: %s", path)
    return str(path)

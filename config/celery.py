"""Celery application. Tasks take ids (never model instances or secrets) and are
published with ``delay_on_commit`` so a worker never sees an uncommitted row."""

import os
import time
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings
from django.core.cache import cache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("facturen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


HEARTBEAT_KEY = "health:heartbeat"


@app.task(name="health.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat every minute, run by a worker: /health/ reads its last run."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


@setup_logging.connect
def _django_logging(**kwargs) -> None:
    """The worker and beat log through the project's LOGGING (with its secrets filter)
    instead of Celery's own handlers, which know nothing of the codes."""
    dictConfig(settings.LOGGING)

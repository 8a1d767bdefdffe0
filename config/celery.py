"""Celery application. Tasks take ids (never model instances or secrets) and are
published with ``delay_on_commit`` so a worker never sees an uncommitted row."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("facturen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

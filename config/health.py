"""Health endpoints (django-health-check) for the compose healthchecks and for monitoring.

* ``/health/live/``: what the web process itself needs (database, cache).
* ``/health/``: everything the product needs to book: database, cache, Redis (the broker), a
  worker answering a ping, and the heartbeat that beat schedules and a worker executes every
  minute (stale: beat or every worker has stopped)."""

import dataclasses
import datetime
import time

import redis
from django.conf import settings
from django.core.cache import cache
from health_check import Cache, Database, HealthCheck
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable

from config.celery import HEARTBEAT_KEY


@dataclasses.dataclass
class Heartbeat(HealthCheck):
    """Beat's last scheduled heartbeat, executed by a worker, is recent enough."""

    max_age: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(seconds=settings.HEALTH_HEARTBEAT_MAX_AGE))

    def run(self) -> None:
        beat = cache.get(HEARTBEAT_KEY)
        if beat is None:
            raise ServiceUnavailable("No heartbeat yet: is beat running, and a worker?")
        age = time.time() - float(beat)
        if age > self.max_age.total_seconds():
            raise ServiceUnavailable(f"Last heartbeat {int(age)} s ago: beat or the workers "
                                     "stopped.")


def _broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def _broker_checks() -> list:
    """A ping of the broker when it is Redis (production); kombu's file-system broker of a
    development machine has no server to ping."""
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return [(Redis, {"client_factory": _broker})]
    return []


LIVE = [Database, Cache]
FULL = [Database, Cache, *_broker_checks(), Ping, Heartbeat]
BEAT = [Heartbeat]

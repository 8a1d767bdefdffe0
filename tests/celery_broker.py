"""Publish Celery tasks for real (not eagerly) to a given broker during a test, then restore.

Celery caches the broker connection pool and, per app, the default queue and router; all of
them are forgotten on the way in and out, so a test that changes the broker or the default
queue never leaks its choice into the tests after it."""

import contextlib

from config import celery_app

_AMQP_CACHES = ("default_queue", "queues", "router")


def reset_publisher() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    for name in _AMQP_CACHES:
        celery_app.amqp.__dict__.pop(name, None)


@contextlib.contextmanager
def publishing_to(url: str, queue: str | None = None):
    conf = celery_app.conf
    previous = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    reset_publisher()
    conf.task_always_eager, conf.broker_url = False, url
    if queue is not None:
        conf.task_default_queue = queue
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url, conf.task_default_queue = previous
        reset_publisher()

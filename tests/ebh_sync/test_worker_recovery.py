"""Real processes: a Celery worker killed with SIGKILL mid-batch, and a broker that is down
when an invoice is finalized. Afterwards every invoice is booked exactly once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection as db_connection
from kombu import Connection as BrokerConnection

from ebh_sync.models import SyncJob
from ebh_sync.tasks import drain_connection_task, sweep_sync_jobs_task
from invoicing import services as invoicing
from tests.celery_broker import publishing_to
from tests.invoicing.factories import make_draft

ROOT = Path(__file__).resolve().parents[2]
BROKER_DB = 11


def _broker_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return f"{base}/{BROKER_DB}"


def _worker(settings, name: str, logs: Path) -> subprocess.Popen:
    """A real worker on the test database; what it prints goes to ``logs/name.log``."""
    database = db_connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "CELERY_BROKER_URL": _broker_url(),
        "EBH_WSDL_URL": settings.EBH_WSDL_URL,
        "EBH_ENDPOINT_URL": settings.EBH_ENDPOINT_URL,
        "EBH_CREDENTIAL_KEYS": ",".join(settings.EBH_CREDENTIAL_KEYS),
        "EBH_SYNC_LEASE_SECONDS": "3",
        "EBH_SYNC_BACKOFF_BASE_SECONDS": "0",
    }
    with (logs / f"{name}.log").open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--loglevel", "INFO", "-n", f"{name}@%h", "--without-heartbeat",
             "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


def _tail(logs: Path) -> str:
    return "\n".join(
        f"--- {path.name}\n" + "\n".join(path.read_text().splitlines()[-15:])
        for path in sorted(logs.glob("*.log"))
    )


def _publish(task, *args) -> None:
    with publishing_to(_broker_url()):
        task.delay(*args)


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _booked() -> int:
    return SyncJob.objects.filter(state=SyncJob.State.BOOKED).count()


@pytest.fixture
def clean_broker():
    with BrokerConnection(_broker_url()) as broker:
        broker.default_channel.client.flushdb()
    yield
    with BrokerConnection(_broker_url()) as broker:
        broker.default_channel.client.flushdb()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_then_every_invoice_is_booked_once(
    linked, org_a, user_a, customer, settings, clean_broker, tmp_path
):
    with publishing_to(_broker_url()):
        invoices = [
            invoicing.invoice_finalize(
                invoice=make_draft(org_a, customer=customer), send_email=False, user=user_a
            )
            for _ in range(12)
        ]
    # Slow answers, and some bookings stored without an answer: the worst case for duplicates.
    linked.sandbox.set_faults(latency_ms=150, drop_after_apply_rate=0.2, seed=7)
    first = _worker(settings, "doomed", tmp_path)
    try:
        _publish(drain_connection_task, linked.connection.pk)
        started = _wait(lambda: _booked() >= 3, 60)
        assert started, "the worker never started booking\n" + _tail(tmp_path)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert _booked() < len(invoices), "the kill came too late to test anything"

    second = _worker(settings, "rescuer", tmp_path)
    try:
        # The sweeper finds the orphaned jobs once the dead worker's lease expires.
        def all_booked() -> bool:
            _publish(sweep_sync_jobs_task)
            return _wait(lambda: _booked() == len(invoices), 4)

        assert _wait(all_booked, 120), (
            list(SyncJob.objects.values_list("state", "last_error")), _tail(tmp_path)
        )
    finally:
        second.terminate()
        second.wait(10)
    bookings = linked.bookings()
    assert [bookings[invoice.number] for invoice in invoices] == [1] * len(invoices)


@pytest.mark.django_db
def test_broker_down_at_finalize_time_loses_nothing(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks, caplog
):
    # Nothing listens on port 1: publishing fails as with a Redis that is down.
    with publishing_to("redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.invoice_finalize(
            invoice=make_draft(org_a, customer=customer), send_email=False, user=user_a
        )
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert job.state == SyncJob.State.PENDING
    assert "could not publish" in caplog.text

    # The beat sweeper picks the job up once the broker is back.
    assert sweep_sync_jobs_task() == 1
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED
    assert linked.bookings()[invoice.number] == 1


@pytest.mark.django_db
def test_redis_down_at_finalize_time_still_finalizes(
    linked, org_a, user_a, customer, settings, django_capture_on_commit_callbacks, caplog
):
    # Redis is both the cache (the wake-up marks) and the broker; nothing listens on port 1.
    down = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": down}
    }
    with publishing_to(down), django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.invoice_finalize(
            invoice=make_draft(org_a, customer=customer), send_email=False, user=user_a
        )
    assert invoice.number
    assert "the cache is unavailable" in caplog.text and "could not publish" in caplog.text
    assert SyncJob.objects.get(sales_invoice=invoice).state == SyncJob.State.PENDING

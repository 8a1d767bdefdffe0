"""Celery tasks of the sync. They take ids only: credentials are decrypted inside the task
and never travel through the broker."""

from celery import shared_task
from django.conf import settings

from ebh_sync import engine
from ebh_sync.imports import run_import
from ebh_sync.models import ImportRun, PaymentRun
from ebh_sync.payments import run_payments
from ebh_sync.reconcile import run_report
from ebh_sync.services import (
    clear_wake,
    imports_start_all,
    payments_connections,
    payments_start,
    periodic_import_connections,
    wake,
)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def drain_connection_task(self, connection_id: int) -> dict:
    clear_wake(connection_id)  # from now on, new work wakes a new task
    result = engine.drain_connection(connection_id)
    if result.claimed and not result.stopped and engine.next_due_job(connection_id):
        # Work arrived while we held the lease (or max_jobs was reached): go on.
        wake(connection_id)
    elif result.resume_at is not None and not self.request.is_eager:
        # Service trouble stopped the drain: come back when the backoff has passed, rather
        # than wait for the sweeper. (Run eagerly, this would recurse; the sweeper covers it.)
        wake(connection_id, at=result.resume_at)
    return {"booked": result.booked, "failed": result.failed, "stopped": result.stopped}


@shared_task(ignore_result=True)
def sweep_sync_jobs_task() -> int:
    """Beat: requeue orphaned jobs and wake a worker for every connection with due work
    (covers tasks that never arrived, e.g. while the broker was down)."""
    engine.recover_orphans()
    connection_ids = engine.connections_with_due_jobs()
    for connection_id in connection_ids:
        wake(connection_id)
    return len(connection_ids)


@shared_task(acks_late=True, ignore_result=True)
def import_task(run_id: int) -> None:
    """One import of relations or articles (ebh_sync.imports); the run row holds progress."""
    run_import(run_id)


@shared_task(ignore_result=True)
def periodic_import_task() -> int:
    """Beat: import relations and articles for every connection that turned it on."""
    connections = periodic_import_connections()
    for connection in connections:
        imports_start_all(connection=connection, trigger=ImportRun.Trigger.PERIODIC)
    return len(connections)


@shared_task(acks_late=True, ignore_result=True)
def reconcile_report_task(report_id: int) -> None:
    """One reconciliation report (ebh_sync.reconcile); the report row holds progress."""
    run_report(report_id)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def payments_task(self, run_id: int) -> None:
    """One payment read-back (ebh_sync.payments); the run row holds the outcome. While other
    sync work holds the connection's lease, the run stays queued and tries again later."""
    run = run_payments(run_id)
    if (run is not None and run.state == PaymentRun.State.QUEUED and not self.request.is_eager
            and run.waits < getattr(settings, "EBH_PAYMENTS_MAX_WAITS", 20)):
        payments_task.apply_async((run_id,),
                                  countdown=getattr(settings, "EBH_PAYMENTS_WAIT_SECONDS", 60))


@shared_task(ignore_result=True)
def periodic_payments_task() -> int:
    """Beat, daily: read back the payments of every connection that can sync."""
    connections = payments_connections()
    for connection in connections:
        payments_start(connection=connection, trigger=PaymentRun.Trigger.DAILY)
    return len(connections)

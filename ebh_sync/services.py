"""What the rest of the product asks of the sync: record jobs for invoice events, retry,
pause, resume and cancel them, and export a selection. Each call is one transaction;
the drain itself runs in a Celery task (ebh_sync.tasks)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from connections.models import Connection
from ebh_sync.models import ExportBatch, SyncJob

logger = logging.getLogger(__name__)


WAKE_KEY = "ebh-sync:wake:{}"


def wake(connection_id: int, *, at: datetime.datetime | None = None) -> bool:
    """Publish one drain task for the connection (to run at ``at``, if given), unless one is
    already on its way.

    A finalize of many invoices thus sends one message, not one per invoice; the task clears
    the mark when it starts, so work arriving during a drain wakes the next one. A broker that
    is down never breaks the user's action: the job row is committed and the beat sweeper
    picks it up."""
    from ebh_sync.tasks import drain_connection_task

    key = WAKE_KEY.format(connection_id)
    delay = max((at - timezone.now()).total_seconds(), 0) if at else 0
    if not cache.add(key, 1, timeout=settings.EBH_SYNC_LEASE_SECONDS + int(delay)):
        return False
    try:
        drain_connection_task.apply_async((connection_id,), countdown=delay or None)
    except Exception:  # noqa: BLE001 (any broker failure; the sweeper is the fallback)
        cache.delete(key)
        logger.warning("could not publish the sync task for connection %s", connection_id)
        return False
    return True


def publish_drain(connection_id: int) -> None:
    """Wake a worker for this connection once the transaction commits."""
    transaction.on_commit(lambda: wake(connection_id))


def active_connection(organization) -> Connection | None:
    connection = Connection.objects.for_organization(organization).first()
    if connection is None or connection.status == Connection.Status.NOT_CONNECTED:
        return None
    if not connection.is_configured:
        return None
    return connection


def _enqueue(*, connection: Connection, batch: ExportBatch | None = None, **fields) -> SyncJob:
    state = SyncJob.State.PENDING if connection.can_sync else SyncJob.State.PAUSED
    job = SyncJob.objects.create(
        organization=connection.organization, connection=connection, state=state, batch=batch,
        **fields,
    )
    if state == SyncJob.State.PENDING:
        publish_drain(connection.pk)
    return job


def job_for_sales_invoice(*, invoice, batch: ExportBatch | None = None) -> SyncJob | None:
    """Record the booking of a finalized sales invoice (inside the finalize transaction)."""
    connection = active_connection(invoice.organization)
    if connection is None:
        return None
    return _enqueue(
        connection=connection, batch=batch, kind=SyncJob.Kind.SALES_INVOICE,
        sales_invoice=invoice, invoice_number=invoice.number, invoice_date=invoice.issue_date,
    )


def job_for_purchase_invoice(*, invoice, batch: ExportBatch | None = None) -> SyncJob | None:
    """Record the booking of a registered purchase invoice (inside its transaction)."""
    connection = active_connection(invoice.organization)
    if connection is None:
        return None
    return _enqueue(
        connection=connection, batch=batch, kind=SyncJob.Kind.PURCHASE_INVOICE,
        purchase_invoice=invoice, invoice_number=invoice.supplier_invoice_number,
        invoice_date=invoice.invoice_date,
    )


RETRYABLE_STATES = [SyncJob.State.FAILED, SyncJob.State.CANCELLED]


@transaction.atomic
def jobs_retry(*, organization, job_ids: list[int]) -> int:
    """Queue failed (or cancelled) jobs again, at once and with fresh attempts."""
    from ebh_sync.engine import log_event

    connection = active_connection(organization)
    if connection is None:
        return 0
    jobs = list(
        SyncJob.objects.for_organization(organization)
        .select_for_update()
        .filter(pk__in=job_ids, state__in=RETRYABLE_STATES)
    )
    state = SyncJob.State.PENDING if connection.can_sync else SyncJob.State.PAUSED
    for job in jobs:
        job.state, job.attempts, job.next_attempt_at = state, 0, timezone.now()
        job.connection = connection
        job.save(update_fields=["state", "attempts", "next_attempt_at", "connection", "updated_at"])
        log_event(job, "retry_requested")
    if jobs and state == SyncJob.State.PENDING:
        publish_drain(connection.pk)
    return len(jobs)


@transaction.atomic
def connection_resume(*, connection: Connection) -> int:
    """Credentials work again: paused jobs go back in the queue without lost attempts."""
    resumed = SyncJob.objects.filter(connection=connection, state=SyncJob.State.PAUSED).update(
        state=SyncJob.State.PENDING, next_attempt_at=timezone.now(), updated_at=timezone.now()
    )
    if resumed:
        publish_drain(connection.pk)
    return resumed


@transaction.atomic
def connection_cancel_pending(*, connection: Connection) -> int:
    """Disconnected: pending and paused jobs stop, visible as not booked."""
    waiting = [SyncJob.State.PENDING, SyncJob.State.PAUSED]
    return SyncJob.objects.filter(connection=connection, state__in=waiting).update(
        state=SyncJob.State.CANCELLED, updated_at=timezone.now()
    )


class ExportError(Exception):
    pass


def _export_documents(organization, *, date_from, date_to, kind: str):
    from invoicing.models import InvoiceStatus, PurchaseInvoice, SalesInvoice

    sales = purchases = []
    if kind in ("all", "sales"):
        sales = list(
            SalesInvoice.objects.for_organization(organization)
            .exclude(status=InvoiceStatus.DRAFT)
            .filter(issue_date__range=(date_from, date_to))
            .order_by("issue_date", "id")
        )
    if kind in ("all", "purchase"):
        purchases = list(
            PurchaseInvoice.objects.for_organization(organization)
            .filter(invoice_date__range=(date_from, date_to))
            .order_by("invoice_date", "id")
        )
    return sales, purchases


@transaction.atomic
def export_create(*, organization, user, date_from, date_to, kind: str = "all") -> ExportBatch:
    """Book every finalized invoice of the period that is not booked yet, as one batch."""
    connection = active_connection(organization)
    if connection is None:
        raise ExportError("not connected")
    sales, purchases = _export_documents(
        organization, date_from=date_from, date_to=date_to, kind=kind
    )
    batch = ExportBatch.objects.create(
        organization=organization, created_by=user, selected=len(sales) + len(purchases)
    )
    existing = {
        (job.kind, job.sales_invoice_id or job.purchase_invoice_id): job
        for job in SyncJob.objects.filter(connection=connection).select_for_update()
    }
    state = SyncJob.State.PENDING if connection.can_sync else SyncJob.State.PAUSED
    for invoice in sales:
        job = existing.get(("sales", invoice.pk))
        _export_one(batch, job, job_for_sales_invoice, invoice, state)
    for invoice in purchases:
        job = existing.get(("purchase", invoice.pk))
        _export_one(batch, job, job_for_purchase_invoice, invoice, state)
    batch.save(update_fields=["skipped"])
    publish_drain(connection.pk)
    return batch


def _export_one(batch: ExportBatch, job: SyncJob | None, create, invoice, state: str) -> None:
    if job is None:
        create(invoice=invoice, batch=batch)
        return
    if job.state == SyncJob.State.BOOKED:
        batch.skipped += 1
        return
    if job.state in RETRYABLE_STATES:
        job.state, job.attempts, job.next_attempt_at = state, 0, timezone.now()
    job.batch = batch
    job.save(update_fields=["state", "attempts", "next_attempt_at", "batch", "updated_at"])


def export_progress(batch: ExportBatch) -> dict:
    counts = dict.fromkeys(SyncJob.State.values, 0)
    for row in batch.jobs.values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    total = batch.selected - batch.skipped
    done = counts["booked"] + counts["failed"] + counts["cancelled"]
    return {
        "selected": batch.selected,
        "skipped": batch.skipped,
        "total": total,
        "booked": counts["booked"],
        "failed": counts["failed"],
        "waiting": counts["pending"] + counts["sending"] + counts["paused"],
        "done": done,
        "percent": 100 if total == 0 else round(100 * done / total),
        "finished": done >= total,
    }

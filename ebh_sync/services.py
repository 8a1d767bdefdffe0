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

from connections.models import Connection, ConnectionEvent
from ebh_sync import signals
from ebh_sync.engine import log_event
from ebh_sync.models import (
    ExportBatch,
    ImportRun,
    ImportSettings,
    PaymentRun,
    RelationConflict,
    RelationLink,
    SyncJob,
)
from invoicing.models import InvoiceStatus, PurchaseInvoice, PurchaseStatus, SalesInvoice
from invoicing.numbering import next_invoice_number

logger = logging.getLogger(__name__)


WAKE_KEY = "ebh-sync:wake:{}"


def wake(connection_id: int, *, at: datetime.datetime | None = None) -> bool:
    """Publish one drain task for the connection (to run at ``at``, if given), unless one is
    already on its way.

    A finalize of many invoices thus sends one message, not one per invoice; the task clears
    the mark when it starts, so work arriving during a drain wakes the next one. A broker or
    cache that is down never breaks the user's action: the job row is committed and the beat
    sweeper picks it up."""
    from ebh_sync.tasks import drain_connection_task

    key = WAKE_KEY.format(connection_id)
    delay = max((at - timezone.now()).total_seconds(), 0) if at else 0
    try:
        fresh = cache.add(key, 1, timeout=settings.EBH_SYNC_LEASE_SECONDS + int(delay))
    except Exception:  # noqa: BLE001 (the mark only saves messages; publish without it)
        logger.warning("no wake-up mark for connection %s: the cache is unavailable",
                       connection_id)
        fresh = True
    if not fresh:
        return False
    try:
        drain_connection_task.apply_async((connection_id,), countdown=delay or None)
    except Exception:  # noqa: BLE001 (any broker failure; the sweeper is the fallback)
        clear_wake(connection_id)
        logger.warning("could not publish the sync task for connection %s", connection_id)
        return False
    return True


def clear_wake(connection_id: int) -> None:
    """Forget the wake-up mark, so that the next new work publishes a task again."""
    try:
        cache.delete(WAKE_KEY.format(connection_id))
    except Exception:  # noqa: BLE001 (a mark left behind expires with the lease time)
        logger.warning("could not clear the wake-up mark of connection %s", connection_id)


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


def job_for_work_order(*, work_order) -> SyncJob | None:
    """In invoice-module mode: record the AddFactuur of a work order that is being checked
    (inside that transaction), under the next number of the organization's own invoice series.

    Reserving the number here, in the transaction that checks the work order, keeps the
    series gap-free and shared with our own invoices (which are booked under their numbers),
    so e-Boekhouden sees one unbroken sequence and CFACT026 never means someone else's."""
    connection = active_connection(work_order.organization)
    if connection is None or not connection.makes_invoices_in_module:
        return None
    today = timezone.localdate()
    number, _year, _sequence = next_invoice_number(
        organization=work_order.organization, issue_date=today
    )
    return _enqueue(
        connection=connection, kind=SyncJob.Kind.WORK_ORDER_INVOICE, work_order=work_order,
        invoice_number=number, invoice_date=today,
    )


RETRYABLE_STATES = [SyncJob.State.FAILED, SyncJob.State.CANCELLED]


@transaction.atomic
def jobs_retry(*, organization, job_ids: list[int]) -> int:
    """Queue failed (or cancelled) jobs again, at once and with fresh attempts."""
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


def _doubtful_job(organization, job_id: int) -> SyncJob | None:
    return (SyncJob.objects.for_organization(organization).select_for_update()
            .filter(pk=job_id, state=SyncJob.State.DOUBT).first())


@transaction.atomic
def job_book_now(*, organization, job_id: int, user) -> bool:
    """The user looked in e-Boekhouden and the booking is not there: send it, no look-up
    first. (Should it be there after all, the invoice number is refused and shown.)"""
    job = _doubtful_job(organization, job_id)
    connection = active_connection(organization)
    if job is None or connection is None:
        return False
    job.state = SyncJob.State.PENDING if connection.can_sync else SyncJob.State.PAUSED
    job.in_doubt, job.attempts, job.next_attempt_at = False, 0, timezone.now()
    job.connection = connection
    job.save(update_fields=["state", "in_doubt", "attempts", "next_attempt_at", "connection",
                            "updated_at"])
    log_event(job, "decided_book", message=str(user))
    if job.state == SyncJob.State.PENDING:
        publish_drain(connection.pk)
    return True


@transaction.atomic
def job_mark_booked(*, organization, job_id: int, user, mutation_number: int | None) -> bool:
    """The user found the booking in e-Boekhouden: record it, with its number if given."""
    job = _doubtful_job(organization, job_id)
    if job is None:
        return False
    job.state, job.in_doubt, job.mutation_number = SyncJob.State.BOOKED, False, mutation_number
    job.booked_at, job.last_error_code, job.last_error = timezone.now(), "", ""
    job.save(update_fields=["state", "in_doubt", "mutation_number", "booked_at",
                            "last_error_code", "last_error", "updated_at"])
    log_event(job, "decided_booked", message=f"{user}: Mutatienummer {mutation_number or '?'}")
    signals.booking_booked.send(sender=SyncJob, job=job)
    return True


@transaction.atomic
def connection_resume(*, connection: Connection) -> int:
    """Credentials work again: paused jobs go back in the queue without lost attempts."""
    resumed = SyncJob.objects.filter(connection=connection, state=SyncJob.State.PAUSED).update(
        state=SyncJob.State.PENDING, next_attempt_at=timezone.now(), updated_at=timezone.now()
    )
    last = ConnectionEvent.objects.filter(connection=connection).first()
    if last is not None and last.action == ConnectionEvent.Action.PAUSED:
        # Staff read the log in the admin: plain words, not the language of whoever resumed.
        ConnectionEvent.objects.create(
            connection=connection, action=ConnectionEvent.Action.RESUMED,
            reason=f"paused bookings queued again: {resumed}")
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
            .exclude(status=PurchaseStatus.DRAFT)
            .filter(invoice_date__range=(date_from, date_to))
            .order_by("invoice_date", "id")
        )
    return sales, purchases


@transaction.atomic
def export_create(
    *, organization, user, date_from, date_to, kind: str = "all",
    selected: list[str] | None = None,
) -> ExportBatch:
    """Book every finalized invoice of the period that is not booked yet, as one batch; with
    ``selected`` ("s<id>" sales, "p<id>" purchase keys) only those of them."""
    connection = active_connection(organization)
    if connection is None:
        raise ExportError("not connected")
    sales, purchases = _export_documents(
        organization, date_from=date_from, date_to=date_to, kind=kind
    )
    if selected is not None:
        sales = [invoice for invoice in sales if f"s{invoice.pk}" in selected]
        purchases = [invoice for invoice in purchases if f"p{invoice.pk}" in selected]
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


# --- Import of relations and articles (ebh_sync.imports) -------------------------------------

IMPORT_STALE_AFTER = datetime.timedelta(hours=1)


def _publish_import(run) -> None:
    from ebh_sync.tasks import import_task

    import_task.delay_on_commit(run.pk)


@transaction.atomic
def import_start(*, connection: Connection, kind: str, trigger: str, user=None):
    """Queue an import of relations or articles; an import of that kind already queued or
    running (and not stale) is returned instead of a second one (the task claims a run once)."""
    active = [ImportRun.State.QUEUED, ImportRun.State.RUNNING]
    Connection.objects.select_for_update().get(pk=connection.pk)
    runs = ImportRun.objects.filter(connection=connection, kind=kind, state__in=active)
    runs.filter(created_at__lt=timezone.now() - IMPORT_STALE_AFTER).update(
        state=ImportRun.State.FAILED, finished_at=timezone.now(), error="stale")
    running = runs.first()
    if running is not None:
        if running.state == ImportRun.State.QUEUED:
            _publish_import(running)  # its message may be lost; a second one is harmless
        return running
    run = ImportRun.objects.create(
        organization=connection.organization, connection=connection, kind=kind,
        trigger=trigger, created_by=user,
    )
    _publish_import(run)
    return run


def imports_start_all(*, connection: Connection, trigger: str) -> list:
    """Relations first, then articles (on connect and by the daily beat task)."""
    return [import_start(connection=connection, kind=kind, trigger=trigger)
            for kind in (ImportRun.Kind.RELATIONS, ImportRun.Kind.ARTICLES)]


@transaction.atomic
def import_settings_save(*, connection: Connection, periodic: bool):
    row, _created = ImportSettings.objects.update_or_create(
        connection=connection,
        defaults={"organization": connection.organization, "periodic": periodic},
    )
    return row


def periodic_import_connections() -> list[Connection]:
    """The connections that asked for the daily import and can sync now."""
    rows = ImportSettings.objects.filter(periodic=True).select_related("connection")
    return [row.connection for row in rows if row.connection.can_sync]


@transaction.atomic
def conflict_resolve(*, conflict, choice: str):
    """Keep the local values or take e-Boekhouden's; either way the link remembers
    e-Boekhouden's values as imported, so the same difference does not come back."""
    conflict = RelationConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.resolved_at is not None:
        return conflict
    link = RelationLink.objects.select_for_update().get(pk=conflict.link_id)
    party = link.customer or link.supplier
    if choice == RelationConflict.Choice.TAKE and party is not None:
        for name, value in conflict.remote_values.items():
            setattr(party, name, value)
        party.full_clean()
        party.save()
    link.imported_values = {**link.imported_values, **conflict.remote_values}
    link.save(update_fields=["imported_values"])
    conflict.resolution, conflict.resolved_at = choice, timezone.now()
    conflict.save(update_fields=["resolution", "resolved_at"])
    return conflict


# --- Payments read back (ebh_sync.payments) --------------------------------------------------

PAYMENTS_STALE_AFTER = datetime.timedelta(hours=1)


def _publish_payments(run) -> None:
    from ebh_sync.tasks import payments_task

    payments_task.delay_on_commit(run.pk)


@transaction.atomic
def payments_start(*, connection: Connection, trigger: str, user=None) -> PaymentRun:
    """Queue a payment read-back of the connection; one already queued or running (and not
    stale) is returned instead of a second one (and queued again: its message may be lost)."""
    active = [PaymentRun.State.QUEUED, PaymentRun.State.RUNNING]
    Connection.objects.select_for_update().get(pk=connection.pk)
    runs = PaymentRun.objects.filter(connection=connection, state__in=active)
    runs.filter(created_at__lt=timezone.now() - PAYMENTS_STALE_AFTER).update(
        state=PaymentRun.State.FAILED, finished_at=timezone.now(), error_code="STALE",
        error="stale")
    run = runs.first()
    if run is None:
        run = PaymentRun.objects.create(organization=connection.organization,
                                        connection=connection, trigger=trigger,
                                        created_by=user)
    if run.state == PaymentRun.State.QUEUED:
        _publish_payments(run)
    return run


def payments_connections() -> list[Connection]:
    """The connections the daily read-back visits: every one that can sync now."""
    connections = Connection.objects.filter(status=Connection.Status.CONNECTED)
    return [connection for connection in connections if connection.can_sync]

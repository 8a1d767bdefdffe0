"""Object URLs of the sync (error retry, export pages) for the cross-organization test."""

import datetime

from django.urls import reverse

from connections.models import Connection
from ebh_sync.models import (
    ExportBatch,
    ImportRun,
    PaymentRun,
    ReconciliationReport,
    RelationConflict,
    RelationLink,
    SyncJob,
)
from tests.invoicing.factories import make_sent


def _job(org_a, user_a) -> SyncJob:
    connection = Connection.objects.create(
        organization=org_a, status=Connection.Status.CONNECTED
    )
    invoice = make_sent(org_a, user_a)
    return SyncJob.objects.create(
        organization=org_a, connection=connection, kind=SyncJob.Kind.SALES_INVOICE,
        sales_invoice=invoice, invoice_number=invoice.number,
        invoice_date=datetime.date(2026, 3, 2), state=SyncJob.State.FAILED,
    )


def _retry(org_a, user_a):
    return "post", reverse("ebh_sync:retry", args=[_job(org_a, user_a).pk])


def _decide(org_a, user_a):
    job = _job(org_a, user_a)
    SyncJob.objects.filter(pk=job.pk).update(state=SyncJob.State.DOUBT)
    return "post", reverse("ebh_sync:decide", args=[job.pk])


def _export_detail(org_a, user_a):
    batch = ExportBatch.objects.create(organization=org_a, created_by=user_a)
    return "get", reverse("ebh_sync:export_detail", args=[batch.pk])


def _export_progress(org_a, user_a):
    batch = ExportBatch.objects.create(organization=org_a, created_by=user_a)
    return "get", reverse("ebh_sync:export_progress", args=[batch.pk])


def _import_run(org_a) -> ImportRun:
    connection = Connection.objects.get_or_create(
        organization=org_a, defaults={"status": Connection.Status.CONNECTED})[0]
    return ImportRun.objects.create(organization=org_a, connection=connection,
                                    kind=ImportRun.Kind.RELATIONS, trigger="manual")


def _import_detail(org_a, user_a):
    return "get", reverse("ebh_sync:import_detail", args=[_import_run(org_a).pk])


def _import_progress(org_a, user_a):
    return "get", reverse("ebh_sync:import_progress", args=[_import_run(org_a).pk])


def _conflict_resolve(org_a, user_a):
    run = _import_run(org_a)
    link = RelationLink.objects.create(organization=org_a, connection=run.connection,
                                       administration="x", code="R-1", relation_id=1)
    conflict = RelationConflict.objects.create(organization=org_a, link=link, run=run,
                                               remote_values={"city": "Delft"})
    return "post", reverse("ebh_sync:conflict_resolve", args=[conflict.pk])


def _report(org_a) -> ReconciliationReport:
    connection = Connection.objects.get_or_create(
        organization=org_a, defaults={"status": Connection.Status.CONNECTED})[0]
    return ReconciliationReport.objects.create(
        organization=org_a, connection=connection, date_from=datetime.date(2026, 3, 1),
        date_to=datetime.date(2026, 3, 31), state=ReconciliationReport.State.DONE)


def _report_url(name: str):
    return lambda org_a, user_a: ("get", reverse(name, args=[_report(org_a).pk]))


def _payment_run_progress(org_a, user_a):
    connection = Connection.objects.get_or_create(
        organization=org_a, defaults={"status": Connection.Status.CONNECTED})[0]
    run = PaymentRun.objects.create(organization=org_a, connection=connection,
                                    trigger=PaymentRun.Trigger.MANUAL)
    return "get", reverse("ebh_sync:payment_run_progress", args=[run.pk])


CASES = {
    **{name: _report_url(name) for name in (
        "ebh_sync:report_detail", "ebh_sync:report_progress", "ebh_sync:report_csv")},
    "ebh_sync:import_detail": _import_detail,
    "ebh_sync:import_progress": _import_progress,
    "ebh_sync:conflict_resolve": _conflict_resolve,
    "ebh_sync:retry": _retry,
    "ebh_sync:decide": _decide,
    "ebh_sync:export_detail": _export_detail,
    "ebh_sync:export_progress": _export_progress,
    "ebh_sync:payment_run_progress": _payment_run_progress,
}

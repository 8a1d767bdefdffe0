"""Object URLs of the sync (error retry, export pages) for the cross-organization test."""

import datetime

from django.urls import reverse

from connections.models import Connection
from ebh_sync.models import ExportBatch, SyncJob
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


def _export_detail(org_a, user_a):
    batch = ExportBatch.objects.create(organization=org_a, created_by=user_a)
    return "get", reverse("ebh_sync:export_detail", args=[batch.pk])


def _export_progress(org_a, user_a):
    batch = ExportBatch.objects.create(organization=org_a, created_by=user_a)
    return "get", reverse("ebh_sync:export_progress", args=[batch.pk])


CASES = {
    "ebh_sync:retry": _retry,
    "ebh_sync:export_detail": _export_detail,
    "ebh_sync:export_progress": _export_progress,
}

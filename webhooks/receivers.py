"""Webhooks listen to invoicing and the sync; neither of them imports webhooks. Each receiver
runs inside the transaction of its event, so the deliveries commit (or roll back) with it;
the data is read only when an endpoint wants the event."""

from django.dispatch import receiver

from ebh_sync import signals as sync_signals
from invoicing import signals as invoicing_signals
from webhooks import payloads, services
from webhooks.models import Event


@receiver(invoicing_signals.sales_invoice_finalized)
def on_sales_invoice_finalized(sender, invoice, **kwargs):
    services.event_emit(organization_id=invoice.organization_id, event=Event.INVOICE_FINALIZED,
                        data=lambda: {"invoice": payloads.invoice_data(invoice)})


@receiver(invoicing_signals.sales_invoice_paid)
def on_sales_invoice_paid(sender, invoice, **kwargs):
    services.event_emit(organization_id=invoice.organization_id, event=Event.INVOICE_PAID,
                        data=lambda: {"invoice": payloads.invoice_data(invoice)})


@receiver(sync_signals.booking_booked)
def on_booking_booked(sender, job, **kwargs):
    services.event_emit(organization_id=job.organization_id, event=Event.BOOKING_BOOKED,
                        data=lambda: payloads.booking_data(job))


@receiver(sync_signals.booking_failed)
def on_booking_failed(sender, job, **kwargs):
    services.event_emit(organization_id=job.organization_id, event=Event.BOOKING_FAILED,
                        data=lambda: payloads.booking_data(job))

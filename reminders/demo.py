"""Demo rows for `make run`: the demo organization's reminder schedule (with the collection
costs text for consumers) and one overdue invoice of the consumer that got its reminder.
Safe to run again (does nothing the second time)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership
from invoicing import services as invoicing
from invoicing.models import Customer, PartyKind, SalesInvoice
from invoicing.services import LineData
from reminders import services

DEMO_REFERENCE = "Onderhoud dakgoot"


def load(organization) -> str:
    schedule = services.schedule_get(organization=organization)
    if SalesInvoice.objects.filter(organization=organization, reference=DEMO_REFERENCE).exists():
        return "already there"
    if not schedule.collection_costs:
        schedule.collection_costs = True
        schedule.save(update_fields=["collection_costs", "updated_at"])
    consumer = Customer.objects.filter(organization=organization, kind=PartyKind.PRIVATE).first()
    membership = Membership.objects.filter(organization=organization).first()
    if consumer is None or membership is None:
        return "schedule ready"
    invoice = _overdue_invoice(organization, consumer, membership.user)
    services.reminder_send_due(invoice_id=invoice.pk, today=timezone.localdate())
    return f"schedule ready, invoice {invoice.number} got its first reminder"


def _overdue_invoice(organization, customer, user) -> SalesInvoice:
    issued = timezone.localdate() - datetime.timedelta(days=25)
    draft = SalesInvoice(customer=customer, language=customer.language, issue_date=issued,
                         payment_term_days=14, reference=DEMO_REFERENCE)
    lines = [LineData(description="Dakgoot schoonmaken en repareren", quantity=Decimal(3),
                      unit_price=Decimal("52.50"), vat_rate="21", unit="uur")]
    draft = invoicing.invoice_save_draft(invoice=draft, organization=organization, lines=lines)
    return invoicing.invoice_finalize(invoice=draft, send_email=False, user=user)

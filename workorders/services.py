"""Workflows of work orders: typed, keyword-only, one transaction each, the work order row
locked with SELECT ... FOR UPDATE so two clicks (or two users) never both move it on.

Checking a work order turns it into an invoice, inside the same transaction:

* the ``work_order_checked`` signal goes out first. A receiver that returns True (the accounting
  link, when the organization lets the accounting package's invoicing module make the invoices)
  takes the work order over; it stays "checked" until that link calls
  ``work_order_invoice_externally_created``.
* otherwise our own invoicing makes a DRAFT sales invoice from the lines, dated today with the
  day the work was done as its delivery date, for the user to review (a discount, an extra line,
  a text) and finalize. The work order becomes "invoiced" when that invoice is finalized
  (receivers.py listens to ``sales_invoice_finalized``); a draft the user deletes frees it
  (the link is SET_NULL), and it can make a new draft.

The work order is named in the invoice's note ("Work order W0001, work address: ..."), not in
"your reference": that field holds the customer's own reference."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization
from invoicing import services as invoicing
from invoicing.models import Product, SalesInvoice
from invoicing.services import InvoicingError, LineData
from invoicing.vat import VatRate
from workorders import signals
from workorders.models import (
    HEADER_FIELDS,
    MAX_LINES,
    InvoiceChannel,
    LineKind,
    WorkOrder,
    WorkOrderCounter,
    WorkOrderError,
    WorkOrderLine,
    WorkOrderState,
)

__all__ = ["WorkOrderError"]


@dataclass
class WorkOrderLineData:
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: str = VatRate.HIGH
    unit: str = ""
    product_id: int | None = None


@dataclass
class CheckOutcome:
    """What checking a work order led to: handed over, or our draft invoice."""

    work_order: WorkOrder
    invoice: SalesInvoice | None = None

    @property
    def handed_over(self) -> bool:
        return self.work_order.invoice_channel == InvoiceChannel.ACCOUNTING


def _locked(work_order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update().get(pk=work_order.pk)


def _next_number(organization: Organization) -> str:
    # INSERT ... ON CONFLICT DO NOTHING, then lock: two first-ever work orders do not race.
    WorkOrderCounter.objects.bulk_create([WorkOrderCounter(organization=organization)],
                                         ignore_conflicts=True)
    counter = WorkOrderCounter.objects.select_for_update().get(organization=organization)
    value = counter.next_value
    counter.next_value = value + 1
    counter.save(update_fields=["next_value"])
    return f"W{value:04d}"


# --------------------------------------------------------------------------- save


def _check_header(work_order: WorkOrder, organization: Organization) -> None:
    if work_order.customer.organization_id != organization.pk:
        raise WorkOrderError(_("Choose one of your own customers."))
    if work_order.assigned_to_id and not Membership.objects.filter(
        organization=organization, user_id=work_order.assigned_to_id
    ).exists():
        raise WorkOrderError(_("Assign the work order to a member of your organization."))


def _check_lines(lines: list[WorkOrderLineData], organization: Organization) -> None:
    if len(lines) > MAX_LINES:
        raise WorkOrderError(_("A work order can have at most %(max)s lines.") % {"max": MAX_LINES})
    for line in lines:
        if line.kind not in LineKind.values or line.vat_rate not in VatRate.values:
            raise WorkOrderError(_("Choose a kind and a VAT rate for every line."))
        if line.quantity < 0 or line.unit_price < 0:
            raise WorkOrderError(_("Hours, quantities and prices cannot be negative."))
        if not line.description.strip():
            raise WorkOrderError(_("Every line needs a description."))
    product_ids = {line.product_id for line in lines if line.product_id}
    own = Product.objects.for_organization(organization).filter(pk__in=product_ids).count()
    if own != len(product_ids):
        raise WorkOrderError(_("Choose one of your own products."))


def _default_address(work_order: WorkOrder) -> None:
    """No work address given: the work happens at the customer's own address."""
    if not (work_order.work_street or work_order.work_postcode or work_order.work_city):
        customer = work_order.customer
        work_order.work_street = customer.address
        work_order.work_postcode = customer.postcode
        work_order.work_city = customer.city


def _write_lines(work_order: WorkOrder, lines: list[WorkOrderLineData]) -> None:
    work_order.lines.all().delete()
    WorkOrderLine.objects.bulk_create([
        WorkOrderLine(
            work_order=work_order, position=position, kind=line.kind,
            description=line.description.strip(), product_id=line.product_id,
            quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
            vat_rate=line.vat_rate,
        )
        for position, line in enumerate(lines, start=1)
    ])


@transaction.atomic
def work_order_save(
    *, work_order: WorkOrder, organization: Organization, lines: list[WorkOrderLineData]
) -> WorkOrder:
    """Create (with the next number) or update a work order; its lines are replaced.
    Only while it is open or done: after checking it is the basis of an invoice."""
    creating = work_order.pk is None
    if creating:
        work_order.organization = organization
        work_order.number = _next_number(organization)
    else:
        stored = _locked(work_order)
        if stored.organization_id != organization.pk:
            raise WorkOrderError(_("This work order belongs to another organization."))
        if not stored.lines_editable:
            raise WorkOrderError(_("A checked or invoiced work order can no longer be changed."))
        # The caller's copy may be older than a sign-off made meanwhile: keep the stored
        # state fields and write only the header fields below.
        for name in HEADER_FIELDS:
            setattr(stored, name, getattr(work_order, name))
        work_order = stored
    _check_header(work_order, organization)
    _check_lines(lines, organization)
    _default_address(work_order)
    work_order.full_clean()
    work_order.save(update_fields=None if creating else [*HEADER_FIELDS, "updated_at"])
    _write_lines(work_order, lines)
    return work_order


# --------------------------------------------------------------------------- transitions


@transaction.atomic
def work_order_mark_done(*, work_order: WorkOrder, signed_off_by: str, user) -> WorkOrder:
    """The work is done and the customer signed it off (their name, as they signed)."""
    work_order = _locked(work_order)
    if work_order.state != WorkOrderState.OPEN:
        raise WorkOrderError(_("Only an open work order can be marked as done."))
    name = (signed_off_by or "").strip()
    if not name:
        raise WorkOrderError(_("Enter the name of the customer who signed off the work."))
    work_order.move_to(WorkOrderState.DONE)
    work_order.signed_off_by = name[:150]
    work_order.signed_off_at = timezone.now()
    work_order.done_by = user
    work_order.save(update_fields=["state", "signed_off_by", "signed_off_at", "done_by",
                                   "updated_at"])
    return work_order


@transaction.atomic
def work_order_reopen(*, work_order: WorkOrder, user) -> WorkOrder:
    """Back from done to open (more work to do); the sign-off no longer holds."""
    work_order = _locked(work_order)
    if work_order.state != WorkOrderState.DONE:
        raise WorkOrderError(
            _("Only a work order that is done can be reopened; once checked it goes to invoicing.")
        )
    work_order.move_to(WorkOrderState.OPEN)
    work_order.signed_off_by = ""
    work_order.signed_off_at = None
    work_order.done_by = None
    work_order.save(update_fields=["state", "signed_off_by", "signed_off_at", "done_by",
                                   "updated_at"])
    return work_order


@transaction.atomic
def work_order_mark_checked(*, work_order: WorkOrder, user) -> CheckOutcome:
    """Checked by the office: hand it to the accounting link or make our own invoice now."""
    work_order = _locked(work_order)
    if work_order.state in (WorkOrderState.CHECKED, WorkOrderState.INVOICED):
        raise WorkOrderError(_("This work order has already been checked; it is invoiced once."))
    if work_order.state != WorkOrderState.DONE:
        raise WorkOrderError(_("Only a work order that is done can be checked."))
    if not work_order.lines.exists():
        raise WorkOrderError(_("Add the hours and materials first: a work order without lines "
                               "cannot be invoiced."))
    work_order.move_to(WorkOrderState.CHECKED)
    work_order.checked_at = timezone.now()
    work_order.checked_by = user
    work_order.save(update_fields=["state", "checked_at", "checked_by", "updated_at"])
    responses = signals.work_order_checked.send(sender=WorkOrder, work_order=work_order)
    taken_over = any(response is True for _receiver, response in responses)
    work_order.invoice_channel = InvoiceChannel.ACCOUNTING if taken_over else InvoiceChannel.OWN
    work_order.save(update_fields=["invoice_channel", "updated_at"])
    if taken_over:
        return CheckOutcome(work_order=work_order)
    return _invoice_own(work_order, user)


@transaction.atomic
def work_order_create_invoice(*, work_order: WorkOrder, user) -> CheckOutcome:
    """Make the draft invoice of a checked work order again (after its draft was deleted)."""
    work_order = _locked(work_order)
    if not work_order.awaits_own_invoice:
        raise WorkOrderError(_("This work order is not waiting for an invoice from us."))
    return _invoice_own(work_order, user)


@transaction.atomic
def work_order_invoice_externally_created(
    *, work_order: WorkOrder, invoice_number: str
) -> WorkOrder:
    """The accounting link confirms its invoice: checked -> invoiced. Calling it again with the
    same number changes nothing (the sync may retry)."""
    work_order = _locked(work_order)
    number = (invoice_number or "").strip()
    if not number or len(number) > 50:
        raise WorkOrderError(_("An invoice number of 1 to 50 characters is needed."))
    if work_order.state == WorkOrderState.INVOICED and work_order.external_invoice_number == number:
        return work_order
    if work_order.invoice_channel != InvoiceChannel.ACCOUNTING:
        raise WorkOrderError(_("This work order is not invoiced through the accounting link."))
    work_order.move_to(WorkOrderState.INVOICED)
    work_order.external_invoice_number = number
    work_order.save(update_fields=["state", "external_invoice_number", "updated_at"])
    return work_order


@transaction.atomic
def work_order_invoice_finalized(*, invoice: SalesInvoice) -> WorkOrder | None:
    """The invoice of a checked work order was finalized (by us or by hand): invoiced."""
    work_order = WorkOrder.objects.select_for_update().filter(invoice=invoice).first()
    if work_order is None or work_order.state != WorkOrderState.CHECKED:
        return work_order
    work_order.move_to(WorkOrderState.INVOICED)
    work_order.save(update_fields=["state", "updated_at"])
    return work_order


# --------------------------------------------------------------------------- own invoice


def _invoice_own(work_order: WorkOrder, user) -> CheckOutcome:
    """Make the draft invoice (or keep the one already linked) for the user to finalize."""
    invoice = work_order.invoice
    if invoice is None:
        try:
            invoice = invoicing.invoice_save_draft(
                invoice=_invoice_header(work_order), organization=work_order.organization,
                lines=invoice_lines_for(work_order),
            )
        except (InvoicingError, ValueError) as error:
            raise WorkOrderError(*getattr(error, "messages", [str(error)])) from error
        work_order.invoice = invoice
        work_order.save(update_fields=["invoice", "updated_at"])
    return CheckOutcome(work_order=work_order, invoice=invoice)


def work_date(work_order: WorkOrder) -> datetime.date:
    """The day the work was done: the planned day, or the sign-off day when the work was
    signed off before it (done early); never after today."""
    day = work_order.planned_date
    if work_order.signed_off_at is not None:
        day = min(day, timezone.localdate(work_order.signed_off_at))
    return min(day, timezone.localdate())


def _invoice_header(work_order: WorkOrder) -> SalesInvoice:
    customer = work_order.customer
    organization = work_order.organization
    term = customer.payment_term_days
    with translation.override(customer.language):
        note = _("Work order %(number)s, work address: %(address)s") % {
            "number": work_order.number, "address": work_order.work_address or "-"}
    return SalesInvoice(
        customer=customer, issue_date=timezone.localdate(), delivery_date=work_date(work_order),
        payment_term_days=organization.payment_term_days if term is None else term,
        language=customer.language, note=note,
    )


def invoice_lines_for(work_order: WorkOrder) -> list[LineData]:
    """The invoice lines of a work order, in the customer's language: hours as
    "description (date)" hours x rate, materials as they were used. Also what the accounting
    link puts on an invoice it makes in the accounting package's invoicing module."""
    with translation.override(work_order.customer.language):
        hours_unit = _("hours")
    date = work_order.planned_date.strftime("%d-%m-%Y")
    lines = []
    for line in work_order.lines.select_related("product"):
        is_hours = line.kind == LineKind.HOURS
        lines.append(LineData(
            description=f"{line.description} ({date})" if is_hours else line.description,
            quantity=line.quantity, unit=line.unit or (hours_unit if is_hours else ""),
            unit_price=line.unit_price, vat_rate=line.vat_rate, product_id=line.product_id,
            ledger_account=line.product.ledger_account if line.product else "",
        ))
    return lines

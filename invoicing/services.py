"""Workflows of invoicing: typed, keyword-only, one transaction each.

``invoice_finalize`` and ``purchase_invoice_register`` are the two events the accounting
sync hangs on: each is ONE atomic function, so a sync job written inside it commits (or
rolls back) together with the invoice."""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization
from invoicing import numbering, signals
from invoicing.legal import finalize_problems
from invoicing.models import (
    MAX_AMOUNT,
    MAX_DESCRIPTION,
    MAX_LINES,
    Customer,
    EmailLog,
    InvoiceKind,
    InvoiceStatus,
    Party,
    Payment,
    PurchaseInvoice,
    PurchaseInvoiceLine,
    PurchaseInvoiceVatTotal,
    PurchaseStatus,
    SalesInvoice,
    SalesInvoiceLine,
    SalesInvoiceVatTotal,
    Supplier,
)
from invoicing.money import ZERO, line_amounts, round_money, totals_per_rate
from invoicing.uploads import validate_attachment
from invoicing.vat import purchase_rate, sales_rate


class InvoicingError(Exception):
    """A workflow refused; ``messages`` are for the user (already translated)."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


# --------------------------------------------------------------------------- parties


@transaction.atomic
def party_save(*, party: Party, organization: Organization) -> Party:
    """Create (with the next stable relation code) or update a customer or supplier."""
    if party.pk is None:
        party.organization = organization
        series = "customer" if isinstance(party, Customer) else "supplier"
        party.code = numbering.next_relation_code(
            organization=organization, series=series, prefix=party.CODE_PREFIX
        )
    elif party.organization_id != organization.pk:
        raise InvoicingError(_("This relation belongs to another organization."))
    party.full_clean()
    party.save()
    return party


@transaction.atomic
def party_set_archived(*, party: Party, archived: bool) -> Party:
    """Archive instead of delete: a party with invoices is never removed."""
    party.archived = archived
    party.save(update_fields=["archived"])
    return party


# --------------------------------------------------------------------------- drafts


@dataclass
class LineData:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: str
    unit: str = ""
    discount_percent: Decimal = ZERO
    product_id: int | None = None
    ledger_account: str = ""
    credited_line_id: int | None = None


def _check_lines(lines: list[LineData], *, credit_note: bool) -> None:
    if len(lines) > MAX_LINES:
        raise InvoicingError(
            _("An invoice can have at most %(max)s lines.") % {"max": MAX_LINES}
        )
    for line in lines:
        sales_rate(line.vat_rate)  # ValueError for an unknown rate
        if len(line.description) > MAX_DESCRIPTION:
            raise InvoicingError(_("A line description is too long."))
        if not credit_note and (line.quantity < 0 or line.unit_price < 0):
            raise InvoicingError(
                _("Quantities on an invoice cannot be negative; use a credit note.")
            )


def _check_amounts(amounts) -> None:
    """Refuse amounts the money columns cannot hold (typos like 1e12) with a message, instead
    of a database error; the workflow's transaction undoes whatever it wrote before."""
    if any(abs(amount) > MAX_AMOUNT for amount in amounts):
        raise InvoicingError(_("The amounts are too large for one invoice."))


def _check_totals(totals, names: tuple[str, ...]) -> None:
    """Each rate's amounts and their sums (the document's totals) must fit."""
    _check_amounts([getattr(t, name) for t in totals for name in names])
    _check_amounts([sum((getattr(t, name) for t in totals), ZERO) for name in names])


def _write_lines(invoice: SalesInvoice, lines: list[LineData]) -> None:
    """Replace the lines and store per-line and per-rate amounts and the totals."""
    invoice.lines.all().delete()
    invoice.vat_totals.all().delete()
    rows = []
    for position, data in enumerate(lines, start=1):
        info = sales_rate(data.vat_rate)
        amounts = line_amounts(quantity=data.quantity, unit_price=data.unit_price,
                               discount_percent=data.discount_percent,
                               percentage=info.percentage)
        rows.append(SalesInvoiceLine(
            invoice=invoice, position=position, product_id=data.product_id,
            credited_line_id=data.credited_line_id, description=data.description,
            quantity=data.quantity, unit=data.unit, unit_price=data.unit_price,
            discount_percent=data.discount_percent, vat_rate=data.vat_rate,
            ledger_account=data.ledger_account, net_amount=amounts.net,
            vat_amount=amounts.vat, gross_amount=amounts.gross,
        ))
        _check_amounts((amounts.net, amounts.vat, amounts.gross))
    SalesInvoiceLine.objects.bulk_create(rows)
    _write_totals(invoice, rows)


def _write_totals(invoice: SalesInvoice, rows: list[SalesInvoiceLine]) -> None:
    totals = totals_per_rate(
        ((row.vat_rate, sales_rate(row.vat_rate).percentage, row.net_amount) for row in rows),
        exchange_rate=invoice.exchange_rate,
    )
    _check_totals(totals, ("net", "vat", "gross", "net_eur", "vat_eur", "gross_eur"))
    SalesInvoiceVatTotal.objects.bulk_create([
        SalesInvoiceVatTotal(
            invoice=invoice, vat_rate=t.rate, percentage=t.percentage, net_amount=t.net,
            vat_amount=t.vat, gross_amount=t.gross, net_amount_eur=t.net_eur,
            vat_amount_eur=t.vat_eur, gross_amount_eur=t.gross_eur,
        )
        for t in totals
    ])
    invoice.net_total = sum((t.net for t in totals), ZERO)
    invoice.vat_total = sum((t.vat for t in totals), ZERO)
    invoice.gross_total = sum((t.gross for t in totals), ZERO)
    invoice.net_total_eur = sum((t.net_eur for t in totals), ZERO)
    invoice.vat_total_eur = sum((t.vat_eur for t in totals), ZERO)
    invoice.gross_total_eur = sum((t.gross_eur for t in totals), ZERO)
    invoice.save()


@transaction.atomic
def invoice_save_draft(
    *, invoice: SalesInvoice, organization: Organization, lines: list[LineData]
) -> SalesInvoice:
    """Create or update a draft: header fields as set on ``invoice``, lines replaced."""
    if not invoice.is_draft:
        raise InvoicingError(_("A finalized invoice cannot be changed; issue a credit note."))
    if invoice.pk is None:
        invoice.organization = organization
    if invoice.customer.organization_id != organization.pk:
        raise InvoicingError(_("Choose one of your own customers."))
    _check_lines(lines, credit_note=invoice.is_credit_note)
    if invoice.currency == "EUR":
        invoice.exchange_rate = Decimal(1)
    invoice.due_date = invoice.issue_date + datetime.timedelta(days=invoice.payment_term_days)
    invoice.save()
    _write_lines(invoice, lines)
    return invoice


@transaction.atomic
def invoice_delete_draft(*, invoice: SalesInvoice) -> None:
    if not invoice.is_draft:
        raise InvoicingError(_("A finalized invoice cannot be deleted; issue a credit note."))
    invoice.delete()


# --------------------------------------------------------------------------- finalize


def seller_snapshot(organization: Organization) -> dict:
    fields = ["name", "address", "postcode", "city", "country", "kvk_number", "vat_id",
              "iban", "bic", "email", "phone"]
    snapshot = {name: getattr(organization, name) for name in fields}
    snapshot["logo"] = organization.logo.name if organization.logo else ""
    return snapshot


def legal_texts(invoice: SalesInvoice, rates: list[str]) -> list[str]:
    """The texts the law asks for, rendered in the invoice's own language."""
    with translation.override(invoice.language):
        texts = [str(sales_rate(r).legal_text) for r in rates if sales_rate(r).legal_text]
        original = invoice.credited_invoice
        if original is not None:
            texts.insert(0, _("Credit note for invoice %(number)s of %(date)s.") % {
                "number": original.number, "date": original.issue_date.strftime("%d-%m-%Y")})
    return list(dict.fromkeys(texts))


def _freeze(invoice: SalesInvoice, lines: list, user) -> None:
    number, year, sequence = numbering.next_invoice_number(
        organization=invoice.organization, issue_date=invoice.issue_date
    )
    invoice.number, invoice.number_year, invoice.number_sequence = number, year, sequence
    invoice.payment_reference = number
    invoice.seller = seller_snapshot(invoice.organization)
    invoice.buyer = invoice.customer.snapshot()
    invoice.legal_texts = legal_texts(invoice, [t.vat_rate for t in invoice.vat_totals.all()])
    invoice.status = InvoiceStatus.SENT
    invoice.finalized_at = timezone.now()
    invoice.finalized_by = user


def _attach_pdf(invoice: SalesInvoice) -> None:
    from invoicing.pdf import render_invoice_pdf

    content = render_invoice_pdf(invoice)
    digest = hashlib.sha256(content).hexdigest()[:12]
    name = f"{invoice.organization_id}-{invoice.number}-{digest}.pdf".replace("/", "-")
    invoice.pdf.save(name, ContentFile(content), save=False)


def _settle(invoice: SalesInvoice) -> None:
    """Status after a payment or credit: credited, paid or still sent."""
    if invoice.amount_credited >= invoice.gross_total > 0:
        invoice.status = InvoiceStatus.CREDITED
    elif invoice.amount_paid + invoice.amount_credited >= invoice.gross_total:
        invoice.status = InvoiceStatus.PAID
    else:
        invoice.status = InvoiceStatus.SENT


def _apply_credit(credit_note: SalesInvoice) -> None:
    original = SalesInvoice.objects.select_for_update().get(pk=credit_note.credited_invoice_id)
    original.amount_credited += -credit_note.gross_total
    _settle(original)
    original.save(update_fields=["amount_credited", "status", "updated_at"])


@transaction.atomic
def invoice_finalize(
    *, invoice: SalesInvoice, send_email: bool, message: str = "", user
) -> SalesInvoice:
    """Check the legal fields, number, freeze, render and store the PDF, mark sent and
    (optionally) queue the email. The email leaves after commit: a mail hiccup never rolls
    back a finalized invoice."""
    invoice = (
        SalesInvoice.objects.select_for_update(of=("self",))
        .select_related("organization", "customer", "credited_invoice")
        .get(pk=invoice.pk)
    )
    if not invoice.is_draft:
        raise InvoicingError(_("This invoice has already been finalized."))
    lines = list(invoice.lines.all())
    problems = finalize_problems(invoice, lines, send_email=send_email)
    if problems:
        raise InvoicingError(*problems)
    _freeze(invoice, lines, user)
    _attach_pdf(invoice)
    invoice.save()
    if invoice.is_credit_note:
        _apply_credit(invoice)
    if send_email:
        email_queue(invoice=invoice, to=invoice.buyer["email"], message=message, user=user)
    # Receivers (the accounting sync) write their rows inside this same transaction.
    signals.sales_invoice_finalized.send(sender=SalesInvoice, invoice=invoice)
    return invoice


# --------------------------------------------------------------------------- email


def default_email_message(invoice: SalesInvoice) -> str:
    with translation.override(invoice.language):
        name = invoice.customer.contact_person or invoice.customer.name
        text = _("Dear %(name)s,\n\nPlease find our invoice attached.\n\nKind regards,\n%(seller)s")
        return text % {"name": name, "seller": invoice.organization.name}


def _email_subject_and_body(invoice: SalesInvoice, message: str) -> tuple[str, str]:
    with translation.override(invoice.language):
        kind = _("Credit note") if invoice.is_credit_note else _("Invoice")
        subject = _("%(kind)s %(number)s from %(seller)s") % {
            "kind": kind, "number": invoice.number, "seller": invoice.seller["name"]}
        summary = _("%(kind)s %(number)s, amount %(currency)s %(amount)s, due %(due)s.") % {
            "kind": kind, "number": invoice.number, "currency": invoice.currency,
            "amount": invoice.gross_total, "due": invoice.due_date.strftime("%d-%m-%Y")}
    return subject[:200], f"{message.strip()}\n\n{summary}".strip()


@transaction.atomic
def email_queue(*, invoice: SalesInvoice, to: str, message: str, user) -> EmailLog:
    """Write the email's log row, then publish the task that sends it (after commit)."""
    from invoicing.tasks import send_invoice_email

    if invoice.is_draft or not invoice.pdf:
        raise InvoicingError(_("Only a finalized invoice can be emailed."))
    subject, body = _email_subject_and_body(invoice, message or default_email_message(invoice))
    log = EmailLog.objects.create(
        organization_id=invoice.organization_id, invoice=invoice, to=to, subject=subject,
        body=body, created_by=user,
    )
    send_invoice_email.delay_on_commit(log.pk)
    return log


# --------------------------------------------------------------------------- credit notes


def creditable_quantities(invoice: SalesInvoice) -> dict[int, Decimal]:
    """Per original line: the quantity not yet on a credit note (drafts included)."""
    credited = dict(
        SalesInvoiceLine.objects.filter(credited_line__invoice=invoice)
        .values("credited_line").annotate(total=Sum("quantity"))
        .values_list("credited_line", "total")
    )
    return {line.pk: line.quantity + credited.get(line.pk, ZERO) for line in invoice.lines.all()}


@transaction.atomic
def credit_note_create(
    *, invoice: SalesInvoice, user, quantities: dict[int, Decimal] | None = None
) -> SalesInvoice:
    """A draft credit note: the negated copy of (part of) a finalized invoice.
    ``quantities`` maps original line ids to the quantity to credit; None credits all."""
    invoice = SalesInvoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_draft or invoice.is_credit_note or invoice.status == InvoiceStatus.CREDITED:
        raise InvoicingError(_("Only a finalized, not yet credited invoice can be credited."))
    open_quantities = creditable_quantities(invoice)
    wanted = quantities if quantities is not None else open_quantities
    lines = []
    for original in invoice.lines.all():
        quantity = wanted.get(original.pk, ZERO)
        if quantity < 0 or quantity > open_quantities[original.pk]:
            raise InvoicingError(
                _("You cannot credit more than was invoiced and not yet credited.")
            )
        if quantity:
            lines.append(_negated_line(original, quantity))
    if not lines:
        raise InvoicingError(_("Choose at least one line to credit."))
    credit_note = SalesInvoice(
        kind=InvoiceKind.CREDIT_NOTE, credited_invoice=invoice, customer=invoice.customer,
        issue_date=timezone.localdate(), payment_term_days=0, language=invoice.language,
        currency=invoice.currency, exchange_rate=invoice.exchange_rate,
        reference=invoice.number,
    )
    return invoice_save_draft(invoice=credit_note, organization=invoice.organization, lines=lines)


def _negated_line(original: SalesInvoiceLine, quantity: Decimal) -> LineData:
    return LineData(
        description=original.description, quantity=-quantity, unit=original.unit,
        unit_price=original.unit_price, discount_percent=original.discount_percent,
        vat_rate=original.vat_rate, product_id=original.product_id,
        ledger_account=original.ledger_account, credited_line_id=original.pk,
    )


# --------------------------------------------------------------------------- payments


@transaction.atomic
def payment_register(
    *, invoice: SalesInvoice, amount: Decimal, date: datetime.date, user, note: str = ""
) -> Payment:
    """Register a (partial) payment; the invoice becomes paid when nothing is left open."""
    invoice = SalesInvoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.SENT or invoice.is_credit_note:
        raise InvoicingError(_("Payments can be registered only on an open invoice."))
    amount = round_money(amount)
    open_amount = invoice.gross_total - invoice.amount_paid - invoice.amount_credited
    if amount <= 0 or amount > open_amount:
        raise InvoicingError(
            _("The amount must be more than zero and at most the open amount of %(open)s.")
            % {"open": open_amount}
        )
    payment = Payment.objects.create(
        organization_id=invoice.organization_id, invoice=invoice, amount=amount, date=date,
        note=note, created_by=user,
    )
    invoice.amount_paid += amount
    _settle(invoice)
    invoice.save(update_fields=["amount_paid", "status", "updated_at"])
    return payment


# --------------------------------------------------------------------------- purchases


@dataclass
class PurchaseLineData:
    vat_rate: str
    net_amount: Decimal
    description: str = ""
    ledger_account: str = ""


@dataclass
class PurchaseData:
    supplier: Supplier
    supplier_invoice_number: str
    invoice_date: datetime.date
    due_date: datetime.date
    lines: list[PurchaseLineData] = field(default_factory=list)
    description: str = ""


def _check_purchase(organization: Organization, data: PurchaseData) -> None:
    if data.supplier.organization_id != organization.pk:
        raise InvoicingError(_("Choose one of your own suppliers."))
    if not data.lines or len(data.lines) > MAX_LINES:
        raise InvoicingError(_("Enter between 1 and %(max)s lines.") % {"max": MAX_LINES})
    for line in data.lines:
        purchase_rate(line.vat_rate)
    duplicate = PurchaseInvoice.objects.filter(
        organization=organization, supplier=data.supplier,
        supplier_invoice_number=data.supplier_invoice_number,
    )
    if duplicate.exists():
        raise InvoicingError(_("This supplier's invoice number has already been registered."))


@transaction.atomic
def purchase_invoice_register(
    *, organization: Organization, data: PurchaseData, attachment: UploadedFile | None, user
) -> PurchaseInvoice:
    """Book a received invoice: lines, VAT per rate on the rate's total, the attachment.
    Immutable from here on (only its payment state changes)."""
    _check_purchase(organization, data)
    invoice = PurchaseInvoice(
        organization=organization, supplier=data.supplier,
        supplier_invoice_number=data.supplier_invoice_number, invoice_date=data.invoice_date,
        due_date=data.due_date, description=data.description, registered_by=user,
    )
    totals = totals_per_rate(
        (ln.vat_rate, purchase_rate(ln.vat_rate).percentage, round_money(ln.net_amount))
        for ln in data.lines
    )
    _check_totals(totals, ("net", "vat", "gross"))  # before the attachment is stored
    if attachment is not None:
        kind = validate_attachment(attachment)
        invoice.attachment.save(f"{organization.pk}.{kind.extension}", attachment, save=False)
        invoice.attachment_type = kind.mime
        invoice.attachment_name = (attachment.name or "")[-200:]
    invoice.net_total = sum((t.net for t in totals), ZERO)
    invoice.vat_total = sum((t.vat for t in totals), ZERO)
    invoice.gross_total = sum((t.gross for t in totals), ZERO)
    invoice.save()
    _write_purchase_lines(invoice, data.lines, totals)
    signals.purchase_invoice_registered.send(sender=PurchaseInvoice, invoice=invoice)
    return invoice


def _write_purchase_lines(invoice: PurchaseInvoice, lines, totals) -> None:
    PurchaseInvoiceLine.objects.bulk_create([
        PurchaseInvoiceLine(
            invoice=invoice, position=i, description=ln.description, vat_rate=ln.vat_rate,
            ledger_account=ln.ledger_account, net_amount=round_money(ln.net_amount),
            vat_amount=round_money(round_money(ln.net_amount)
                                   * purchase_rate(ln.vat_rate).percentage / 100),
        )
        for i, ln in enumerate(lines, start=1)
    ])
    PurchaseInvoiceVatTotal.objects.bulk_create([
        PurchaseInvoiceVatTotal(invoice=invoice, vat_rate=t.rate, percentage=t.percentage,
                                net_amount=t.net, vat_amount=t.vat, gross_amount=t.gross)
        for t in totals
    ])


@transaction.atomic
def purchase_invoice_mark_paid(
    *, invoice: PurchaseInvoice, date: datetime.date
) -> PurchaseInvoice:
    invoice = PurchaseInvoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == PurchaseStatus.PAID:
        raise InvoicingError(_("This purchase invoice is already paid."))
    invoice.status = PurchaseStatus.PAID
    invoice.paid_at = date
    invoice.save(update_fields=["status", "paid_at"])
    return invoice

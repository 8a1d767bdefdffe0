"""Workflows of invoicing: typed, keyword-only, one transaction each.

``invoice_finalize`` and ``purchase_invoice_register`` are the two events the accounting
sync hangs on: each is ONE atomic function, so a sync job written inside it commits (or
rolls back) together with the invoice."""

import datetime
import hashlib
import itertools
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.identifiers import format_iban
from accounts.models import Organization
from accounts.sending import sending_refusal
from invoicing import extensions, numbering, signals
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
from invoicing.money import (
    ZERO,
    LineAmounts,
    RateTotal,
    format_money,
    line_amounts,
    round_money,
    totals_per_rate,
)
from invoicing.pdf import render_invoice_pdf
from invoicing.snapshots import legal_texts, seller_snapshot
from invoicing.tasks import send_invoice_email
from invoicing.templatetags.invoicing_tags import money
from invoicing.uploads import validate_attachment
from invoicing.vat import PurchaseVatRate, purchase_rate, sales_rate


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
    cost_centre: int = 0  # the accounting package's cost centre; 0 = the connection's default


def _check_lines(lines: list[LineData]) -> None:
    if len(lines) > MAX_LINES:
        raise InvoicingError(
            _("An invoice can have at most %(max)s lines.") % {"max": MAX_LINES}
        )
    for line in lines:
        sales_rate(line.vat_rate)  # ValueError for an unknown rate
        if len(line.description) > MAX_DESCRIPTION:
            raise InvoicingError(_("A line description is too long."))


def _check_total(invoice: SalesInvoice) -> None:
    """Negative lines (a discount, an advance payment) are fine while the invoice still asks
    for money; paying a customer back is what a credit note is for."""
    if not invoice.is_credit_note and invoice.gross_total < 0:
        raise InvoicingError(_(
            "The invoice total is %(total)s: an invoice cannot be negative. Lower the "
            "discount or advance payment lines, or make a credit note to pay back."
        ) % {"total": format_money(invoice.gross_total, invoice.currency)})


def _check_cost_centres(organization: Organization, lines) -> None:
    """With cost centres known, every chosen one must be among them (0: the default)."""
    known = {c_id for c_id, _label in extensions.cost_centre_choices(organization)}
    unknown = sorted({ln.cost_centre for ln in lines if ln.cost_centre} - known)
    if known and unknown:
        raise InvoicingError(*[
            _("Cost centre %(id)s is not one of the cost centres of your administration; "
              "choose another.") % {"id": c_id} for c_id in unknown
        ])


def _check_amounts(amounts) -> None:
    """Refuse amounts the money columns cannot hold (typos like 1e12) with a message, instead
    of a database error; the workflow's transaction undoes whatever it wrote before."""
    if any(abs(amount) > MAX_AMOUNT for amount in amounts):
        raise InvoicingError(_("The amounts are too large for one invoice."))


def _check_totals(totals, names: tuple[str, ...]) -> None:
    """Each rate's amounts and their sums (the document's totals) must fit."""
    _check_amounts([getattr(t, name) for t in totals for name in names])
    _check_amounts([sum((getattr(t, name) for t in totals), ZERO) for name in names])


@dataclass(frozen=True)
class PricedLines:
    """Lines with their amounts and the per-rate totals, computed the one way an invoice is
    (money.py); quotes price their lines with it too."""

    lines: list[tuple[LineData, LineAmounts]]
    totals: list[RateTotal]

    def sums(self) -> dict[str, Decimal]:
        """The document's totals: net, vat, gross and their euro amounts."""
        names = ("net", "vat", "gross", "net_eur", "vat_eur", "gross_eur")
        return {name: sum((getattr(t, name) for t in self.totals), ZERO) for name in names}


def price_lines(lines: list[LineData], exchange_rate: Decimal = Decimal(1)) -> PricedLines:
    """Check and price the lines; InvoicingError when they break a rule or do not fit."""
    _check_lines(lines)
    priced = []
    for data in lines:
        amounts = line_amounts(quantity=data.quantity, unit_price=data.unit_price,
                               discount_percent=data.discount_percent,
                               percentage=sales_rate(data.vat_rate).percentage)
        _check_amounts((amounts.net, amounts.vat, amounts.gross))
        priced.append((data, amounts))
    totals = totals_per_rate(
        ((data.vat_rate, sales_rate(data.vat_rate).percentage, amounts.net)
         for data, amounts in priced),
        exchange_rate=exchange_rate,
    )
    _check_totals(totals, ("net", "vat", "gross", "net_eur", "vat_eur", "gross_eur"))
    return PricedLines(priced, totals)


def _write_lines(invoice: SalesInvoice, lines: list[LineData]) -> None:
    """Replace the lines and store per-line and per-rate amounts and the totals."""
    invoice.lines.all().delete()
    invoice.vat_totals.all().delete()
    priced = price_lines(lines, invoice.exchange_rate)
    SalesInvoiceLine.objects.bulk_create([
        SalesInvoiceLine(
            invoice=invoice, position=position, product_id=data.product_id,
            credited_line_id=data.credited_line_id, description=data.description,
            quantity=data.quantity, unit=data.unit, unit_price=data.unit_price,
            discount_percent=data.discount_percent, vat_rate=data.vat_rate,
            ledger_account=data.ledger_account, cost_centre=data.cost_centre,
            net_amount=amounts.net, vat_amount=amounts.vat, gross_amount=amounts.gross,
        )
        for position, (data, amounts) in enumerate(priced.lines, start=1)
    ])
    _write_totals(invoice, priced)


def _write_totals(invoice: SalesInvoice, priced: PricedLines) -> None:
    SalesInvoiceVatTotal.objects.bulk_create([
        SalesInvoiceVatTotal(
            invoice=invoice, vat_rate=t.rate, percentage=t.percentage, net_amount=t.net,
            vat_amount=t.vat, gross_amount=t.gross, net_amount_eur=t.net_eur,
            vat_amount_eur=t.vat_eur, gross_amount_eur=t.gross_eur,
        )
        for t in priced.totals
    ])
    sums = priced.sums()
    invoice.net_total, invoice.vat_total = sums["net"], sums["vat"]
    invoice.gross_total = sums["gross"]
    invoice.net_total_eur, invoice.vat_total_eur = sums["net_eur"], sums["vat_eur"]
    invoice.gross_total_eur = sums["gross_eur"]
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
    _check_lines(lines)
    # A credited line keeps the cost centre it was booked on, even one removed since.
    _check_cost_centres(organization, [ln for ln in lines if ln.credited_line_id is None])
    if invoice.currency == "EUR":
        invoice.exchange_rate = Decimal(1)
        invoice.exchange_rate_date, invoice.exchange_rate_source = None, ""
    invoice.due_date = invoice.issue_date + datetime.timedelta(days=invoice.payment_term_days)
    invoice.save()
    _write_lines(invoice, lines)
    _check_total(invoice)
    return invoice


@transaction.atomic
def invoice_delete_draft(*, invoice: SalesInvoice) -> None:
    if not invoice.is_draft:
        raise InvoicingError(_("A finalized invoice cannot be deleted; issue a credit note."))
    invoice.delete()


# --------------------------------------------------------------------------- finalize


def stamp_number(invoice: SalesInvoice, number: str) -> None:
    """What finalizing puts on an invoice that its booking reads: the number, the payment
    reference it becomes and the buyer as the customer is now (the booking preview uses it
    on an unsaved copy)."""
    invoice.number = number
    invoice.payment_reference = number
    invoice.buyer = invoice.customer.snapshot()


def _freeze(invoice: SalesInvoice, lines: list, user) -> None:
    number, year, sequence = numbering.next_invoice_number(
        organization=invoice.organization, issue_date=invoice.issue_date
    )
    invoice.number_year, invoice.number_sequence = year, sequence
    stamp_number(invoice, number)
    invoice.seller = seller_snapshot(invoice.organization)
    invoice.legal_texts = legal_texts(invoice, [t.vat_rate for t in invoice.vat_totals.all()])
    invoice.status = InvoiceStatus.SENT
    invoice.finalized_at = timezone.now()
    invoice.finalized_by = user


def _attach_pdf(invoice: SalesInvoice) -> None:
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


def _announce_paid(invoice: SalesInvoice, was: str) -> None:
    if was != InvoiceStatus.PAID and invoice.status == InvoiceStatus.PAID:
        signals.sales_invoice_paid.send(sender=SalesInvoice, invoice=invoice)


def _apply_credit(credit_note: SalesInvoice) -> None:
    original = SalesInvoice.objects.select_for_update().get(pk=credit_note.credited_invoice_id)
    original.amount_credited += -credit_note.gross_total
    was = original.status
    _settle(original)
    original.save(update_fields=["amount_credited", "status", "updated_at"])
    _announce_paid(original, was)


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
        if invoice.is_credit_note:
            text = _("Dear %(name)s,\n\nPlease find our credit note attached.\n\nKind "
                     "regards,\n%(seller)s")
        return text % {"name": name, "seller": invoice.organization.name}


def _email_subject_and_body(invoice: SalesInvoice, message: str) -> tuple[str, str]:
    with translation.override(invoice.language):
        kind = _("Credit note") if invoice.is_credit_note else _("Invoice")
        subject = _("%(kind)s %(number)s from %(seller)s") % {
            "kind": kind, "number": invoice.number, "seller": invoice.seller["name"]}
        facts = {"kind": kind, "number": invoice.number,
                 "amount": format_money(invoice.gross_total, invoice.currency),
                 "due": date_format(invoice.due_date, "SHORT_DATE_FORMAT")}
        summary = (_("%(kind)s %(number)s, amount %(amount)s.") if invoice.is_credit_note
                   else _("%(kind)s %(number)s, amount %(amount)s, due %(due)s.")) % facts
        summary = f"{summary}\n{payment_instructions(invoice)}".strip()
    return subject[:200], f"{message.strip()}\n\n{summary}".strip()


def payment_instructions(invoice: SalesInvoice) -> str:
    """How to pay, under the email's message (in the active language): the open amount to
    the seller's IBAN with the payment reference; a credit note needs no payment."""
    if invoice.is_credit_note:
        return _("No payment is needed: we will refund the amount or set it off against an "
                 "open invoice.")
    outstanding = invoice.gross_total - invoice.amount_paid - invoice.amount_credited
    if outstanding <= 0:
        return _("This invoice has been paid; no payment is needed.")
    if not invoice.seller.get("iban"):
        return ""
    return _("Please transfer %(amount)s to IBAN %(iban)s in the name of %(name)s, stating "
             "payment reference %(reference)s.") % {
        "amount": format_money(outstanding, invoice.currency),
        "iban": format_iban(invoice.seller["iban"]), "name": invoice.seller.get("name", ""),
        "reference": invoice.payment_reference or invoice.number}


@transaction.atomic
def email_queue(*, invoice: SalesInvoice, to: str, message: str, user) -> EmailLog:
    """Write the email's log row, then publish the task that sends it (after commit)."""
    if invoice.is_draft or not invoice.pdf:
        raise InvoicingError(_("Only a finalized invoice can be emailed."))
    refusal = sending_refusal(organization=invoice.organization, user=user)
    if refusal:
        raise InvoicingError(refusal)
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
        if not _within(quantity, open_quantities[original.pk]):
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
        exchange_rate_date=invoice.exchange_rate_date,
        exchange_rate_source=invoice.exchange_rate_source,
        reference=invoice.number,
    )
    return invoice_save_draft(invoice=credit_note, organization=invoice.organization, lines=lines)


def _within(quantity: Decimal, open_quantity: Decimal) -> bool:
    """Between zero and what is still open, on the open quantity's side of zero: a line with
    a negative quantity (an advance payment) is credited with a negative quantity."""
    return min(ZERO, open_quantity) <= quantity <= max(ZERO, open_quantity)


def _negated_line(original: SalesInvoiceLine, quantity: Decimal) -> LineData:
    return LineData(
        description=original.description, quantity=-quantity, unit=original.unit,
        unit_price=original.unit_price, discount_percent=original.discount_percent,
        vat_rate=original.vat_rate, product_id=original.product_id,
        ledger_account=original.ledger_account, credited_line_id=original.pk,
        cost_centre=original.cost_centre,
    )


# --------------------------------------------------------------------------- payments


@transaction.atomic
def payment_register(
    *, invoice: SalesInvoice, amount: Decimal, date: datetime.date, user, note: str = ""
) -> Payment:
    """Register a (partial) payment; the invoice becomes paid when nothing is left open."""
    invoice = _lock_open_invoice(invoice)
    return _add_payment(invoice, round_money(amount), date=date, created_by=user, note=note)


@transaction.atomic
def payment_register_paid_total(
    *, invoice: SalesInvoice, paid_total: Decimal, seen_at: datetime.datetime, source: str
) -> Payment | None:
    """Elsewhere (the accounting) says ``paid_total`` of the invoice is paid: record only
    what is not registered here yet, dated the day it was seen. None when nothing is new;
    InvoicingError when that is more than is open (the caller shows it, never applies it)."""
    invoice = _lock_open_invoice(invoice)
    amount = round_money(paid_total) - invoice.amount_paid
    if amount <= 0:
        return None
    return _add_payment(invoice, amount, date=timezone.localdate(seen_at), source=source,
                        seen_at=seen_at)


def _lock_open_invoice(invoice: SalesInvoice) -> SalesInvoice:
    invoice = SalesInvoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.SENT or invoice.is_credit_note:
        raise InvoicingError(_("Payments can be registered only on an open invoice."))
    return invoice


def _add_payment(invoice: SalesInvoice, amount: Decimal, *, date: datetime.date,
                 **fields) -> Payment:
    open_amount = invoice.gross_total - invoice.amount_paid - invoice.amount_credited
    if amount <= 0 or amount > open_amount:
        raise InvoicingError(
            _("The amount must be more than zero and at most the open amount of %(open)s.")
            % {"open": format_money(open_amount, invoice.currency)}
        )
    payment = Payment.objects.create(
        organization_id=invoice.organization_id, invoice=invoice, amount=amount, date=date,
        **fields,
    )
    invoice.amount_paid += amount
    was = invoice.status
    _settle(invoice)
    invoice.save(update_fields=["amount_paid", "status", "updated_at"])
    _announce_paid(invoice, was)
    return payment


# --------------------------------------------------------------------------- purchases


@dataclass
class PurchaseLineData:
    vat_rate: str
    net_amount: Decimal
    description: str = ""
    ledger_account: str = ""
    cost_centre: int = 0  # the accounting package's cost centre; 0 = the connection's default


@dataclass
class PurchaseData:
    supplier: Supplier
    supplier_invoice_number: str
    invoice_date: datetime.date
    due_date: datetime.date
    lines: list[PurchaseLineData] = field(default_factory=list)
    description: str = ""
    # The VAT per rate as printed on the supplier's invoice (rate code -> amount); a rate
    # left out takes the VAT computed on the rate's total.
    printed_vat: dict[str, Decimal] = field(default_factory=dict)


# A supplier may round its VAT otherwise (per line, down): a printed amount within a cent of
# the rate applied to the rate's total is booked as printed, like e-Boekhouden's CMUT010.1.
PRINTED_VAT_TOLERANCE = Decimal("0.01")
MAX_PURCHASE_NUMBER = 50


def _check_purchase(organization: Organization, data: PurchaseData,
                    draft: PurchaseInvoice | None = None) -> None:
    if data.supplier.organization_id != organization.pk:
        raise InvoicingError(_("Choose one of your own suppliers."))
    if not data.lines or len(data.lines) > MAX_LINES:
        raise InvoicingError(_("Enter between 1 and %(max)s lines.") % {"max": MAX_LINES})
    for line in data.lines:
        purchase_rate(line.vat_rate)
    _check_ledger_accounts(organization, data.lines)
    _check_cost_centres(organization, data.lines)
    # e-Boekhouden compares invoice numbers without regard to case.
    duplicate = PurchaseInvoice.objects.filter(
        organization=organization, supplier=data.supplier,
        supplier_invoice_number__iexact=data.supplier_invoice_number,
    ).exclude(pk=draft.pk if draft else None)
    if duplicate.exists():
        raise InvoicingError(_("This supplier's invoice number has already been registered."))


def _check_ledger_accounts(organization: Organization, lines: list[PurchaseLineData]) -> None:
    """With a known chart, every chosen cost account must be in it (empty: the default)."""
    codes = {code for code, _label in extensions.ledger_choices(organization, "purchase")}
    unknown = sorted({ln.ledger_account for ln in lines if ln.ledger_account} - codes)
    if codes and unknown:
        raise InvoicingError(*[
            _("Cost account %(code)s is not in the chart of accounts of your administration; "
              "choose another.") % {"code": code} for code in unknown
        ])


def purchase_totals(lines: list[PurchaseLineData],
                    printed_vat: dict[str, Decimal] | None = None) -> list[RateTotal]:
    """Per rate: the net total and its VAT (as printed, when given and within a cent of the
    rate applied to the net total, half up to cents)."""
    totals = totals_per_rate(
        (ln.vat_rate, purchase_rate(ln.vat_rate).percentage, round_money(ln.net_amount))
        for ln in lines
    )
    printed = {rate: round_money(vat) for rate, vat in (printed_vat or {}).items()}
    problems = [_printed_vat_problem(t, printed[t.rate]) for t in totals if t.rate in printed]
    problems += [_("There is no line at %(rate)s for the VAT entered.")
                 % {"rate": purchase_rate_label(rate)}
                 for rate, vat in printed.items()
                 if vat and rate not in {t.rate for t in totals}]
    if any(problems):
        raise InvoicingError(*[problem for problem in problems if problem])
    return [_with_vat(t, printed[t.rate]) if t.rate in printed else t for t in totals]


def _with_vat(total: RateTotal, vat: Decimal) -> RateTotal:
    # Purchases are in euros: the EUR columns are the same amounts.
    return replace(total, vat=vat, gross=total.net + vat, vat_eur=vat,
                   gross_eur=total.net_eur + vat)


def purchase_rate_label(rate: str) -> str:
    return str(PurchaseVatRate(rate).label)


def _printed_vat_problem(total: RateTotal, printed: Decimal) -> str:
    # A rate without VAT (0%, reverse charge, import) books none: no cent of leeway there.
    tolerance = PRINTED_VAT_TOLERANCE if total.percentage else ZERO
    if abs(printed - total.vat) <= tolerance:
        return ""
    return _(
        "The VAT at %(percentage)s%% (%(printed)s) differs by more than 0.01 from "
        "%(percentage)s%% of %(net)s, which is %(expected)s. Check the amounts on the "
        "supplier's invoice."
    ) % {"percentage": total.percentage.normalize(), "printed": money(printed, "EUR"),
         "net": money(total.net, "EUR"), "expected": money(total.vat, "EUR")}


def _fill_purchase(invoice: PurchaseInvoice, data: PurchaseData, totals) -> None:
    invoice.supplier = data.supplier
    invoice.supplier_invoice_number = data.supplier_invoice_number
    invoice.invoice_date, invoice.due_date = data.invoice_date, data.due_date
    invoice.description = data.description
    _fill_totals(invoice, totals)


def _attach(invoice: PurchaseInvoice, attachment: UploadedFile | None,
            einvoice_xml: bool = False) -> None:
    if attachment is None:
        return
    kind = validate_attachment(attachment, einvoice_xml=einvoice_xml)
    invoice.attachment.save(f"{invoice.organization_id}.{kind.extension}", attachment,
                            save=False)
    invoice.attachment_type = kind.mime
    invoice.attachment_name = (attachment.name or "")[-200:]


def _book(invoice: PurchaseInvoice, lines, totals, *, user) -> PurchaseInvoice:
    """Store a purchase invoice as registered (from here on immutable) and announce it; the
    accounting sync writes its job inside this transaction."""
    if invoice.pk is not None:
        # A draft's own lines go while it is still a draft (the database guard allows that).
        invoice.lines.all().delete()
        invoice.vat_totals.all().delete()
    if invoice.status == PurchaseStatus.DRAFT:
        invoice.status = PurchaseStatus.RECEIVED
    invoice.registered_at, invoice.registered_by = timezone.now(), user
    invoice.save()
    _write_purchase_lines(invoice, lines, totals)
    signals.purchase_invoice_registered.send(sender=PurchaseInvoice, invoice=invoice)
    return invoice


@transaction.atomic
def purchase_invoice_register(
    *, organization: Organization, data: PurchaseData, attachment: UploadedFile | None, user,
    einvoice_xml: bool = False,
) -> PurchaseInvoice:
    """Book a received invoice: lines, VAT per rate on the rate's total (or as printed), the
    attachment (``einvoice_xml``: it may be the supplier's UBL file, which the e-invoice import
    has read). Immutable from here on (only its payment state changes)."""
    _check_purchase(organization, data)
    totals = purchase_totals(data.lines, data.printed_vat)
    _check_totals(totals, ("net", "vat", "gross"))  # before the attachment is stored
    invoice = PurchaseInvoice(organization=organization, status=PurchaseStatus.RECEIVED)
    _fill_purchase(invoice, data, totals)
    _attach(invoice, attachment, einvoice_xml)
    return _book(invoice, data.lines, totals, user=user)


def _write_purchase_lines(invoice: PurchaseInvoice, lines, totals) -> None:
    PurchaseInvoiceLine.objects.bulk_create([
        PurchaseInvoiceLine(
            invoice=invoice, position=i, description=ln.description, vat_rate=ln.vat_rate,
            ledger_account=ln.ledger_account, cost_centre=ln.cost_centre,
            net_amount=round_money(ln.net_amount),
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
    if invoice.status != PurchaseStatus.RECEIVED:
        raise InvoicingError(_("Only a registered purchase invoice that has not been corrected "
                               "can be marked as paid."))
    invoice.status = PurchaseStatus.PAID
    invoice.paid_at = date
    invoice.save(update_fields=["status", "paid_at"])
    return invoice


# --------------------------------------------------------------------------- purchase drafts


def _locked_draft(invoice: PurchaseInvoice) -> PurchaseInvoice:
    draft = PurchaseInvoice.objects.select_for_update().get(pk=invoice.pk)
    if not draft.is_draft:
        raise InvoicingError(_("This purchase invoice has already been registered; correct it "
                               "instead."))
    return draft


@transaction.atomic
def purchase_draft_save(
    *, invoice: PurchaseInvoice, organization: Organization, data: PurchaseData,
    attachment: UploadedFile | None = None,
) -> PurchaseInvoice:
    """Keep the changes to a draft (the replacement of a corrected invoice) without booking."""
    draft, totals = _apply_to_draft(invoice, organization, data, attachment)
    draft.save()
    draft.lines.all().delete()
    draft.vat_totals.all().delete()
    _write_purchase_lines(draft, data.lines, totals)
    return draft


@transaction.atomic
def purchase_draft_register(
    *, invoice: PurchaseInvoice, organization: Organization, data: PurchaseData,
    attachment: UploadedFile | None = None, user,
) -> PurchaseInvoice:
    """Book a draft as it is now on the form, exactly as a new registration is booked."""
    draft, totals = _apply_to_draft(invoice, organization, data, attachment)
    return _book(draft, data.lines, totals, user=user)


def _apply_to_draft(invoice, organization, data: PurchaseData, attachment):
    """The locked draft with the form's checked data and attachment on it, and its totals."""
    draft = _locked_draft(invoice)
    _check_purchase(organization, data, draft)
    totals = purchase_totals(data.lines, data.printed_vat)
    _check_totals(totals, ("net", "vat", "gross"))
    _fill_purchase(draft, data, totals)
    _attach(draft, attachment)
    return draft, totals


@transaction.atomic
def purchase_draft_delete(*, invoice: PurchaseInvoice) -> None:
    _locked_draft(invoice).delete()


# --------------------------------------------------------------------------- corrections


def _free_number(organization: Organization, supplier: Supplier, base: str, tails) -> str:
    """``base`` + the first of ``tails`` that makes a number this supplier has not used (in
    any case), within the 50 characters of the field: the base is cut, the tail kept."""
    taken = {number.upper() for number in PurchaseInvoice.objects.filter(
        organization=organization, supplier=supplier,
        supplier_invoice_number__istartswith=base[:10],
    ).values_list("supplier_invoice_number", flat=True)}
    for tail in itertools.islice(tails, len(taken) + 1):
        candidate = base[:MAX_PURCHASE_NUMBER - len(tail)] + tail
        if candidate.upper() not in taken:
            return candidate
    raise AssertionError("unreachable: one of len(taken) + 1 distinct candidates is free")


def _reversal_tails():
    """-CORR, -CORR2, -CORR3, ..."""
    yield "-CORR"
    yield from (f"-CORR{n}" for n in itertools.count(2))


def _replacement_tails():
    """-2, -3, ...: the original number is the first."""
    yield from (f"-{n}" for n in itertools.count(2))


def _first_registration(invoice: PurchaseInvoice) -> PurchaseInvoice:
    """The invoice a chain of corrections started from (its number is the one to vary)."""
    while invoice.replaces_id is not None:
        invoice = invoice.replaces
    return invoice


def _copy_lines(original: PurchaseInvoice, sign: int) -> list[PurchaseLineData]:
    return [PurchaseLineData(vat_rate=line.vat_rate, net_amount=line.net_amount * sign,
                             description=line.description, ledger_account=line.ledger_account,
                             cost_centre=line.cost_centre)
            for line in original.lines.all()]


def _copy_totals(original: PurchaseInvoice, sign: int) -> list[RateTotal]:
    """The stored per-rate totals (the VAT as booked, printed or computed), times ``sign``."""
    return [RateTotal(t.vat_rate, t.percentage, t.net_amount * sign, t.vat_amount * sign,
                      t.gross_amount * sign, t.net_amount * sign, t.vat_amount * sign,
                      t.gross_amount * sign)
            for t in original.vat_totals.all()]


def _reversal(original: PurchaseInvoice, user) -> PurchaseInvoice:
    """The negated copy of ``original``, booked today under a number of its own (e-Boekhouden
    refuses the same supplier and number twice, CMUT018)."""
    today = timezone.localdate()
    reversal = PurchaseInvoice(
        organization_id=original.organization_id, supplier=original.supplier,
        supplier_invoice_number=_free_number(
            original.organization, original.supplier, original.supplier_invoice_number,
            _reversal_tails()),
        invoice_date=today, due_date=today, status=PurchaseStatus.REVERSAL,
        reversal_of=original,
        description=(_("Correction of %(number)s") % {
            "number": original.supplier_invoice_number})[:200],
    )
    totals = _copy_totals(original, -1)
    _fill_totals(reversal, totals)
    return _book(reversal, _copy_lines(original, -1), totals, user=user)


def _replacement(original: PurchaseInvoice) -> PurchaseInvoice:
    """A draft copy of ``original`` under a new number (the old one is taken in
    e-Boekhouden), for the user to fix and register."""
    first = _first_registration(original)
    draft = PurchaseInvoice(
        organization_id=original.organization_id, supplier=original.supplier,
        supplier_invoice_number=_free_number(
            original.organization, original.supplier, first.supplier_invoice_number,
            _replacement_tails()),
        invoice_date=original.invoice_date, due_date=original.due_date,
        description=original.description, status=PurchaseStatus.DRAFT, replaces=original,
        attachment=original.attachment.name, attachment_type=original.attachment_type,
        attachment_name=original.attachment_name,
    )
    totals = _copy_totals(original, 1)
    _fill_totals(draft, totals)
    draft.save()
    _write_purchase_lines(draft, _copy_lines(original, 1), totals)
    return draft


def _fill_totals(invoice: PurchaseInvoice, totals: list[RateTotal]) -> None:
    invoice.net_total = sum((t.net for t in totals), ZERO)
    invoice.vat_total = sum((t.vat for t in totals), ZERO)
    invoice.gross_total = sum((t.gross for t in totals), ZERO)


def purchase_correction_numbers(*, invoice: PurchaseInvoice) -> dict[str, str]:
    """The numbers a correction would use now (for the confirmation page; nothing is kept)."""
    first = _first_registration(invoice)
    return {
        "reversal": _free_number(invoice.organization, invoice.supplier,
                                 invoice.supplier_invoice_number, _reversal_tails()),
        "replacement": _free_number(invoice.organization, invoice.supplier,
                                    first.supplier_invoice_number, _replacement_tails()),
    }


@transaction.atomic
def purchase_invoice_correct(
    *, invoice: PurchaseInvoice, user
) -> tuple[PurchaseInvoice, PurchaseInvoice]:
    """Correct a registered purchase invoice without touching it: book its reversal, mark it
    corrected and open a draft copy to fix and register. Returns (reversal, draft)."""
    original = (PurchaseInvoice.objects.select_for_update(of=("self",))
                .select_related("supplier", "organization").get(pk=invoice.pk))
    if not original.can_be_corrected:
        raise InvoicingError(_("Only a registered purchase invoice can be corrected, and only "
                               "once; a correction itself cannot be corrected."))
    reversal = _reversal(original, user)
    original.status = PurchaseStatus.CORRECTED
    original.save(update_fields=["status"])
    return reversal, _replacement(original)

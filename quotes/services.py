"""Workflows of quotes: typed, keyword-only, one transaction each. Lines are priced by
invoicing's own code (``invoicing.services.price_lines``), numbers come from invoicing's
locked counters, and a converted quote becomes a draft through ``invoice_save_draft``."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.sending import sending_refusal
from accounts.validators import validate_invoice_number_format
from invoicing import numbering
from invoicing.models import NumberCounter, SalesInvoice
from invoicing.money import format_money
from invoicing.services import (
    InvoicingError,
    LineData,
    invoice_save_draft,
    price_lines,
)
from invoicing.snapshots import seller_snapshot
from quotes.expiry import quote_expire_due  # noqa: F401 - a workflow of quotes too
from quotes.links import quote_for_token, quote_new_link  # noqa: F401 - part of the API
from quotes.models import Quote, QuoteEmail, QuoteLine, QuoteStatus, QuoteVatTotal
from quotes.pdf import render_quote_pdf
from quotes.tasks import send_quote_email

SERIES = "quote"


class QuoteError(InvoicingError):
    """A quote workflow refused; ``messages`` are for the user (already translated)."""


# --------------------------------------------------------------------------- drafts


def _write_lines(quote: Quote, lines: list[LineData]) -> None:
    quote.lines.all().delete()
    quote.vat_totals.all().delete()
    priced = price_lines(lines)
    QuoteLine.objects.bulk_create([
        QuoteLine(quote=quote, position=position, product_id=data.product_id,
                  description=data.description, quantity=data.quantity, unit=data.unit,
                  unit_price=data.unit_price, discount_percent=data.discount_percent,
                  vat_rate=data.vat_rate, net_amount=amounts.net, vat_amount=amounts.vat,
                  gross_amount=amounts.gross)
        for position, (data, amounts) in enumerate(priced.lines, start=1)
    ])
    QuoteVatTotal.objects.bulk_create([
        QuoteVatTotal(quote=quote, vat_rate=t.rate, percentage=t.percentage, net_amount=t.net,
                      vat_amount=t.vat, gross_amount=t.gross)
        for t in priced.totals
    ])
    sums = priced.sums()
    quote.net_total, quote.vat_total, quote.gross_total = sums["net"], sums["vat"], sums["gross"]
    quote.save()


def _check_header(quote: Quote, organization: Organization) -> None:
    if quote.customer.organization_id != organization.pk:
        raise QuoteError(_("Choose one of your own customers."))
    if quote.valid_until < quote.issue_date:
        raise QuoteError(_("The quote cannot be valid until a date before the quote date."))


@transaction.atomic
def quote_save_draft(*, quote: Quote, organization: Organization,
                     lines: list[LineData]) -> Quote:
    """Create or update a draft quote: header fields as set on ``quote``, lines replaced."""
    if not quote.is_draft:
        raise QuoteError(_("A sent quote cannot be changed; make a new quote."))
    if quote.pk is None:
        quote.organization = organization
    _check_header(quote, organization)
    quote.save()
    _write_lines(quote, lines)
    if quote.gross_total < 0:
        raise QuoteError(_("The total of a quote cannot be negative."))
    return quote


@transaction.atomic
def quote_delete_draft(*, quote: Quote) -> None:
    if not quote.is_draft:
        raise QuoteError(_("A sent quote cannot be deleted."))
    quote.delete()


# --------------------------------------------------------------------------- numbering


def quote_series_year(*, organization: Organization, issue_date: datetime.date) -> int:
    """The series restarts every year when its format shows the year (else never: a number
    without the year would repeat)."""
    return issue_date.year if "{year" in organization.quote_number_format else 0


def next_quote_number(*, organization: Organization,
                      issue_date: datetime.date) -> tuple[str, int, int]:
    """(number, series year, sequence): inside the sending transaction, so gap-free."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("quote numbers are assigned only inside the send transaction")
    year = quote_series_year(organization=organization, issue_date=issue_date)
    counter = numbering._locked_counter(organization=organization, series=SERIES, year=year)
    sequence = counter.next_value
    counter.next_value = sequence + 1
    counter.save(update_fields=["next_value"])
    number = organization.quote_number_format.format(year=issue_date.year, seq=sequence)
    return number, year, sequence


def peek_next_quote_number(*, organization: Organization, today: datetime.date) -> str:
    year = quote_series_year(organization=organization, issue_date=today)
    counter = organization_counter(organization, year)
    sequence = counter.next_value if counter else 1
    return organization.quote_number_format.format(year=today.year, seq=sequence)


def organization_counter(organization: Organization, year: int):
    return NumberCounter.objects.filter(
        organization=organization, series=SERIES, year=year).first()


@transaction.atomic
def set_quote_numbering(*, organization: Organization, number_format: str, next_value: int,
                        today: datetime.date) -> None:
    """The format and the next sequence of this year's series; never below a number in use
    (ValueError, nothing changed)."""
    validate_invoice_number_format(number_format)
    organization.quote_number_format = number_format
    organization.save(update_fields=["quote_number_format"])
    year = quote_series_year(organization=organization, issue_date=today)
    used = (Quote.objects.filter(organization=organization, number_year=year)
            .exclude(number="").order_by("-number_sequence")
            .values_list("number_sequence", flat=True).first()) or 0
    if next_value <= used:
        raise ValueError("below a number already in use")
    counter = numbering._locked_counter(organization=organization, series=SERIES, year=year)
    counter.next_value = next_value
    counter.save(update_fields=["next_value"])


# --------------------------------------------------------------------------- sending


def _locked(quote: Quote) -> Quote:
    return (Quote.objects.select_for_update(of=("self",))
            .select_related("organization", "customer").get(pk=quote.pk))


def _freeze(quote: Quote) -> None:
    if quote.valid_until < timezone.localdate():
        raise QuoteError(_("The validity date has passed; choose a later date first."))
    if not quote.lines.exists():
        raise QuoteError(_("Add at least one line."))
    number, year, sequence = next_quote_number(organization=quote.organization,
                                               issue_date=quote.issue_date)
    quote.number, quote.number_year, quote.number_sequence = number, year, sequence
    quote.seller = seller_snapshot(quote.organization)
    quote.buyer = quote.customer.snapshot()
    quote.status, quote.sent_at = QuoteStatus.SENT, timezone.now()
    content = render_quote_pdf(quote)
    digest = hashlib.sha256(content).hexdigest()[:12]
    name = f"{quote.organization_id}-{quote.number}-{digest}.pdf".replace("/", "-")
    quote.pdf.save(name, ContentFile(content), save=False)
    quote.save()


@transaction.atomic
def quote_finalize(*, quote: Quote) -> Quote:
    """Number and freeze a draft as sent without emailing it (the demo; a quote handed over
    in person). Its link is made with ``quote_new_link``."""
    quote = _locked(quote)
    if not quote.is_draft:
        raise QuoteError(_("This quote has already been sent."))
    _freeze(quote)
    return quote


@transaction.atomic
def quote_send(*, quote: Quote, to: str, message: str, user) -> Quote:
    """Number and freeze a draft (or take a sent quote again) and email it with a new public
    link; the link sent before stops working."""
    refusal = sending_refusal(organization=quote.organization, user=user)
    if refusal:
        raise QuoteError(refusal)
    quote = _locked(quote)
    if quote.is_draft:
        _freeze(quote)
    elif quote.status != QuoteStatus.SENT:
        raise QuoteError(_("Only a draft or a sent quote can be sent."))
    elif not quote.link_is_valid():
        raise QuoteError(_("The validity date has passed; this quote can no longer be sent."))
    quote.token_hash = ""
    quote.save(update_fields=["token_hash", "updated_at"])
    _queue_email(quote, to, message, user)
    return quote


def default_email_message(quote: Quote) -> str:
    with translation.override(quote.language):
        name = quote.customer.contact_person or quote.customer.name
        return _("Dear %(name)s,\n\nPlease find our quote attached. You can accept it online "
                 "through the link below.\n\nKind regards,\n%(seller)s") % {
            "name": name, "seller": quote.organization.name}


def _subject_and_body(quote: Quote, message: str) -> tuple[str, str]:
    with translation.override(quote.language):
        subject = _("Quote %(number)s from %(seller)s") % {
            "number": quote.number, "seller": quote.seller["name"]}
        summary = _("Quote %(number)s, amount %(amount)s, valid until %(date)s.") % {
            "number": quote.number, "amount": format_money(quote.gross_total, quote.currency),
            "date": date_format(quote.valid_until, "SHORT_DATE_FORMAT")}
    return subject[:200], f"{message.strip()}\n\n{summary}".strip()


def _queue_email(quote: Quote, to: str, message: str, user) -> QuoteEmail:
    subject, body = _subject_and_body(quote, message or default_email_message(quote))
    log = QuoteEmail.objects.create(organization_id=quote.organization_id, quote=quote, to=to,
                                    subject=subject, body=body, created_by=user)
    send_quote_email.delay_on_commit(log.pk)
    return log


# --------------------------------------------------------------------------- the public link


@transaction.atomic
def quote_revoke_link(*, quote: Quote) -> Quote:
    quote = _locked(quote)
    if not quote.token_hash:
        raise QuoteError(_("This quote has no link to revoke."))
    quote.token_hash = ""
    quote.save(update_fields=["token_hash", "updated_at"])
    return quote


# --------------------------------------------------------------------------- answers


@transaction.atomic
def quote_respond(*, quote: Quote, accept: bool, name: str = "", remark: str = "",
                  user=None) -> Quote:
    """Accept or decline. Through the link (no ``user``) only while the link is valid; in the
    app also when the quote expired (the customer said yes on the phone)."""
    quote = _locked(quote)
    allowed = quote.link_is_valid() if user is None else quote.status in (
        QuoteStatus.SENT, QuoteStatus.EXPIRED)
    if not allowed:
        raise QuoteError(_("This quote can no longer be accepted or declined."))
    quote.status = QuoteStatus.ACCEPTED if accept else QuoteStatus.DECLINED
    quote.responded_at, quote.responded_by = timezone.now(), user
    quote.response_name, quote.response_remark = name.strip()[:150], remark.strip()[:2000]
    quote.save(update_fields=["status", "responded_at", "responded_by", "response_name",
                              "response_remark", "updated_at"])
    return quote


# --------------------------------------------------------------------------- convert


def _invoice_lines(quote: Quote) -> list[LineData]:
    return [LineData(description=line.description, quantity=line.quantity,
                     unit_price=line.unit_price, vat_rate=line.vat_rate, unit=line.unit,
                     discount_percent=line.discount_percent, product_id=line.product_id,
                     ledger_account=line.product.ledger_account if line.product else "")
            for line in quote.lines.select_related("product")]


def _payment_term(quote: Quote) -> int:
    term = quote.customer.payment_term_days
    return term if term is not None else quote.organization.payment_term_days


@transaction.atomic
def quote_convert(*, quote: Quote, user) -> SalesInvoice:
    """A draft invoice with the quote's lines, referring to the quote; once per quote."""
    quote = _locked(quote)
    if quote.status == QuoteStatus.CONVERTED or quote.converted_invoice_id:
        raise QuoteError(_("This quote has already been converted to an invoice."))
    if quote.status not in (QuoteStatus.ACCEPTED, QuoteStatus.SENT):
        raise QuoteError(_("Only a sent or accepted quote can be converted to an invoice."))
    invoice = SalesInvoice(customer=quote.customer, issue_date=timezone.localdate(),
                           payment_term_days=_payment_term(quote), language=quote.language,
                           reference=(quote.reference or quote.number)[:100], note=quote.note)
    invoice = invoice_save_draft(invoice=invoice, organization=quote.organization,
                                 lines=_invoice_lines(quote))
    quote.converted_invoice, quote.status = invoice, QuoteStatus.CONVERTED
    quote.save(update_fields=["converted_invoice", "status", "updated_at"])
    return invoice

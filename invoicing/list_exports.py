"""The lists people export (invoices, purchase invoices, customers, suppliers): the columns a
bookkeeper expects, one row per item of the list as filtered, in a bounded number of queries.
The file itself is made by ``invoicing.exports.tabular_response``."""

from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from invoicing.models import InvoiceStatus, SalesInvoice

ZERO = Decimal("0.00")


def invoice_header() -> list[str]:
    return [_("Number"), _("Type"), _("Invoice date"), _("Due date"), _("Customer number"),
            _("Customer"), _("Your reference"), _("Currency"), _("Excl. VAT"), _("VAT"),
            _("Incl. VAT"), _("Paid"), _("Credited"), _("Outstanding"), _("Status"),
            _("Excl. VAT in EUR"), _("VAT in EUR"), _("Incl. VAT in EUR"), _("Exchange rate")]


def _outstanding(invoice: SalesInvoice) -> Decimal | None:
    if invoice.is_draft:
        return None
    if invoice.status != InvoiceStatus.SENT or invoice.is_credit_note:
        return ZERO
    return invoice.gross_total - invoice.amount_paid - invoice.amount_credited


def _invoice_row(invoice: SalesInvoice) -> list:
    buyer = invoice.buyer or {}
    return [invoice.number or _("Draft"), invoice.get_kind_display(), invoice.issue_date,
            invoice.due_date, buyer.get("code") or invoice.customer.code,
            buyer.get("name") or invoice.customer.name, invoice.reference, invoice.currency,
            invoice.net_total, invoice.vat_total, invoice.gross_total, invoice.amount_paid,
            invoice.amount_credited, _outstanding(invoice), invoice.display_status_label(),
            invoice.net_total_eur, invoice.vat_total_eur, invoice.gross_total_eur,
            invoice.exchange_rate]


def _external_row(row) -> list:
    """An invoice made in the accounting package: what it tells us, the rest left empty."""
    return [row.number, _("Invoice"), row.issue_date, row.due_date, "", row.customer_name, "",
            row.currency, row.net_total, None, row.gross_total, None, None, None,
            str(row.badge.label), None, None, None, None]


def invoice_rows(invoices, external: list) -> Iterator[list]:
    """The list's invoices (one query, customers joined) with the external rows, newest
    first as the list shows them."""
    own = [(invoice.issue_date, _invoice_row(invoice))
           for invoice in invoices.select_related("customer").iterator(chunk_size=2000)]
    rows = own + [(row.issue_date, _external_row(row)) for row in external]
    # A stable sort: the list's own order stays within a date.
    return (row for _date, row in sorted(rows, key=lambda pair: pair[0], reverse=True))


def purchase_header() -> list[str]:
    return [_("Supplier number"), _("Supplier"), _("Supplier's invoice number"),
            _("Invoice date"), _("Due date"), _("Description"), _("Excl. VAT"), _("VAT"),
            _("Incl. VAT"), _("Status"), _("Paid on")]


def purchase_rows(invoices) -> Iterator[list]:
    for invoice in invoices.select_related("supplier").iterator(chunk_size=2000):
        yield [invoice.supplier.code, invoice.supplier.name, invoice.supplier_invoice_number,
               invoice.invoice_date, invoice.due_date, invoice.description, invoice.net_total,
               invoice.vat_total, invoice.gross_total, invoice.get_status_display(),
               invoice.paid_at]


def party_header() -> list[str]:
    return [_("Code"), _("Name"), _("Contact person"), _("Email"), _("Phone"), _("Address"),
            _("Postcode"), _("City"), _("Country"), _("KvK number"), _("VAT id"), _("IBAN"),
            _("Payment term (days)"), _("Document language"), _("Archived")]


def party_rows(parties, default_term: int) -> Iterator[list]:
    """Parties with their payment term (the organization's when they have none of their own)."""
    for party in parties.iterator(chunk_size=2000):
        yield [party.code, party.name, party.contact_person, party.email, party.phone,
               party.address, party.postcode, party.city, party.country.code,
               party.kvk_number, party.vat_id, party.iban, party.payment_term_days or default_term,
               party.get_language_display(), _("Yes") if party.archived else _("No")]

"""The checks Dutch invoice law asks for before an invoice may be finalized. One list of
plain messages, so the user sees everything that is missing at once."""

import datetime

from django.utils.translation import gettext as _

from invoicing.models import SalesInvoice
from invoicing.vat import EU_COUNTRIES, sales_rate

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2049, 12, 31)


def _seller_problems(organization) -> list[str]:
    problems = []
    required = [
        (organization.name, _("your business name")),
        (organization.address, _("your business address")),
        (organization.postcode, _("your postcode")),
        (organization.city, _("your city")),
        (organization.kvk_number, _("your KvK number")),
        (organization.vat_id, _("your VAT id")),
    ]
    for value, label in required:
        if not (value or "").strip():
            problems.append(_("Business details: %(field)s is missing.") % {"field": label})
    return problems


def _buyer_problems(customer, rates: set[str]) -> list[str]:
    problems = []
    for value, label in [(customer.name, _("name")), (customer.address, _("address")),
                         (customer.city, _("city"))]:
        if not (value or "").strip():
            problems.append(_("Customer: %(field)s is missing.") % {"field": label})
    infos = [(rate, sales_rate(rate)) for rate in rates]
    if any(info.buyer_vat_id_required for _r, info in infos) and not customer.vat_id.strip():
        problems.append(
            _("Customer: the VAT id is required for reverse charge and intra-Community supplies.")
        )
    locations = {info.buyer_location for _r, info in infos}
    in_eu_abroad = customer.country in EU_COUNTRIES and customer.country != "NL"
    if "eu_abroad" in locations and not in_eu_abroad:
        problems.append(_("Intra-Community supplies need a customer in another EU country."))
    if "non_eu" in locations and customer.country in EU_COUNTRIES:
        problems.append(_("Export outside the EU needs a customer outside the EU."))
    return problems


def _date_problems(invoice: SalesInvoice) -> list[str]:
    problems = []
    for value, label in [(invoice.issue_date, _("invoice date")),
                         (invoice.delivery_date, _("delivery date")),
                         (invoice.due_date, _("due date"))]:
        if value and not EARLIEST <= value <= LATEST:
            problems.append(_("The %(field)s must lie between 2000 and 2049.") % {"field": label})
    if invoice.due_date and invoice.issue_date and invoice.due_date < invoice.issue_date:
        problems.append(_("The due date lies before the invoice date."))
    return problems


def finalize_problems(invoice: SalesInvoice, lines: list, *, send_email: bool) -> list[str]:
    """Everything that keeps this invoice from being finalized (empty list: go ahead)."""
    problems = _seller_problems(invoice.organization)
    problems += _buyer_problems(invoice.customer, {line.vat_rate for line in lines})
    problems += _date_problems(invoice)
    if not lines:
        problems.append(_("The invoice has no lines."))
    if any(not line.description.strip() for line in lines):
        problems.append(_("Every line needs a description of the goods or services."))
    if invoice.exchange_rate <= 0:
        problems.append(_("The exchange rate must be greater than zero."))
    if not invoice.is_credit_note and invoice.gross_total < 0:
        # Discount and advance-payment lines may be negative; the invoice as a whole may not.
        problems.append(_("An invoice cannot be negative; make a credit note to pay back."))
    if send_email and not invoice.customer.email:
        problems.append(_("Customer: an email address is needed to send the invoice."))
    return problems

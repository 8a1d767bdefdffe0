"""What a supplier's e-invoice means for one organization: the purchase invoice it proposes.

The reader gives the document as written; here it is checked to be addressed to this
organization (VAT id, KvK number or name of the buyer) and in euros (purchases are booked in
euros), its supplier is looked up among the organization's suppliers (VAT id, then KvK
number, then IBAN) or proposed as a new one, and its VAT categories become our purchase rates.
A credit note becomes a credit purchase: the same lines and VAT, negative."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import iban as ibans
from stdnum.util import clean

from accounts.identifiers import normalize_vat_id
from accounts.models import Organization
from einvoice.reader import DocumentLine, EInvoice, EInvoiceError, rate_label
from invoicing.forms import PRINTED_VAT_RATES
from invoicing.models import MAX_LINES, PurchaseInvoice, Supplier
from invoicing.vat import EU_COUNTRIES, PurchaseVatRate

MAX_NAME = 200


@dataclass(frozen=True)
class ProposedLine:
    description: str
    net_amount: Decimal  # negative on a credit note
    vat_rate: str  # a PurchaseVatRate, or "" when the user must choose
    source: DocumentLine


@dataclass
class Proposal:
    document: EInvoice
    supplier: Supplier | None
    matched_by: str  # "vat_id", "kvk_number", "iban" or "" (a new supplier is proposed)
    new_supplier: Supplier  # unsaved; created only when the user confirms
    lines: list[ProposedLine]
    printed_vat: dict[str, Decimal]
    due_date: datetime.date
    description: str
    notes: list[str] = field(default_factory=list)

    @property
    def sign(self) -> int:
        return -1 if self.document.is_credit_note else 1


def propose(*, organization: Organization, document: EInvoice) -> Proposal:
    """The purchase invoice ``document`` proposes; EInvoiceError when it is not ours to book."""
    check_currency(document)
    check_buyer(organization, document)
    if len(document.all_lines) > MAX_LINES:
        raise EInvoiceError(_("This invoice has %(count)s lines; a purchase invoice can have at "
                              "most %(max)s.") % {"count": len(document.all_lines),
                                                  "max": MAX_LINES})
    supplier, matched_by = match_supplier(organization, document)
    sign = -1 if document.is_credit_note else 1
    lines = [_proposed_line(line, document, sign) for line in document.all_lines]
    return Proposal(
        document=document, supplier=supplier, matched_by=matched_by,
        new_supplier=new_supplier(organization, document), lines=lines,
        printed_vat=_printed_vat(document, sign),
        due_date=document.due_date or _default_due_date(organization, supplier, document),
        description=_description(document),
        notes=_registered_note(supplier, document) + _notes(lines),
    )


def check_currency(document: EInvoice) -> None:
    if document.currency != "EUR":
        raise EInvoiceError(_("This invoice is in %(currency)s; purchase invoices are booked in "
                              "euros. Register it by hand with the amounts in euros.")
                            % {"currency": document.currency[:3] or "?"})


# --------------------------------------------------------------------------- the buyer


def check_buyer(organization: Organization, document: EInvoice) -> None:
    """The buyer must be this organization: its VAT id, its KvK number or its name."""
    buyer = document.buyer
    if _same_vat_id(buyer.vat_id, buyer.country, organization.vat_id) or (
            buyer.kvk_number and buyer.kvk_number == organization.kvk_number) or any(
            _same_name(name, organization.name) for name in buyer.names):
        return
    raise EInvoiceError(_(
        "This invoice is addressed to %(buyer)s, not to %(organization)s (no VAT id, KvK "
        "number or name of yours in it). Upload it in the organization it was sent to."
    ) % {"buyer": (buyer.name or _("an unnamed buyer"))[:MAX_NAME],
         "organization": organization.name})


def compact_vat_id(value: str, country: str) -> str:
    try:
        return normalize_vat_id(value, country)
    except ValidationError:
        return clean(value or "", " -./,").upper()


def _same_vat_id(value: str, country: str, ours: str) -> bool:
    return bool(value and ours) and compact_vat_id(value, country) == compact_vat_id(ours, "NL")


def _same_name(name: str, ours: str) -> bool:
    return bool(name) and " ".join(name.casefold().split()) == " ".join(ours.casefold().split())


# --------------------------------------------------------------------------- the supplier


def match_supplier(organization: Organization, document: EInvoice) -> tuple[Supplier | None, str]:
    """The organization's supplier with the seller's VAT id, KvK number or IBAN (in that
    order; an active supplier before an archived one)."""
    seller = document.seller
    suppliers = Supplier.objects.for_organization(organization).order_by("archived", "pk")
    for name, value in (("vat_id", compact_vat_id(seller.vat_id, seller.country)),
                        ("kvk_number", seller.kvk_number),
                        ("iban", _compact_iban(seller.iban))):
        found = suppliers.filter(**{name: value}).first() if value else None
        if found is not None:
            return found, name
    return None, ""


def _compact_iban(value: str) -> str:
    return ibans.compact(value) if value and ibans.is_valid(value) else ""


def new_supplier(organization: Organization, document: EInvoice) -> Supplier:
    """The seller as a supplier to create (not saved: the user confirms it first)."""
    seller = document.seller
    return Supplier(
        organization=organization, name=seller.name[:MAX_NAME],
        address=seller.address[:200], postcode=seller.postcode[:20],
        city=seller.city[:100], country=seller.country or "NL",
        vat_id=compact_vat_id(seller.vat_id, seller.country)[:20],
        kvk_number=seller.kvk_number[:8], iban=_compact_iban(seller.iban),
        email=seller.email[:254], phone=seller.phone[:30],
    )


def _default_due_date(organization, supplier, document: EInvoice) -> datetime.date:
    term = (supplier.payment_term_days if supplier else None) or organization.payment_term_days
    return document.issue_date + datetime.timedelta(days=term or 0)


# --------------------------------------------------------------------------- lines and VAT

_DUTCH_RATES = {Decimal(21): PurchaseVatRate.HIGH, Decimal(9): PurchaseVatRate.LOW}


def purchase_rate_for(category: str, percentage: Decimal, seller_country: str) -> str:
    """Our purchase rate for an EN 16931 VAT category (UNCL5305) and rate, seen from the
    buyer; "" when it has none (e.g. a foreign rate such as 25%: the user chooses)."""
    if category == "S":
        return str(_DUTCH_RATES.get(percentage, ""))
    if category in ("Z", "E", "O"):
        return str(PurchaseVatRate.NONE)
    if category == "K" or (category == "AE" and _eu_abroad(seller_country)):
        return str(PurchaseVatRate.EU)
    if category == "AE" and seller_country in ("NL", ""):
        return str(PurchaseVatRate.REVERSE_CHARGE)
    if category in ("AE", "G", "L", "M"):
        return str(PurchaseVatRate.NON_EU)
    return ""


def _eu_abroad(country: str) -> bool:
    return country != "NL" and ("GR" if country == "EL" else country) in EU_COUNTRIES


def _proposed_line(line: DocumentLine, document: EInvoice, sign: int) -> ProposedLine:
    return ProposedLine(
        description=line.description[:200], net_amount=line.net_amount * sign,
        vat_rate=purchase_rate_for(line.category, line.percentage, document.seller.country),
        source=line,
    )


def _printed_vat(document: EInvoice, sign: int) -> dict[str, Decimal]:
    """The VAT per Dutch rate as the supplier printed it (the booking keeps its rounding)."""
    printed: dict[str, Decimal] = {}
    for subtotal in document.vat:
        rate = purchase_rate_for(subtotal.category, subtotal.percentage, document.seller.country)
        if rate in PRINTED_VAT_RATES:
            printed[rate] = printed.get(rate, Decimal(0)) + subtotal.vat * sign
    return printed


def _description(document: EInvoice) -> str:
    if not document.is_credit_note:
        return ""
    if document.invoice_reference:
        return (_("Credit note for invoice %(number)s")
                % {"number": document.invoice_reference})[:200]
    return _("Credit note")


def _registered_note(supplier: Supplier | None, document: EInvoice) -> list[str]:
    """Registering it would be refused (e-Boekhouden takes a number once); say so at once."""
    if supplier is None or not PurchaseInvoice.objects.filter(
            supplier=supplier, supplier_invoice_number__iexact=document.number).exists():
        return []
    return [_("Invoice %(number)s of %(supplier)s has already been registered: it cannot be "
               "registered twice.")
            % {"number": document.number, "supplier": supplier.name}]


def _notes(lines: list[ProposedLine]) -> list[str]:
    return [_("Line %(line)s has VAT %(rate)s, which is no Dutch purchase rate: choose the rate "
              "to book it under.") % {"line": position, "rate": rate_label(
                  line.source.category, line.source.percentage)}
            for position, line in enumerate(lines, start=1) if not line.vat_rate]

"""A finalized sales invoice as a UBL 2.1 Invoice (or CreditNote), Peppol BIS Billing 3.0.

Everything comes from the invoice's frozen snapshot: the seller and buyer as they were at
finalize, the frozen lines and VAT totals, the frozen legal texts and the stored PDF (embedded
as an attachment). Nothing reads the organization or customer as they are now, so the same
invoice always gives the same bytes.

Amounts are the invoice's own, never computed again: the line nets, the VAT per rate (on the
rate's total, as booked) and the totals. A credit note is stored with negative amounts; the
UBL CreditNote states them positive (the supplier owes the buyer), so they are negated."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from einvoice.ubl import CAC, CBC, CREDIT_NOTE_NS, CUSTOMIZATION_ID, INVOICE_NS, PROFILE_ID
from invoicing.models import SalesInvoice
from invoicing.money import ZERO, round_money
from invoicing.vat import VatRate, sales_rate


class UblUnavailable(Exception):
    """This invoice cannot be an e-invoice; ``args[0]`` says why (translated)."""


# Our sales rates as EN 16931 VAT categories (UNCL5305) with their exemption reason codes
# (VATEX); E has no one VATEX code for Dutch article 11, its frozen legal text says why.
CATEGORIES = {
    VatRate.HIGH: ("S", ""),
    VatRate.LOW: ("S", ""),
    VatRate.ZERO: ("Z", ""),
    VatRate.EXEMPT: ("E", ""),
    VatRate.REVERSE_CHARGE: ("AE", "VATEX-EU-AE"),
    VatRate.ICP_GOODS: ("K", "VATEX-EU-IC"),
    VatRate.ICP_SERVICES: ("K", "VATEX-EU-IC"),
    VatRate.EXPORT: ("G", "VATEX-EU-G"),
}

# Peppol electronic address schemes (EAS) of a VAT id, by its prefix; the 99xx schemes take
# the whole VAT id. Belgium, Denmark, Sweden and Norway address by their company number.
VAT_SCHEMES = {
    "AT": "9914", "BG": "9926", "CY": "9928", "CZ": "9929", "DE": "9930", "EE": "9931",
    "EL": "9933", "ES": "9920", "FI": "0213", "FR": "9957", "HR": "9934", "HU": "9910",
    "IE": "9935", "IT": "0211", "LT": "9937", "LU": "9938", "LV": "9939", "MT": "9943",
    "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947", "SI": "9949", "SK": "9950",
    "GB": "9932", "CH": "9927", "LI": "9936", "MC": "9940", "SM": "9951", "TR": "9952",
}
KVK_SCHEME = "0106"

# Units people type on a line, as UN/ECE Recommendation 20 codes; anything else is "one".
UNIT_CODES = {
    "uur": "HUR", "uren": "HUR", "u": "HUR", "hour": "HUR", "hours": "HUR", "hr": "HUR",
    "dag": "DAY", "dagen": "DAY", "day": "DAY", "days": "DAY",
    "week": "WEE", "weken": "WEE", "weeks": "WEE", "maand": "MON", "maanden": "MON",
    "month": "MON", "months": "MON", "jaar": "ANN", "year": "ANN", "years": "ANN",
    "min": "MIN", "minuut": "MIN", "minuten": "MIN", "minute": "MIN", "minutes": "MIN",
    "stuk": "H87", "stuks": "H87", "st": "H87", "piece": "H87", "pieces": "H87", "pcs": "H87",
    "m": "MTR", "meter": "MTR", "m1": "MTR", "m2": "MTK", "m²": "MTK", "m3": "MTQ", "m³": "MTQ",
    "km": "KMT", "kg": "KGM", "kilo": "KGM", "g": "GRM", "gram": "GRM", "ton": "TNE",
    "l": "LTR", "liter": "LTR", "litre": "LTR",
}
DEFAULT_UNIT = "C62"
NAME_LENGTH = 100


def invoice_ubl(invoice: SalesInvoice) -> bytes:
    """The UBL document of a finalized invoice or credit note (UTF-8 XML bytes);
    UblUnavailable when it cannot be one (a draft, or a buyer without any identifier)."""
    problem = ubl_problem(invoice)
    if problem:
        raise UblUnavailable(problem)
    document = _Document(invoice)
    root = document.build()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def ubl_problem(invoice: SalesInvoice) -> str:
    """Why this invoice has no e-invoice (translated), or "" when it has one."""
    if invoice.is_draft or not invoice.pdf:
        return _("Only a finalized invoice has an e-invoice.")
    if party_endpoint(invoice.buyer) is None:
        return _("An e-invoice needs the customer's KvK number or VAT id (its electronic "
                 "address); this invoice was finalized without either.")
    if not invoice.is_credit_note and invoice.gross_total > 0 and not invoice.seller.get("iban"):
        return _("An e-invoice needs your IBAN; this invoice was finalized without it.")
    return ""


def party_endpoint(party: dict) -> tuple[str, str] | None:
    """(scheme, identifier) of a party's Peppol address: its KvK number for a Dutch party,
    else its VAT id under its country's scheme; None when it has neither."""
    if party.get("kvk_number") and party.get("country") == "NL":
        return KVK_SCHEME, party["kvk_number"]
    vat_id = vat_identifier(party)
    prefix = vat_id[:2]
    if prefix == "BE":
        return "0208", vat_id[2:]
    if prefix == "DK":
        return "0184", vat_id
    if prefix == "SE" and len(vat_id) == 14:
        return "0007", vat_id[2:12]
    if prefix == "NO" and vat_id[2:11].isdigit():
        return "0192", vat_id[2:11]
    if prefix in VAT_SCHEMES:
        return VAT_SCHEMES[prefix], vat_id
    if party.get("kvk_number"):
        return KVK_SCHEME, party["kvk_number"]
    return None


def vat_identifier(party: dict) -> str:
    """The VAT id with its country prefix (EN 16931 BR-CO-09); "" when there is none."""
    vat_id = (party.get("vat_id") or "").strip().upper()
    if vat_id and not vat_id[:2].isalpha():
        vat_id = (party.get("country") or "") + vat_id
    return vat_id


def unit_code(unit: str) -> str:
    return UNIT_CODES.get(unit.strip().lower().rstrip("."), DEFAULT_UNIT)


def amount(value: Decimal) -> str:
    return f"{round_money(value):.2f}"


def number(value: Decimal) -> str:
    """A quantity or price without trailing zeros (never in exponent notation)."""
    text = format(value.normalize(), "f")
    return text if text not in ("-0",) else "0"


@dataclass(frozen=True)
class Breakdown:
    """One VAT breakdown (BG-23): a category and rate, its taxable amount and VAT."""

    category: str
    percent: Decimal
    taxable: Decimal
    vat: Decimal
    reason_code: str
    reasons: tuple[str, ...]


def _sub(parent, ns: str, tag: str, text=None, **attributes):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", **attributes)
    if text is not None:
        element.text = str(text)
    return element


def cbc(parent, tag: str, text=None, **attributes):
    return _sub(parent, CBC, tag, text, **attributes)


def cac(parent, tag: str):
    return _sub(parent, CAC, tag)


class _Document:
    """Builds the XML of one invoice; ``sign`` is -1 for a credit note (stated positive)."""

    def __init__(self, invoice: SalesInvoice):
        self.invoice = invoice
        self.credit = invoice.is_credit_note
        self.sign = Decimal(-1) if self.credit else Decimal(1)
        self.currency = invoice.currency
        self.lines = list(invoice.lines.all())
        self.totals = list(invoice.vat_totals.all())

    def money(self, parent, tag: str, value: Decimal, currency: str | None = None):
        return cbc(parent, tag, amount(value * self.sign), currencyID=currency or self.currency)

    def build(self):
        namespace = CREDIT_NOTE_NS if self.credit else INVOICE_NS
        root = etree.Element(f"{{{namespace}}}{'CreditNote' if self.credit else 'Invoice'}",
                             nsmap={None: namespace, "cac": CAC, "cbc": CBC})
        self.header(root)
        self.references(root)
        self.party(cac(root, "AccountingSupplierParty"), self.invoice.seller, seller=True)
        self.party(cac(root, "AccountingCustomerParty"), self.invoice.buyer, seller=False)
        self.delivery(root)
        self.payment(root)
        self.tax_totals(root)
        self.monetary_total(root)
        for position, line in enumerate(self.lines, start=1):
            self.line(root, position, line)
        return root

    # ------------------------------------------------------------------ header

    def header(self, root) -> None:
        invoice = self.invoice
        cbc(root, "CustomizationID", CUSTOMIZATION_ID)
        cbc(root, "ProfileID", PROFILE_ID)
        cbc(root, "ID", invoice.number)
        cbc(root, "IssueDate", invoice.issue_date.isoformat())
        if not self.credit:
            cbc(root, "DueDate", invoice.due_date.isoformat())
        cbc(root, "CreditNoteTypeCode" if self.credit else "InvoiceTypeCode",
            "381" if self.credit else "380")
        note = self.note()
        if note:
            cbc(root, "Note", note)
        cbc(root, "DocumentCurrencyCode", self.currency)
        if invoice.is_foreign_currency:
            cbc(root, "TaxCurrencyCode", "EUR")
        # Peppol asks for a buyer or order reference (R003): the customer's own reference, or
        # else the invoice number, which the buyer finds on the PDF too.
        cbc(root, "BuyerReference", invoice.reference or invoice.number)

    def note(self) -> str:
        """One note (Peppol allows one): the invoice's note and its frozen legal texts."""
        parts = [self.invoice.note.strip(), *self.invoice.legal_texts]
        return "\n".join(part for part in parts if part)

    def references(self, root) -> None:
        original = self.invoice.credited_invoice
        if original is not None:
            document = cac(cac(root, "BillingReference"), "InvoiceDocumentReference")
            cbc(document, "ID", original.number)
            cbc(document, "IssueDate", original.issue_date.isoformat())
        self.attachment(root)

    def attachment(self, root) -> None:
        """The stored PDF (the invoice as the customer reads it), embedded."""
        with self.invoice.pdf.open("rb") as handle:
            content = handle.read()
        reference = cac(root, "AdditionalDocumentReference")
        cbc(reference, "ID", self.invoice.number)
        with translation.override(self.invoice.language):
            kind = _("Credit note") if self.credit else _("Invoice")
            cbc(reference, "DocumentDescription", f"{kind} {self.invoice.number}")
        binary = cac(reference, "Attachment")
        cbc(binary, "EmbeddedDocumentBinaryObject", base64.b64encode(content).decode("ascii"),
            mimeCode="application/pdf", filename=pdf_filename(self.invoice))

    # ------------------------------------------------------------------ parties

    def party(self, parent, data: dict, *, seller: bool) -> None:
        party = cac(parent, "Party")
        endpoint = party_endpoint(data)
        if endpoint:
            cbc(party, "EndpointID", endpoint[1], schemeID=endpoint[0])
        if data.get("code") and not seller:
            cbc(cac(party, "PartyIdentification"), "ID", data["code"])
        cbc(cac(party, "PartyName"), "Name", data.get("name", ""))
        self.address(cac(party, "PostalAddress"), data)
        vat_id = vat_identifier(data)
        if vat_id:
            scheme = cac(party, "PartyTaxScheme")
            cbc(scheme, "CompanyID", vat_id)
            cbc(cac(scheme, "TaxScheme"), "ID", "VAT")
        legal = cac(party, "PartyLegalEntity")
        cbc(legal, "RegistrationName", data.get("name", ""))
        if data.get("kvk_number"):
            cbc(legal, "CompanyID", data["kvk_number"], schemeID=KVK_SCHEME)
        self.contact(party, data)

    def address(self, element, data: dict) -> None:
        for tag, key in (("StreetName", "address"), ("CityName", "city"),
                         ("PostalZone", "postcode")):
            if data.get(key):
                cbc(element, tag, data[key])
        cbc(cac(element, "Country"), "IdentificationCode", data.get("country") or "NL")

    def contact(self, party, data: dict) -> None:
        facts = [("Name", data.get("contact_person")), ("Telephone", data.get("phone")),
                 ("ElectronicMail", data.get("email"))]
        if any(value for _tag, value in facts):
            contact = cac(party, "Contact")
            for tag, value in facts:
                if value:
                    cbc(contact, tag, value)

    def delivery(self, root) -> None:
        """The date of supply where there is one; an intra-Community supply also states the
        date and the country it went to (EN 16931 BR-IC-11, BR-IC-12)."""
        intra_community = any(CATEGORIES[t.vat_rate][0] == "K" for t in self.totals)
        date = self.invoice.delivery_date or (self.invoice.issue_date if intra_community
                                              else None)
        if date is None:
            return
        delivery = cac(root, "Delivery")
        cbc(delivery, "ActualDeliveryDate", date.isoformat())
        if intra_community:
            location = cac(delivery, "DeliveryLocation")
            self.address(cac(location, "Address"), self.invoice.buyer)

    # ------------------------------------------------------------------ payment

    def payment(self, root) -> None:
        """Credit transfer to the seller's IBAN with the payment reference (SEPA for euros);
        a credit note asks for no payment."""
        iban = self.invoice.seller.get("iban")
        if self.credit or not iban:
            return
        means = cac(root, "PaymentMeans")
        sepa = self.currency == "EUR"
        cbc(means, "PaymentMeansCode", "58" if sepa else "30",
            name="SEPA credit transfer" if sepa else "Credit transfer")
        cbc(means, "PaymentID", self.invoice.payment_reference or self.invoice.number)
        account = cac(means, "PayeeFinancialAccount")
        cbc(account, "ID", iban)
        cbc(account, "Name", self.invoice.seller.get("name", ""))
        if self.invoice.seller.get("bic"):
            cbc(cac(account, "FinancialInstitutionBranch"), "ID", self.invoice.seller["bic"])
        with translation.override(self.invoice.language):
            terms = _("Payment within %(days)s days.") % {"days": self.invoice.payment_term_days}
        cbc(cac(root, "PaymentTerms"), "Note", terms)

    # ------------------------------------------------------------------ VAT and totals

    def breakdowns(self) -> list[Breakdown]:
        """The frozen VAT totals per EN 16931 category and rate (ICP goods and services are
        both K at 0 %: one breakdown), in their frozen order."""
        reasons = self.reason_texts()
        merged: dict[tuple[str, Decimal], Breakdown] = {}
        for total in self.totals:
            category, code = CATEGORIES[total.vat_rate]
            key = (category, total.percentage)
            text = (reasons.get(total.vat_rate, ""),) if category not in ("S", "Z") else ()
            known = merged.get(key)
            merged[key] = Breakdown(
                category, total.percentage,
                total.net_amount + (known.taxable if known else ZERO),
                total.vat_amount + (known.vat if known else ZERO), code,
                tuple(dict.fromkeys((known.reasons if known else ()) + text)))
        return list(merged.values())

    def reason_texts(self) -> dict[str, str]:
        """Each exempt rate's legal text as frozen on the invoice (they were frozen in the
        order of the VAT totals, after the credit note's line); rendered again in the
        invoice's language only for an invoice frozen otherwise."""
        rates = [t.vat_rate for t in self.totals if sales_rate(t.vat_rate).legal_text]
        frozen = list(self.invoice.legal_texts)
        if rates and len(frozen) >= len(rates):
            return dict(zip(rates, frozen[len(frozen) - len(rates):], strict=True))
        with translation.override(self.invoice.language):
            return {rate: str(sales_rate(rate).legal_text) for rate in rates}

    def tax_totals(self, root) -> None:
        total = cac(root, "TaxTotal")
        self.money(total, "TaxAmount", self.invoice.vat_total)
        for breakdown in self.breakdowns():
            subtotal = cac(total, "TaxSubtotal")
            self.money(subtotal, "TaxableAmount", breakdown.taxable)
            self.money(subtotal, "TaxAmount", breakdown.vat)
            category = cac(subtotal, "TaxCategory")
            self.category(category, breakdown.category, breakdown.percent)
            if breakdown.reason_code:
                cbc(category, "TaxExemptionReasonCode", breakdown.reason_code)
            if breakdown.reasons:
                cbc(category, "TaxExemptionReason", " ".join(breakdown.reasons))
            cbc(cac(category, "TaxScheme"), "ID", "VAT")
        if self.invoice.is_foreign_currency:
            # BT-111: the VAT in euros, as booked (VAT on each rate's euro total).
            self.money(cac(root, "TaxTotal"), "TaxAmount", self.invoice.vat_total_eur, "EUR")

    @staticmethod
    def category(element, code: str, percent: Decimal) -> None:
        cbc(element, "ID", code)
        cbc(element, "Percent", number(percent))

    def monetary_total(self, root) -> None:
        invoice = self.invoice
        total = cac(root, "LegalMonetaryTotal")
        self.money(total, "LineExtensionAmount", invoice.net_total)
        self.money(total, "TaxExclusiveAmount", invoice.net_total)
        self.money(total, "TaxInclusiveAmount", invoice.gross_total)
        self.money(total, "PayableAmount", invoice.gross_total)

    # ------------------------------------------------------------------ lines

    def line(self, root, position: int, line) -> None:
        element = cac(root, "CreditNoteLine" if self.credit else "InvoiceLine")
        cbc(element, "ID", position)
        quantity, price = self.quantity_and_price(line)
        cbc(element, "CreditedQuantity" if self.credit else "InvoicedQuantity",
            number(quantity), unitCode=unit_code(line.unit))
        self.money(element, "LineExtensionAmount", line.net_amount)
        if line.discount_percent:
            self.discount(element, line, quantity * price)
        item = cac(element, "Item")
        name, description = item_texts(line.description)
        if description:
            cbc(item, "Description", description)
        cbc(item, "Name", name)
        category = cac(item, "ClassifiedTaxCategory")
        self.category(category, CATEGORIES[line.vat_rate][0], sales_rate(line.vat_rate).percentage)
        cbc(cac(category, "TaxScheme"), "ID", "VAT")
        price_element = cac(element, "Price")
        cbc(price_element, "PriceAmount", number(price), currencyID=self.currency)

    def quantity_and_price(self, line) -> tuple[Decimal, Decimal]:
        """As stated: the quantity signed so that the price is never negative (EN 16931
        BR-27); a credit note's quantities negated."""
        quantity, price = line.quantity * self.sign, line.unit_price
        if price < 0:
            quantity, price = -quantity, -price
        return quantity, price

    def discount(self, element, line, gross: Decimal) -> None:
        """The line's discount as an allowance: the undiscounted amount less the line's net
        (both in cents, so the line adds up exactly as invoiced)."""
        base = round_money(gross)
        allowance = cac(element, "AllowanceCharge")
        cbc(allowance, "ChargeIndicator", "false")
        cbc(allowance, "AllowanceChargeReasonCode", "95")
        with translation.override(self.invoice.language):
            cbc(allowance, "AllowanceChargeReason", _("Discount"))
        cbc(allowance, "MultiplierFactorNumeric", number(line.discount_percent))
        cbc(allowance, "Amount", amount(base - line.net_amount * self.sign),
            currencyID=self.currency)
        cbc(allowance, "BaseAmount", amount(base), currencyID=self.currency)


def item_texts(description: str) -> tuple[str, str]:
    """The item's name (its first line, shortened) and, when that is not all of it, the
    whole description."""
    text = description.strip()
    first = re.split(r"\r?\n", text, maxsplit=1)[0].strip()
    name = first if len(first) <= NAME_LENGTH else first[:NAME_LENGTH - 1].rstrip() + "…"
    return name, "" if name == text else text


def pdf_filename(invoice: SalesInvoice) -> str:
    return f"{invoice.number.replace('/', '-')}.pdf"


def ubl_filename(invoice: SalesInvoice) -> str:
    return f"{invoice.number.replace('/', '-')}.xml"

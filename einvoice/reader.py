"""Read a supplier's UBL 2.1 Invoice or CreditNote (or a PDF that embeds one) into plain values.

The file is untrusted: it is read with a size cap counted while it is read, parsed by lxml with
no DTD, no entity expansion, no network and no huge trees (a document that declares a DTD is
refused before it is parsed), and a PDF is searched only for its embedded files (the EN 16931
way of attaching the XML, as Factur-X does). What comes out is the document as its supplier
wrote it, with every total checked against its parts to the cent; what it means for one
organization (its supplier, our VAT rates, the buyer) is ``einvoice.proposals``'s business."""

from __future__ import annotations

import datetime
import io
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from pypdf import PdfReader

from einvoice.ubl import CREDIT_NOTE_NS, INVOICE_NS, NAMESPACES
from invoicing.money import ZERO, round_money
from invoicing.templatetags.invoicing_tags import money

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
MAX_EMBEDDED_FILES = 20
# UNTDID 1001 codes of credit notes: in an Invoice document the amounts would read as owed.
CREDIT_NOTE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420",
                               "458", "532"})
PIECE_UNITS = frozenset({"C62", "H87", "EA", "XPP"})
# A line's amount may differ this much from quantity x price (Peppol rule PEPPOL-EN16931-R120).
LINE_TOLERANCE = Decimal("0.02")
# A rate's VAT may differ a cent from the rate applied to its taxable amount, as the booking
# itself allows a supplier's own rounding (invoicing.services.PRINTED_VAT_TOLERANCE).
VAT_TOLERANCE = Decimal("0.01")
MAX_NUMBER_LENGTH = 40
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
    dtd_validation=False, remove_comments=True, remove_pis=True,
)


class EInvoiceError(Exception):
    """The file is no e-invoice we can read, or its amounts do not add up; ``messages`` are
    for the user (already translated)."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class PartyInfo:
    name: str
    registration_name: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    vat_id: str = ""
    kvk_number: str = ""
    iban: str = ""
    email: str = ""
    phone: str = ""

    @property
    def names(self) -> list[str]:
        return [name for name in (self.name, self.registration_name) if name]


@dataclass(frozen=True)
class DocumentLine:
    """An invoice line, or a document-level allowance (negative) or charge as a line."""

    description: str
    net_amount: Decimal
    category: str
    percentage: Decimal
    quantity: Decimal | None = None
    unit: str = ""  # UN/ECE Recommendation 20 code
    unit_price: Decimal | None = None

    @property
    def shown_unit(self) -> str:
        """The unit worth showing: not the codes that only say "one" or "piece"."""
        return "" if self.unit.upper() in PIECE_UNITS else self.unit


@dataclass(frozen=True)
class VatSubtotal:
    category: str
    percentage: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class EInvoice:
    """A UBL Invoice or CreditNote as written (a credit note's amounts are positive)."""

    is_credit_note: bool
    number: str
    issue_date: datetime.date
    due_date: datetime.date | None
    currency: str
    seller: PartyInfo
    buyer: PartyInfo
    lines: list[DocumentLine]
    allowances: list[DocumentLine]  # document-level allowances (negative) and charges
    vat: list[VatSubtotal]
    net_total: Decimal  # TaxExclusiveAmount
    vat_total: Decimal
    gross_total: Decimal  # TaxInclusiveAmount
    prepaid: Decimal
    payable: Decimal
    invoice_reference: str = ""  # the invoice a credit note corrects

    @property
    def all_lines(self) -> list[DocumentLine]:
        return self.lines + self.allowances


# --------------------------------------------------------------------------- the file


def too_large_message() -> str:
    return _("The file may be at most %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}


def read_upload(upload) -> bytes:
    """The upload's bytes, counted while read: past the cap reading stops and it is refused
    (an upload the handler already cut off arrives with its real size and no content)."""
    limit = settings.UPLOAD_MAX_BYTES
    if (upload.size or 0) > limit:
        raise EInvoiceError(too_large_message())
    chunks, received = [], 0
    upload.seek(0)
    for chunk in upload.chunks():
        received += len(chunk)
        if received > limit:
            raise EInvoiceError(too_large_message())
        chunks.append(chunk)
    upload.seek(0)
    return b"".join(chunks)


def is_pdf(content: bytes) -> bool:
    # The stored attachment is judged by the same header (invoicing.uploads).
    return content.startswith(b"%PDF-")


def read_einvoice(content: bytes) -> EInvoice:
    """The e-invoice in a UBL file, or embedded in a PDF."""
    if not content.strip():
        raise EInvoiceError(_("The file is empty."))
    return read_ubl(xml_from_pdf(content) if is_pdf(content) else content)


def xml_from_pdf(content: bytes) -> bytes:
    """The UBL document among the PDF's embedded files (XML names first), unpacked one at a
    time and only until it is found."""
    found_cii = False
    for embedded in _embedded_files(content):
        data = _unpacked(embedded)
        root = _try_parse(data)
        if root is not None and etree.QName(root).namespace in (INVOICE_NS, CREDIT_NOTE_NS):
            return data
        found_cii = found_cii or (root is not None and etree.QName(root).namespace == CII_NS)
    if found_cii:
        raise EInvoiceError(_cii_message())
    raise EInvoiceError(_("This PDF has no UBL e-invoice attached. Upload the supplier's UBL "
                          "(XML) file itself, or a PDF with the UBL file embedded."))


def _damaged() -> EInvoiceError:
    return EInvoiceError(_("This PDF cannot be read; it may be damaged."))


def _embedded_files(content: bytes) -> list:
    try:
        reader = PdfReader(io.BytesIO(content))
        files = list(itertools.islice(reader.attachment_list, MAX_EMBEDDED_FILES))
        return sorted(files, key=lambda f: not str(f.name or "").lower().endswith(".xml"))
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a damaged file
        raise _damaged() from exc


def _unpacked(embedded) -> bytes:
    """An embedded file's bytes (pypdf bounds what one compressed stream may unpack to)."""
    try:
        data = embedded.content
    except Exception as exc:  # noqa: BLE001 - as above
        raise _damaged() from exc
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise EInvoiceError(too_large_message())
    return data


def _try_parse(data: bytes):
    try:
        return _parse(data)
    except EInvoiceError:
        return None


def _parse(xml: bytes):
    if _DTD.search(_as_ascii_bytes(xml)):
        raise EInvoiceError(_("The XML file declares a DTD or entities, which e-invoices never "
                              "need; it is refused for safety."))
    try:
        root = etree.fromstring(xml, _PARSER)  # noqa: S320 - the hardened parser above
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise EInvoiceError(_("The file is not an XML file (nor a PDF with one embedded); "
                              "upload the supplier's UBL e-invoice.")) from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise EInvoiceError(_("The XML file declares a DTD or entities, which e-invoices never "
                              "need; it is refused for safety."))
    return root


def _as_ascii_bytes(xml: bytes) -> bytes:
    """The text to look for a DTD in, whatever the encoding: UTF-16 and UTF-32 (with or
    without a byte order mark) write "<!DOCTYPE" as its ASCII bytes with NULs between."""
    return xml.replace(b"\x00", b"")


def _cii_message() -> str:
    return _("This is a Factur-X / ZUGFeRD invoice (UN/CEFACT CII), not UBL. Ask the supplier "
             "for a UBL e-invoice, or register this invoice by hand.")


# --------------------------------------------------------------------------- the document


def read_ubl(xml: bytes) -> EInvoice:
    root = _parse(xml)
    namespace = etree.QName(root).namespace
    if namespace == CII_NS:
        raise EInvoiceError(_cii_message())
    if etree.QName(root).localname not in ("Invoice", "CreditNote") or \
            namespace not in (INVOICE_NS, CREDIT_NOTE_NS):
        raise EInvoiceError(_("This XML file is not a UBL invoice: its root element is "
                              "%(element)s, not a UBL 2.1 Invoice or CreditNote.")
                            % {"element": etree.QName(root).localname[:50]})
    if namespace == INVOICE_NS and _text(root, "cbc:InvoiceTypeCode") in CREDIT_NOTE_CODES:
        raise EInvoiceError(_("This document is a UBL Invoice typed as a credit note (code "
                              "%(code)s); a credit note must be a UBL CreditNote. Ask the "
                              "supplier for a proper credit note.")
                            % {"code": _text(root, "cbc:InvoiceTypeCode")})
    document = _document(root, is_credit_note=namespace == CREDIT_NOTE_NS)
    check_totals(document, _stated(root, document.is_credit_note))
    return document


def _document(root, *, is_credit_note: bool) -> EInvoice:
    currency = _text(root, "cbc:DocumentCurrencyCode").upper()
    stated_vat = _document_vat(root, currency)
    return EInvoice(
        is_credit_note=is_credit_note,
        number=_required_text(root, "cbc:ID", _("the invoice number")),
        issue_date=_date(root, "cbc:IssueDate", _("the invoice date"), required=True),
        due_date=_due_date(root),
        currency=currency,
        seller=_party(root, "cac:AccountingSupplierParty/cac:Party", with_iban=True),
        buyer=_party(root, "cac:AccountingCustomerParty/cac:Party"),
        lines=_lines(root, is_credit_note),
        allowances=_document_allowances(root),
        vat=_subtotals(stated_vat),
        net_total=_total(root, "TaxExclusiveAmount", required=True),
        vat_total=_amount_of(stated_vat, "cbc:TaxAmount", _("the VAT total")),
        gross_total=_total(root, "TaxInclusiveAmount", required=True),
        prepaid=_total(root, "PrepaidAmount"),
        payable=_total(root, "PayableAmount", required=True),
        invoice_reference=_text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
    )


def _first(node, path: str):
    found = node.xpath(path, namespaces=NAMESPACES)
    return found[0] if found else None


def _text(node, path: str) -> str:
    element = _first(node, path)
    return " ".join((element.text or "").split()) if element is not None else ""


def _required_text(node, path: str, label: str) -> str:
    value = _text(node, path)
    if not value:
        raise EInvoiceError(_("The e-invoice lacks %(what)s.") % {"what": label})
    return value


def _date(node, path: str, label: str, *, required: bool = False) -> datetime.date | None:
    value = _required_text(node, path, label) if required else _text(node, path)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise EInvoiceError(_("%(what)s in the e-invoice is no date: %(value)s.")
                            % {"what": label[:1].upper() + label[1:], "value": value[:30]}
                            ) from exc


def _due_date(root) -> datetime.date | None:
    """BT-9: an Invoice's DueDate; a CreditNote has it on its payment means."""
    label = _("the due date")
    return _date(root, "cbc:DueDate", label) or _date(
        root, "cac:PaymentMeans/cbc:PaymentDueDate", label)


def _number(text: str, label: str) -> Decimal:
    """A decimal as XML Schema writes it (no exponent), of a length an amount can have."""
    if len(text or "") > MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(text or ""):
        raise EInvoiceError(_("%(what)s in the e-invoice is no number: %(value)s.")
                            % {"what": label[:1].upper() + label[1:], "value": (text or "")[:30]})
    return Decimal(text)


def _amount_of(node, path: str, label: str, *, required: bool = True) -> Decimal:
    element = _first(node, path) if node is not None else None
    if element is None:
        if required:
            raise EInvoiceError(_("The e-invoice lacks %(what)s.") % {"what": label})
        return ZERO
    return _number((element.text or "").strip(), label)


def _total(root, name: str, *, required: bool = False) -> Decimal:
    return _amount_of(root, f"cac:LegalMonetaryTotal/cbc:{name}", _TOTAL_LABELS[name](),
                      required=required)


_TOTAL_LABELS = {
    "LineExtensionAmount": lambda: _("the sum of the lines"),
    "TaxExclusiveAmount": lambda: _("the total excluding VAT"),
    "TaxInclusiveAmount": lambda: _("the total including VAT"),
    "AllowanceTotalAmount": lambda: _("the total of the allowances"),
    "ChargeTotalAmount": lambda: _("the total of the charges"),
    "PrepaidAmount": lambda: _("the amount paid in advance"),
    "PayableRoundingAmount": lambda: _("the rounding amount"),
    "PayableAmount": lambda: _("the amount to pay"),
}


def _party(root, path: str, *, with_iban: bool = False) -> PartyInfo:
    party = _first(root, path)
    if party is None:
        return PartyInfo(name="")
    address = _first(party, "cac:PostalAddress")
    street = [_text(address, "cbc:StreetName"), _text(address, "cbc:AdditionalStreetName")] \
        if address is not None else []
    return PartyInfo(
        name=_text(party, "cac:PartyName/cbc:Name") or _text(
            party, "cac:PartyLegalEntity/cbc:RegistrationName"),
        registration_name=_text(party, "cac:PartyLegalEntity/cbc:RegistrationName"),
        address=", ".join(filter(None, street)),
        postcode=_text(party, "cac:PostalAddress/cbc:PostalZone"),
        city=_text(party, "cac:PostalAddress/cbc:CityName"),
        country=_text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode").upper(),
        vat_id=_text(party, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
        kvk_number=_kvk_number(party),
        iban=_text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") if with_iban
        else "",
        email=_text(party, "cac:Contact/cbc:ElectronicMail"),
        phone=_text(party, "cac:Contact/cbc:Telephone"),
    )


KVK_SCHEME = "0106"  # ISO 6523 ICD of the Dutch Chamber of Commerce number


def _kvk_number(party) -> str:
    """The KvK number: an identifier under scheme 0106, or a Dutch party's 8-digit legal id."""
    for path in ("cac:PartyLegalEntity/cbc:CompanyID", "cac:PartyIdentification/cbc:ID",
                 "cbc:EndpointID"):
        value = _text(party, f"{path}[@schemeID='{KVK_SCHEME}']")
        if value:
            return value
    legal_id = _text(party, "cac:PartyLegalEntity/cbc:CompanyID[not(@schemeID)]")
    dutch = _text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode").upper() == "NL"
    return legal_id if dutch and re.fullmatch(r"\d{8}", legal_id) else ""


def _category(node, path: str) -> tuple[str, Decimal]:
    category = _first(node, path)
    if category is None:
        raise EInvoiceError(_("A line or allowance of the e-invoice has no VAT category."))
    percent = _text(category, "cbc:Percent")
    return (_text(category, "cbc:ID").upper(),
            _number(percent, _("the VAT percentage")) if percent else ZERO)


def _line_names(is_credit_note: bool) -> tuple[str, str]:
    return ("CreditNoteLine", "CreditedQuantity") if is_credit_note else (
        "InvoiceLine", "InvoicedQuantity")


def _lines(root, is_credit_note: bool) -> list[DocumentLine]:
    kind, quantity_name = _line_names(is_credit_note)
    return [_line(line, quantity_name) for line in root.xpath(f"cac:{kind}",
                                                              namespaces=NAMESPACES)]


def _line(line, quantity_name: str) -> DocumentLine:
    category, percentage = _category(line, "cac:Item/cac:ClassifiedTaxCategory")
    name, description = _text(line, "cac:Item/cbc:Name"), _text(line, "cac:Item/cbc:Description")
    quantity_text = _text(line, f"cbc:{quantity_name}")
    return DocumentLine(
        description=" - ".join(dict.fromkeys(filter(None, (name, description)))),
        net_amount=_amount_of(line, "cbc:LineExtensionAmount", _("a line's amount")),
        category=category, percentage=percentage,
        quantity=_number(quantity_text, _("a line's quantity")) if quantity_text else None,
        unit=_first(line, f"cbc:{quantity_name}").get("unitCode", "") if quantity_text else "",
        unit_price=_unit_price(line),
    )


def _unit_price(line) -> Decimal | None:
    price = _text(line, "cac:Price/cbc:PriceAmount")
    if not price:
        return None
    base = _text(line, "cac:Price/cbc:BaseQuantity")
    base_quantity = _number(base, _("a price's base quantity")) if base else Decimal(1)
    return _number(price, _("a line's price")) / (base_quantity or Decimal(1))


def _line_adjustment(line) -> Decimal:
    """The line's own charges minus its allowances (BT-141 and BT-136)."""
    total = ZERO
    for node in line.xpath("cac:AllowanceCharge", namespaces=NAMESPACES):
        amount = _amount_of(node, "cbc:Amount", _("a line allowance"))
        total += amount if _text(node, "cbc:ChargeIndicator") == "true" else -amount
    return total


def _document_allowances(root) -> list[DocumentLine]:
    """Document-level allowances (negative) and charges, each as a line of its own."""
    lines = []
    for node in root.xpath("cac:AllowanceCharge", namespaces=NAMESPACES):
        charge = _text(node, "cbc:ChargeIndicator") == "true"
        amount = _amount_of(node, "cbc:Amount", _("an allowance or charge"))
        category, percentage = _category(node, "cac:TaxCategory")
        reason = _text(node, "cbc:AllowanceChargeReason")
        lines.append(DocumentLine(
            description=reason or (_("Charge") if charge else _("Allowance")),
            net_amount=amount if charge else -amount, category=category, percentage=percentage,
        ))
    return lines


def _document_vat(root, currency: str):
    """The TaxTotal in the document's currency (a second one may give the VAT in another)."""
    for tax_total in root.xpath("cac:TaxTotal", namespaces=NAMESPACES):
        amount = _first(tax_total, "cbc:TaxAmount")
        if amount is not None and amount.get("currencyID", currency).upper() == currency:
            return tax_total
    raise EInvoiceError(_("The e-invoice lacks %(what)s.") % {"what": _("the VAT total")})


def _subtotals(tax_total) -> list[VatSubtotal]:
    subtotals = []
    for node in tax_total.xpath("cac:TaxSubtotal", namespaces=NAMESPACES):
        category, percentage = _category(node, "cac:TaxCategory")
        subtotals.append(VatSubtotal(
            category=category, percentage=percentage,
            taxable=_amount_of(node, "cbc:TaxableAmount", _("a VAT rate's taxable amount")),
            vat=_amount_of(node, "cbc:TaxAmount", _("a VAT rate's amount")),
        ))
    return subtotals


# --------------------------------------------------------------------------- the sums


@dataclass(frozen=True)
class StatedTotals:
    """What the document states besides its lines and VAT, to check them against."""

    line_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    rounding: Decimal
    line_checks: list[tuple[int, Decimal, Decimal]]  # position, computed, stated


def _stated(root, is_credit_note: bool) -> StatedTotals:
    kind, quantity_name = _line_names(is_credit_note)
    lines = root.xpath(f"cac:{kind}", namespaces=NAMESPACES)
    return StatedTotals(
        line_total=_total(root, "LineExtensionAmount", required=True),
        allowance_total=_total(root, "AllowanceTotalAmount"),
        charge_total=_total(root, "ChargeTotalAmount"),
        rounding=_total(root, "PayableRoundingAmount"),
        line_checks=[check for position, line in enumerate(lines, start=1)
                     if (check := _line_check(position, line, quantity_name)) is not None],
    )


def _line_check(position: int, line, quantity_name: str) -> tuple[int, Decimal, Decimal] | None:
    """BT-131 = quantity x net price / base quantity + line charges - line allowances."""
    price, quantity = _unit_price(line), _text(line, f"cbc:{quantity_name}")
    if price is None or not quantity:
        return None
    computed = _number(quantity, _("a line's quantity")) * price + _line_adjustment(line)
    stated = _amount_of(line, "cbc:LineExtensionAmount", _("a line's amount"))
    return position, round_money(computed), stated


def check_totals(document: EInvoice, stated: StatedTotals) -> None:
    """Every total against its parts, to the cent; all problems at once."""
    problems = [_line_problem(*check) for check in stated.line_checks
                if abs(check[1] - check[2]) > LINE_TOLERANCE]
    if not document.lines:
        problems.append(_("The e-invoice has no lines."))
    problems += _sum_problems(document, stated)
    problems += _vat_problems(document)
    if problems:
        raise EInvoiceError(*problems)


def _line_problem(position: int, computed: Decimal, stated: Decimal) -> str:
    return _("Line %(line)s: its quantity times its price makes %(computed)s, but the line "
             "states %(stated)s.") % {"line": position, "computed": money(computed),
                                      "stated": money(stated)}


def _mismatch(label: str, computed: Decimal, stated: Decimal) -> str:
    return _("The totals do not add up: %(what)s is %(stated)s in the e-invoice, but its parts "
             "make %(computed)s.") % {"what": label, "stated": money(stated),
                                      "computed": money(computed)}


def _sum_problems(document: EInvoice, stated: StatedTotals) -> list[str]:
    adjustments = [line.net_amount for line in document.allowances]
    line_sum = _sum(line.net_amount for line in document.lines)
    checks = [
        (_("the sum of the lines"), line_sum, stated.line_total),
        (_("the total of the allowances"), -_sum(a for a in adjustments if a < 0),
         stated.allowance_total),
        (_("the total of the charges"), _sum(a for a in adjustments if a > 0),
         stated.charge_total),
        (_("the total excluding VAT"), line_sum + _sum(adjustments), document.net_total),
        (_("the VAT total"), _sum(s.vat for s in document.vat), document.vat_total),
        (_("the total including VAT"), document.net_total + document.vat_total,
         document.gross_total),
        (_("the amount to pay"), document.gross_total - document.prepaid + stated.rounding,
         document.payable),
    ]
    return [_mismatch(label, computed, value) for label, computed, value in checks
            if computed != value]


def _sum(amounts) -> Decimal:
    return sum(amounts, ZERO)


def _vat_problems(document: EInvoice) -> list[str]:
    """Per VAT category and rate: the taxable amount is its lines' sum, the VAT that rate of
    it (within a cent), and no line has a rate the breakdown lacks."""
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in document.all_lines:
        key = (line.category, line.percentage)
        groups[key] = groups.get(key, ZERO) + line.net_amount
    problems = []
    for subtotal in document.vat:
        key = (subtotal.category, subtotal.percentage)
        label = rate_label(*key)
        problems += _subtotal_problems(subtotal, groups.pop(key, ZERO), label)
    problems += [_("Lines at %(rate)s are missing from the VAT breakdown.")
                 % {"rate": rate_label(*key)} for key in groups]
    return problems


def _subtotal_problems(subtotal: VatSubtotal, lines_total: Decimal, label: str) -> list[str]:
    problems = []
    if subtotal.taxable != lines_total:
        problems.append(_mismatch(_("the amount at %(rate)s") % {"rate": label}, lines_total,
                                  subtotal.taxable))
    expected = round_money(subtotal.taxable * subtotal.percentage / 100)
    if abs(subtotal.vat - expected) > VAT_TOLERANCE:
        problems.append(_("The VAT at %(rate)s is %(stated)s in the e-invoice, but %(rate)s of "
                          "%(taxable)s is %(expected)s.") % {
            "rate": label, "stated": money(subtotal.vat), "taxable": money(subtotal.taxable),
            "expected": money(expected)})
    return problems


def rate_label(category: str, percentage: Decimal) -> str:
    """"21% (S)": the percentage and the EN 16931 VAT category code."""
    return f"{percentage.normalize():f}% ({category})"

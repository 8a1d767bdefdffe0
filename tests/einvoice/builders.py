"""Small UBL documents written for the tests (our own text), correct unless told otherwise,
and a PDF that embeds one. The shared Peppol examples are read from ../shared."""

import io
import os
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pypdf import PdfWriter

REPO_ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the repository (EBH_SHARED_DIR overrides it, e.g. in a git worktree).
SHARED = Path(os.environ.get("EBH_SHARED_DIR") or REPO_ROOT.parent / "shared")
EXAMPLES = SHARED / "einvoice" / "examples"

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS = ('xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"')


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Line:
    name: str
    quantity: str
    price: str
    category: str = "S"
    percent: str = "21"

    @property
    def amount(self) -> Decimal:
        return cents(Decimal(self.quantity) * Decimal(self.price))


@dataclass
class Doc:
    number: str = "VF-2026-0042"
    credit_note: bool = False
    type_code: str = "380"
    currency: str = "EUR"
    seller_name: str = "Verfhandel De Kwast B.V."
    seller_country: str = "NL"
    seller_vat: str = "NL004495445B01"
    seller_kvk: str = "34567890"
    seller_iban: str = "NL02ABNA0123456789"
    buyer_name: str = "Alpha B.V."
    buyer_vat: str = "NL123456782B01"
    buyer_kvk: str = "12345678"
    lines: list[Line] = field(default_factory=lambda: [
        Line("Muurverf wit 10 liter", "3", "41.15"), Line("Kwasten set", "2", "12.50"),
        Line("Vakblad verf", "1", "19.95", "S", "9")])
    overrides: dict[str, str] = field(default_factory=dict)  # element name -> stated amount

    def groups(self) -> dict[tuple[str, str], Decimal]:
        found: dict[tuple[str, str], Decimal] = {}
        for line in self.lines:
            key = (line.category, line.percent)
            found[key] = found.get(key, Decimal(0)) + line.amount
        return found

    def vat(self) -> dict[tuple[str, str], Decimal]:
        return {key: cents(net * Decimal(key[1]) / 100) for key, net in self.groups().items()}


def _party(name, country, vat, kvk, role) -> str:
    vat_xml = (f"<cac:PartyTaxScheme><cbc:CompanyID>{vat}</cbc:CompanyID><cac:TaxScheme>"
               f"<cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>") if vat else ""
    kvk_xml = f'<cbc:CompanyID schemeID="0106">{kvk}</cbc:CompanyID>' if kvk else ""
    return (f"<cac:{role}><cac:Party><cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"
            f"<cac:PostalAddress><cbc:StreetName>Kanaalweg 12</cbc:StreetName>"
            f"<cbc:CityName>Utrecht</cbc:CityName><cbc:PostalZone>3526 KL</cbc:PostalZone>"
            f"<cac:Country><cbc:IdentificationCode>{country}</cbc:IdentificationCode></cac:Country>"
            f"</cac:PostalAddress>{vat_xml}<cac:PartyLegalEntity><cbc:RegistrationName>{name}"
            f"</cbc:RegistrationName>{kvk_xml}</cac:PartyLegalEntity></cac:Party></cac:{role}>")


def _amount(doc: Doc, name: str, value: Decimal) -> str:
    stated = doc.overrides.get(name, f"{value:.2f}")
    return f'<cbc:{name} currencyID="{doc.currency}">{stated}</cbc:{name}>'


def _line(doc: Doc, position: int, line: Line) -> str:
    kind, quantity = ("CreditNoteLine", "CreditedQuantity") if doc.credit_note else (
        "InvoiceLine", "InvoicedQuantity")
    return (f"<cac:{kind}><cbc:ID>{position}</cbc:ID>"
            f'<cbc:{quantity} unitCode="C62">{line.quantity}</cbc:{quantity}>'
            f'<cbc:LineExtensionAmount currencyID="{doc.currency}">{line.amount:.2f}'
            f"</cbc:LineExtensionAmount><cac:Item><cbc:Name>{line.name}</cbc:Name>"
            f"<cac:ClassifiedTaxCategory><cbc:ID>{line.category}</cbc:ID><cbc:Percent>"
            f"{line.percent}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
            f"</cac:ClassifiedTaxCategory></cac:Item><cac:Price>"
            f'<cbc:PriceAmount currencyID="{doc.currency}">{line.price}</cbc:PriceAmount>'
            f"</cac:Price></cac:{kind}>")


def _subtotal(doc: Doc, key, net: Decimal, vat: Decimal) -> str:
    category, percent = key
    name = f"TaxAmount-{category}{percent}"
    stated = doc.overrides.get(name, f"{vat:.2f}")
    return (f"<cac:TaxSubtotal>{_amount(doc, 'TaxableAmount', net)}"
            f'<cbc:TaxAmount currencyID="{doc.currency}">{stated}</cbc:TaxAmount>'
            f"<cac:TaxCategory><cbc:ID>{category}</cbc:ID><cbc:Percent>{percent}</cbc:Percent>"
            f"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>"
            f"</cac:TaxSubtotal>")


def ubl(doc: Doc | None = None, **fields) -> bytes:
    doc = doc or Doc(**fields)
    root, namespace = ("CreditNote", CREDIT_NOTE) if doc.credit_note else ("Invoice", INVOICE)
    net = sum(doc.groups().values(), Decimal(0))
    vat = sum(doc.vat().values(), Decimal(0))
    due = "" if doc.credit_note else "<cbc:DueDate>2026-04-14</cbc:DueDate>"
    type_code = "CreditNoteTypeCode>381</cbc:CreditNoteTypeCode" if doc.credit_note else \
        f"InvoiceTypeCode>{doc.type_code}</cbc:InvoiceTypeCode"
    reference = ("<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>VF-2026-0041"
                 "</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>"
                 if doc.credit_note else "")
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{namespace}" {NS}>'
        f"<cbc:ID>{doc.number}</cbc:ID><cbc:IssueDate>2026-03-16</cbc:IssueDate>{due}"
        f"<cbc:{type_code}><cbc:DocumentCurrencyCode>{doc.currency}</cbc:DocumentCurrencyCode>"
        f"{reference}"
        + _party(doc.seller_name, doc.seller_country, doc.seller_vat, doc.seller_kvk,
                 "AccountingSupplierParty")
        + _party(doc.buyer_name, "NL", doc.buyer_vat, doc.buyer_kvk, "AccountingCustomerParty")
        + (f"<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"
           f"<cac:PayeeFinancialAccount><cbc:ID>{doc.seller_iban}</cbc:ID>"
           f"</cac:PayeeFinancialAccount></cac:PaymentMeans>" if doc.seller_iban else "")
        + f"<cac:TaxTotal>{_amount(doc, 'TaxAmount', vat)}"
        + "".join(_subtotal(doc, key, doc.groups()[key], value)
                  for key, value in doc.vat().items())
        + "</cac:TaxTotal><cac:LegalMonetaryTotal>"
        + _amount(doc, "LineExtensionAmount", net) + _amount(doc, "TaxExclusiveAmount", net)
        + _amount(doc, "TaxInclusiveAmount", net + vat) + _amount(doc, "PayableAmount", net + vat)
        + "</cac:LegalMonetaryTotal>"
        + "".join(_line(doc, i, line) for i, line in enumerate(doc.lines, start=1))
        + f"</{root}>"
    )
    return text.encode()


def pdf_with(attachments: dict[str, bytes]) -> bytes:
    """A one-page PDF with these files embedded (as Factur-X and ZUGFeRD embed theirs)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for name, data in attachments.items():
        writer.add_attachment(name, data)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:ID>&lol9;</cbc:ID></Invoice>"""


def external_entity(path: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file://{path}">]>'
            f'\n<Invoice xmlns="{INVOICE}" {NS}><cbc:ID>&secret;</cbc:ID></Invoice>').encode()

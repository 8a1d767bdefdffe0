"""The UBL of every kind of invoice the product makes passes the CEN EN 16931 and Peppol BIS 3
rules (with the Dutch NL-R rules) of the offline kit, and states the invoice's own amounts."""

import base64
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from ebh_sync.mapping import Accounts, sales_mutation
from einvoice.ubl import NAMESPACES
from einvoice.writer import UblUnavailable, invoice_ubl
from invoicing import services
from invoicing.models import SalesInvoice
from tests.invoicing.factories import line, make_customer, make_draft, make_sent

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("ubl-validation")]

DUTCH_COMPANY = {"kvk_number": "87654321", "vat_id": "NL999999990B01"}
GERMAN = {"name": "Kunde GmbH", "address": "Hauptstraße 5", "postcode": "10115",
          "city": "Berlin", "country": "DE", "vat_id": "DE136695976"}
BELGIAN = {"name": "Klant BV", "address": "Kerkstraat 3", "postcode": "2000",
           "city": "Antwerpen", "country": "BE", "vat_id": "BE0403170701"}
SWISS = {"name": "Kunde AG", "address": "Bahnhofstrasse 1", "postcode": "8001",
         "city": "Zürich", "country": "CH", "vat_id": "CHE-116.281.710 MWST"}


def _xpath(document: bytes, path: str) -> list:
    return etree.fromstring(document).xpath(path, namespaces=NAMESPACES)


def _text(document: bytes, path: str) -> str:
    found = _xpath(document, path)
    assert len(found) == 1, (path, found)
    return found[0].text


def _subtotals(document: bytes) -> dict[tuple[str, str], tuple[str, str]]:
    """(category, percent) -> (taxable, VAT) of the VAT breakdown."""
    rows = _xpath(document, "/*/cac:TaxTotal/cac:TaxSubtotal")
    return {(row.findtext("cac:TaxCategory/cbc:ID", namespaces=NAMESPACES),
             row.findtext("cac:TaxCategory/cbc:Percent", namespaces=NAMESPACES)):
            (row.findtext("cbc:TaxableAmount", namespaces=NAMESPACES),
             row.findtext("cbc:TaxAmount", namespaces=NAMESPACES)) for row in rows}


def _assert_totals(document: bytes, invoice: SalesInvoice) -> None:
    """The UBL's totals are the invoice's, to the cent (a credit note's stated positive)."""
    sign = -1 if invoice.is_credit_note else 1
    expected = {"LineExtensionAmount": invoice.net_total,
                "TaxExclusiveAmount": invoice.net_total,
                "TaxInclusiveAmount": invoice.gross_total, "PayableAmount": invoice.gross_total}
    for tag, value in expected.items():
        assert Decimal(_text(document, f"/*/cac:LegalMonetaryTotal/cbc:{tag}")) == value * sign
    vat = _xpath(document, f"/*/cac:TaxTotal/cbc:TaxAmount[@currencyID='{invoice.currency}']")
    assert Decimal(vat[0].text) == invoice.vat_total * sign
    nets = [Decimal(e.text) for e in _xpath(document, "/*/*/cbc:LineExtensionAmount")
            if e.getparent().tag.endswith("Line")]
    assert nets == [ln.net_amount * sign for ln in invoice.lines.all()]


@pytest.fixture
def dutch_customer(org_a):
    return make_customer(org_a, **DUTCH_COMPANY)


def _valid(fatal_findings, invoice: SalesInvoice) -> bytes:
    document = invoice_ubl(invoice)
    assert fatal_findings(document) == []
    _assert_totals(document, invoice)
    return document


# --------------------------------------------------------------------------- each VAT case


@pytest.mark.parametrize(("rate", "category", "percent", "vat"), [
    ("21", "S", "21", "21.00"), ("9", "S", "9", "9.00"), ("0", "Z", "0", "0.00"),
    ("exempt", "E", "0", "0.00"), ("reverse", "AE", "0", "0.00"),
])
def test_each_domestic_vat_case_is_valid(fatal_findings, org_a, user_a, dutch_customer, rate,
                                         category, percent, vat):
    invoice = make_sent(org_a, user_a, customer=dutch_customer, lines=[line(rate=rate)])
    document = _valid(fatal_findings, invoice)
    assert _subtotals(document) == {(category, percent): ("100.00", vat)}
    assert _text(document, "//cac:ClassifiedTaxCategory/cbc:ID") == category


@pytest.mark.parametrize(("rate", "reason_code"), [
    ("exempt", None), ("reverse", "VATEX-EU-AE")])
def test_exempt_and_reverse_charge_state_the_frozen_legal_text(
        fatal_findings, org_a, user_a, dutch_customer, rate, reason_code):
    invoice = make_sent(org_a, user_a, customer=dutch_customer, lines=[line(rate=rate)])
    document = invoice_ubl(invoice)
    category = "//cac:TaxSubtotal/cac:TaxCategory"
    assert _text(document, f"{category}/cbc:TaxExemptionReason") == invoice.legal_texts[-1]
    codes = [e.text for e in _xpath(document, f"{category}/cbc:TaxExemptionReasonCode")]
    assert codes == ([reason_code] if reason_code else [])


def test_intra_community_goods_and_services_are_one_k_breakdown(fatal_findings, org_a, user_a):
    customer = make_customer(org_a, **GERMAN)
    invoice = make_sent(org_a, user_a, customer=customer, lines=[
        line(rate="icp_goods", price="250.00"), line(rate="icp_services", price="99.99")])
    document = _valid(fatal_findings, invoice)
    assert _subtotals(document) == {("K", "0"): ("349.99", "0.00")}
    assert _text(document, "//cac:TaxCategory/cbc:TaxExemptionReasonCode") == "VATEX-EU-IC"
    assert _text(document, "/*/cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/"
                           "cbc:IdentificationCode") == "DE"
    endpoint = _xpath(document, "//cac:AccountingCustomerParty//cbc:EndpointID")[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("9930", "DE136695976")


def test_a_belgian_buyer_is_addressed_by_its_enterprise_number(fatal_findings, org_a, user_a):
    customer = make_customer(org_a, **BELGIAN)
    invoice = make_sent(org_a, user_a, customer=customer, lines=[line(rate="icp_services")])
    document = _valid(fatal_findings, invoice)
    endpoint = _xpath(document, "//cac:AccountingCustomerParty//cbc:EndpointID")[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("0208", "0403170701")


NORWEGIAN = {"name": "Kunde AS", "address": "Karl Johans gate 1", "postcode": "0154",
             "city": "Oslo", "country": "NO", "vat_id": "NO 995 525 828 MVA"}
BRITISH = {"name": "Customer Ltd", "address": "1 High Street", "postcode": "SW1A 1AA",
           "city": "London", "country": "GB", "vat_id": "980780684"}


@pytest.mark.parametrize(("buyer", "endpoint"), [
    (SWISS, ("9927", "CHE116281710MWST")), (NORWEGIAN, ("0192", "995525828")),
    (BRITISH, ("9932", "GB980780684"))])
def test_export_outside_the_eu_is_category_g(fatal_findings, org_a, user_a, buyer, endpoint):
    customer = make_customer(org_a, **buyer)
    invoice = make_sent(org_a, user_a, customer=customer, lines=[line(rate="export")])
    document = _valid(fatal_findings, invoice)
    assert _subtotals(document) == {("G", "0"): ("100.00", "0.00")}
    assert _text(document, "//cac:TaxCategory/cbc:TaxExemptionReasonCode") == "VATEX-EU-G"
    found = _xpath(document, "//cac:AccountingCustomerParty//cbc:EndpointID")[0]
    assert (found.get("schemeID"), found.text) == endpoint


def test_the_dutch_rules_parties_and_payment(fatal_findings, org_a, user_a, dutch_customer):
    invoice = make_sent(org_a, user_a, customer=dutch_customer, lines=[line()],
                        reference="PO-4711")
    document = _valid(fatal_findings, invoice)
    seller = "//cac:AccountingSupplierParty/cac:Party"
    buyer = "//cac:AccountingCustomerParty/cac:Party"
    assert _xpath(document, f"{seller}/cbc:EndpointID[@schemeID='0106']")[0].text == "12345678"
    assert _text(document, f"{seller}/cac:PartyLegalEntity/cbc:CompanyID") == "12345678"
    assert _text(document, f"{seller}/cac:PartyTaxScheme/cbc:CompanyID") == "NL123456782B01"
    assert _xpath(document, f"{buyer}/cbc:EndpointID[@schemeID='0106']")[0].text == "87654321"
    assert _text(document, f"{buyer}/cac:PartyTaxScheme/cbc:CompanyID") == "NL999999990B01"
    assert _text(document, "//cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
    assert _text(document, "//cac:PaymentMeans/cbc:PaymentID") == invoice.payment_reference
    assert _text(document, "//cac:PayeeFinancialAccount/cbc:ID") == "NL91ABNA0417164300"
    assert _text(document, "/*/cbc:BuyerReference") == "PO-4711"
    assert _text(document, "/*/cbc:DueDate") == invoice.due_date.isoformat()


def test_a_dutch_buyer_with_only_a_vat_id_is_addressed_by_it(fatal_findings, org_a, user_a):
    customer = make_customer(org_a, kvk_number="", vat_id="NL999999990B01")
    document = _valid(fatal_findings, make_sent(org_a, user_a, customer=customer))
    endpoint = _xpath(document, "//cac:AccountingCustomerParty//cbc:EndpointID")[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("9944", "NL999999990B01")
    assert _xpath(document, "//cac:AccountingCustomerParty//cac:PartyLegalEntity/"
                            "cbc:CompanyID") == []


def test_the_pdf_is_embedded(org_a, user_a, dutch_customer):
    invoice = make_sent(org_a, user_a, customer=dutch_customer)
    document = invoice_ubl(invoice)
    embedded = _xpath(document, "//cac:AdditionalDocumentReference/cac:Attachment/"
                                "cbc:EmbeddedDocumentBinaryObject")[0]
    assert embedded.get("mimeCode") == "application/pdf"
    with invoice.pdf.open("rb") as handle:
        assert base64.b64decode(embedded.text) == handle.read()


# --------------------------------------------------------------------------- amounts


def test_discounts_are_line_allowances_that_add_up(fatal_findings, org_a, user_a,
                                                   dutch_customer):
    invoice = make_sent(org_a, user_a, customer=dutch_customer, lines=[
        line(quantity="3", price="33.3333", discount="12.5"),
        line(quantity="7.5", price="19.99", discount="10", rate="9"),
        line(quantity="1", price="0.07", discount="50")])
    document = _valid(fatal_findings, invoice)
    allowances = [Decimal(e.text) for e in _xpath(
        document, "//cac:InvoiceLine/cac:AllowanceCharge/cbc:Amount")]
    # 3 x 33.3333 = 100.00 less 87.50; 7.5 x 19.99 = 149.93 less 134.93; 0.07 less 0.04.
    assert allowances == [Decimal("12.50"), Decimal("15.00"), Decimal("0.03")]


def test_negative_lines_keep_the_price_positive(fatal_findings, org_a, user_a, dutch_customer):
    invoice = make_sent(org_a, user_a, customer=dutch_customer, lines=[
        line(quantity="10", price="80.00"),
        line(description="Aanbetaling", quantity="-1", price="250.00"),
        line(description="Korting", quantity="1", price="-15.50", discount="10")])
    document = _valid(fatal_findings, invoice)
    quantities = [e.text for e in _xpath(document, "//cbc:InvoicedQuantity")]
    prices = [e.text for e in _xpath(document, "//cac:Price/cbc:PriceAmount")]
    assert quantities == ["10", "-1", "-1"]
    assert prices == ["80", "250", "15.5"]


def test_a_full_and_a_partial_credit_note(fatal_findings, org_a, user_a, dutch_customer):
    invoice = make_sent(org_a, user_a, customer=dutch_customer, lines=[
        line(quantity="4", price="12.345", discount="5"),
        line(quantity="-1", price="10.00", rate="9")])
    partial = services.credit_note_create(
        invoice=invoice, user=user_a,
        quantities={invoice.lines.first().pk: Decimal("1")})
    partial = services.invoice_finalize(invoice=partial, send_email=False, user=user_a)
    full = services.invoice_finalize(
        invoice=services.credit_note_create(invoice=invoice, user=user_a), send_email=False,
        user=user_a)
    for note in (partial, full):
        document = _valid(fatal_findings, note)
        assert etree.fromstring(document).tag.endswith("CreditNote")
        assert _text(document, "//cac:BillingReference/cac:InvoiceDocumentReference/"
                               "cbc:ID") == invoice.number
        assert Decimal(_text(document, "//cbc:PayableAmount")) == -note.gross_total > 0


def test_foreign_currency_states_the_vat_in_euros(fatal_findings, org_a, user_a,
                                                  dutch_customer):
    invoice = make_sent(org_a, user_a, customer=dutch_customer, currency="USD",
                        exchange_rate=Decimal("0.912345"),
                        lines=[line(price="1234.56"), line(price="99.99", rate="9")])
    document = _valid(fatal_findings, invoice)
    assert _text(document, "/*/cbc:DocumentCurrencyCode") == "USD"
    assert _text(document, "/*/cbc:TaxCurrencyCode") == "EUR"
    assert Decimal(_text(document, "/*/cac:TaxTotal/cbc:TaxAmount[@currencyID='EUR']")) == (
        invoice.vat_total_eur)
    assert _text(document, "//cac:PaymentMeans/cbc:PaymentMeansCode") == "30"


def test_a_hundred_lines(fatal_findings, org_a, user_a, dutch_customer):
    rates = ["21", "9", "0", "exempt", "reverse"]
    lines = [line(description=f"Regel {n}", quantity=str(n % 7 + 1), price=f"{n}.{n % 97:02d}",
                  discount=str(n % 4 * 5), rate=rates[n % 5]) for n in range(1, 101)]
    invoice = make_sent(org_a, user_a, customer=dutch_customer, lines=lines)
    document = _valid(fatal_findings, invoice)
    assert len(_xpath(document, "//cac:InvoiceLine")) == 100
    expected = {t.vat_rate: (t.net_amount, t.vat_amount) for t in invoice.vat_totals.all()}
    found = _subtotals(document)
    assert Decimal(found[("S", "21")][1]) == expected["21"][1]
    assert Decimal(found[("S", "9")][1]) == expected["9"][1]
    assert Decimal(found[("E", "0")][0]) == expected["exempt"][0]


def test_the_ubl_never_changes_after_finalize(org_a, user_a, dutch_customer):
    invoice = make_sent(org_a, user_a, customer=dutch_customer)
    before = invoice_ubl(invoice)
    dutch_customer.name, dutch_customer.kvk_number = "Nieuwe Naam B.V.", "11223344"
    dutch_customer.save()
    org_a.iban, org_a.name = "NL02ABNA0123456789", "Andere Naam"
    org_a.save()
    assert invoice_ubl(SalesInvoice.objects.get(pk=invoice.pk)) == before


# --------------------------------------------------------------------------- no e-invoice


def test_a_buyer_without_kvk_or_vat_id_has_no_e_invoice(org_a, user_a):
    private = make_customer(org_a, kind="private", name="Jan Jansen", vat_id="")
    invoice = make_sent(org_a, user_a, customer=private)
    with translation.override("en"), pytest.raises(UblUnavailable,
                                                   match="KvK number or VAT id"):
        invoice_ubl(invoice)


def test_a_draft_has_no_e_invoice(org_a, dutch_customer):
    with pytest.raises(UblUnavailable):
        invoice_ubl(make_draft(org_a, customer=dutch_customer))


# --------------------------------------------------------------------------- the check can fail


def test_the_kit_reports_a_wrong_total(fatal_findings, org_a, user_a, dutch_customer):
    document = invoice_ubl(make_sent(org_a, user_a, customer=dutch_customer))
    root = etree.fromstring(document)
    payable = root.find("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", NAMESPACES)
    payable.text = str(Decimal(payable.text) + Decimal("0.01"))
    findings = fatal_findings(etree.tostring(root))
    assert any(f.startswith("BR-CO-15") for f in findings), findings


def test_the_kit_reports_s_at_zero_percent(fatal_findings, org_a, user_a, dutch_customer):
    document = invoice_ubl(make_sent(org_a, user_a, customer=dutch_customer,
                                     lines=[line(rate="reverse")]))
    broken = document.replace(b"<cbc:ID>AE</cbc:ID>", b"<cbc:ID>S</cbc:ID>")
    assert broken != document
    assert any(f.startswith("BR-S-") for f in fatal_findings(broken))


# --------------------------------------------------------------------------- random invoices

DOMESTIC_RATES = ["21", "9", "0", "exempt", "reverse"]
BUYERS = {"domestic": (DUTCH_COMPANY, DOMESTIC_RATES),
          "eu": (GERMAN, ["21", "icp_goods", "icp_services"]),
          "export": (SWISS, ["export", "21"])}


@st.composite
def invoices(draw):
    kind = draw(st.sampled_from(sorted(BUYERS)))
    rates = BUYERS[kind][1]
    lines = draw(st.lists(st.tuples(
        st.decimals("-5", "50", places=3), st.decimals("0", "2500", places=4),
        st.sampled_from(["0", "0", "10", "12.5", "33.33", "100"]), st.sampled_from(rates)),
        min_size=1, max_size=8))
    currency = draw(st.sampled_from(["EUR", "EUR", "USD", "GBP"]))
    return kind, lines, currency, draw(st.booleans())


# No shrinking: every example renders and validates a PDF-carrying invoice; a failure is
# reported as drawn.
@settings(max_examples=15, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=invoices())
def test_random_invoices_are_valid(fatal_findings, org_a, user_a, case):
    kind, raw_lines, currency, credit = case
    lines = [line(quantity=str(q), price=str(p), discount=d, rate=r) for q, p, d, r in raw_lines]
    with transaction.atomic():
        customer = make_customer(org_a, **{**BUYERS[kind][0], "country": BUYERS[kind][0].get(
            "country", "NL")})
        try:
            invoice = make_sent(org_a, user_a, customer=customer, lines=lines,
                                currency=currency, exchange_rate=Decimal("1.1734"),
                                issue_date=datetime.date(2026, 3, 2))
        except services.InvoicingError:
            transaction.set_rollback(True)
            return  # a negative invoice: the product makes none
        documents = [invoice]
        if credit and any(ln.quantity for ln in lines):
            documents.append(services.invoice_finalize(
                invoice=services.credit_note_create(invoice=invoice, user=user_a),
                send_email=False, user=user_a))
        for document in documents:
            _valid(fatal_findings, document)
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- the booking


@pytest.mark.parametrize("currency", ["EUR", "USD"])
def test_the_ubl_and_the_booking_agree_to_the_cent(fatal_findings, org_a, user_a,
                                                   dutch_customer, currency):
    """The booking (e-Boekhouden's mutation, in euros) and the UBL state the same VAT: the
    document's own for a euro invoice, BT-111 for another currency; and the same net."""
    invoice = make_sent(org_a, user_a, customer=dutch_customer, currency=currency,
                        exchange_rate=Decimal("1.0837") if currency != "EUR" else Decimal(1),
                        lines=[line(quantity="3", price="19.995", discount="7.5"),
                               line(quantity="-1", price="12.34", rate="9"),
                               line(quantity="2.5", price="41.10", rate="exempt")])
    document = _valid(fatal_findings, invoice)
    accounts = Accounts(debtor="1300", creditor="1600", sales_contra="8000",
                        purchase_contra="7000", overrides={})
    booking = sales_mutation(invoice, accounts, list(invoice.vat_totals.all()),
                             list(invoice.lines.all()))
    booked_vat = sum((ln.vat for ln in booking.lines), Decimal(0))
    stated_vat = _xpath(document, "/*/cac:TaxTotal/cbc:TaxAmount[@currencyID='EUR']")[0].text
    assert Decimal(stated_vat) == booked_vat == invoice.vat_total_eur
    booked_net = sum((ln.net for ln in booking.lines), Decimal(0))
    assert booked_net == invoice.net_total_eur
    if currency == "EUR":
        assert Decimal(_text(document, "//cbc:TaxExclusiveAmount")) == booked_net

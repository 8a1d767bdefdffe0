"""Reading a supplier's UBL file (or a PDF embedding one): the document as written with every
total checked to the cent, hostile XML refused before anything is expanded or fetched, and
what it proposes to one organization (buyer, supplier by VAT id / KvK / IBAN, our rates)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from config.uploads import OversizedUpload
from einvoice.proposals import propose, purchase_rate_for
from einvoice.reader import EInvoiceError, read_einvoice, read_upload
from invoicing.services import PurchaseData, PurchaseLineData, purchase_invoice_register
from tests.einvoice.builders import (
    BILLION_LAUGHS,
    EXAMPLES,
    Line,
    external_entity,
    pdf_with,
    ubl,
)
from tests.invoicing.factories import make_supplier

D = Decimal

# file: (credit note, lines, allowances/charges, net, VAT, gross, payable, VAT per rate)
SHARED_EXAMPLES = {
    "base-example.xml": (False, 2, 1, "1325", "331.25", "1656.25", "1656.25",
                         {("S", D(25)): ("1325", "331.25")}),
    "base-creditnote-correction.xml": (True, 2, 1, "1325", "331.25", "1656.25", "1656.25",
                                       {("S", D(25)): ("1325", "331.25")}),
    "Allowance-example.xml": (False, 3, 2, "5900", "1225", "7125", "6125",
                              {("S", D(25)): ("4900", "1225"), ("E", D(0)): ("1000", "0")}),
    "Vat-category-S.xml": (False, 3, 2, "7000", "1550", "8550", "8550",
                           {("S", D(25)): ("5000", "1250"), ("S", D(15)): ("2000", "300")}),
    "vat-category-E.xml": (False, 1, 0, "1200", "0", "1200", "1200",
                           {("E", D(0)): ("1200", "0")}),
    "vat-category-Z.xml": (False, 1, 0, "1200", "0", "1200", "1200",
                           {("Z", D(0)): ("1200", "0")}),
}


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (the Dutch catalog is checked in the views' test).
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Kept e-invoices and attachments go to a throw-away directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _messages(content: bytes) -> list[str]:
    with pytest.raises(EInvoiceError) as caught:
        read_einvoice(content)
    return caught.value.messages


@pytest.mark.parametrize("name", sorted(SHARED_EXAMPLES))
def test_the_peppol_examples_are_read_with_their_totals(name):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"the shared Peppol examples are not here: {EXAMPLES} (set EBH_SHARED_DIR)")
    credit, lines, extras, net, vat, gross, payable, rates = SHARED_EXAMPLES[name]
    document = read_einvoice(path.read_bytes())
    assert document.is_credit_note is credit
    assert (len(document.lines), len(document.allowances)) == (lines, extras)
    assert (document.net_total, document.vat_total, document.gross_total, document.payable) == (
        D(net), D(vat), D(gross), D(payable))
    assert {(s.category, s.percentage): (s.taxable, s.vat) for s in document.vat} == {
        key: (D(taxable), D(amount)) for key, (taxable, amount) in rates.items()}
    assert document.number and document.issue_date.year in (2017, 2018)


def test_an_invoice_with_its_lines_vat_and_parties():
    document = read_einvoice(ubl())
    assert (document.number, document.issue_date, document.due_date) == (
        "VF-2026-0042", datetime.date(2026, 3, 16), datetime.date(2026, 4, 14))
    assert [(ln.description, ln.quantity, ln.unit_price, ln.category, ln.percentage,
             ln.net_amount) for ln in document.lines] == [
        ("Muurverf wit 10 liter", D(3), D("41.15"), "S", D(21), D("123.45")),
        ("Kwasten set", D(2), D("12.50"), "S", D(21), D("25.00")),
        ("Vakblad verf", D(1), D("19.95"), "S", D(9), D("19.95")),
    ]
    assert {s.percentage: (s.taxable, s.vat) for s in document.vat} == {
        D(21): (D("148.45"), D("31.17")), D(9): (D("19.95"), D("1.80"))}
    assert (document.net_total, document.vat_total, document.gross_total) == (
        D("168.40"), D("32.97"), D("201.37"))
    seller = document.seller
    assert (seller.name, seller.vat_id, seller.kvk_number, seller.iban, seller.postcode) == (
        "Verfhandel De Kwast B.V.", "NL004495445B01", "34567890", "NL02ABNA0123456789",
        "3526 KL")
    assert (document.buyer.vat_id, document.buyer.kvk_number) == ("NL123456782B01", "12345678")


def test_a_pdf_with_the_ubl_embedded_reads_as_the_ubl_itself():
    content = pdf_with({"notes.txt": b"hello", "factuur.xml": ubl()})
    assert read_einvoice(content) == read_einvoice(ubl())


@pytest.mark.parametrize(("content", "expected"), [
    (b"Dit is een brief, geen factuur.", "is not an XML file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "is not an XML file"),
    (b"<Invoice><unclosed></Invoice>", "is not an XML file"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "is not a UBL invoice"),
    (b'<Invoice xmlns="urn:example:not-ubl"/>', "is not a UBL invoice"),
    (b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
     b'CrossIndustryInvoice:100"/>', "(UN/CEFACT CII), not UBL"),
    (b"   ", "The file is empty."),
    (pdf_with({"readme.txt": b"no invoice here"}), "This PDF has no UBL e-invoice attached"),
    (pdf_with({"factur-x.xml": b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:'
                               b'data:standard:CrossIndustryInvoice:100"/>'}),
     "(UN/CEFACT CII), not UBL"),
    (b"%PDF-1.7\n" + b"\x00garbage" * 20, "This PDF cannot be read"),
])
def test_what_is_no_ubl_invoice_is_refused_with_its_reason(content, expected):
    assert any(expected in message for message in _messages(content))


@pytest.mark.parametrize("content", [
    BILLION_LAUGHS, BILLION_LAUGHS.decode().encode("utf-16"),
    BILLION_LAUGHS.decode().encode("utf-16-be"), BILLION_LAUGHS.decode().encode("utf-32"),
    external_entity("/etc/passwd"),
    b'<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/x.dtd"><Invoice/>',
])
def test_dtds_and_entities_are_refused_before_parsing(content):
    assert _messages(content) == [
        "The XML file declares a DTD or entities, which e-invoices never need; it is refused "
        "for safety."]


def test_an_xml_bomb_inside_a_pdf_is_not_expanded_either():
    assert "This PDF has no UBL e-invoice attached" in _messages(
        pdf_with({"factuur.xml": BILLION_LAUGHS}))[0]


def test_a_file_over_the_cap_is_refused_while_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(EInvoiceError, match="at most"):
        read_upload(SimpleUploadedFile("big.xml", b"<a>" + b" " * 2000 + b"</a>"))
    # What the upload handler leaves of a larger file: its size, no content.
    with pytest.raises(EInvoiceError, match="at most"):
        read_upload(OversizedUpload("big.xml", "text/xml", 11 * 2**20))
    assert read_upload(SimpleUploadedFile("ok.xml", b"<a/>")) == b"<a/>"


def test_an_embedded_file_that_unpacks_past_the_cap_is_refused(settings):
    content = pdf_with({"factuur.xml": ubl() + b" " * 50_000})
    settings.UPLOAD_MAX_BYTES = 20_000
    with pytest.raises(EInvoiceError, match="at most"):
        read_einvoice(content)


def test_lines_that_do_not_add_up_are_named():
    messages = _messages(ubl(overrides={"LineExtensionAmount": "168.41"}))
    assert messages == ["The totals do not add up: the sum of the lines is 168.41 in the "
                        "e-invoice, but its parts make 168.40."]


def test_vat_per_rate_that_is_off_by_more_than_a_cent_is_refused():
    messages = _messages(ubl(overrides={"TaxAmount-S21": "31.19", "TaxAmount": "32.99",
                                        "TaxInclusiveAmount": "201.39",
                                        "PayableAmount": "201.39"}))
    assert messages == ["The VAT at 21% (S) is 31.19 in the e-invoice, but 21% (S) of 148.45 "
                        "is 31.17."]
    # A supplier's own rounding within a cent is theirs to print.
    assert read_einvoice(ubl(overrides={"TaxAmount-S21": "31.18", "TaxAmount": "32.98",
                                        "TaxInclusiveAmount": "201.38",
                                        "PayableAmount": "201.38"})).vat_total == D("32.98")


def test_a_payable_amount_that_does_not_add_up_is_refused():
    assert _messages(ubl(overrides={"PayableAmount": "210.37"})) == [
        "The totals do not add up: the amount to pay is 210.37 in the e-invoice, but its "
        "parts make 201.37."]


def test_a_vat_total_that_is_not_the_sum_of_its_rates_is_refused():
    messages = _messages(ubl(overrides={"TaxAmount": "33.97"}))
    assert "the VAT total is 33.97 in the e-invoice, but its parts make 32.97." in messages[0]


@pytest.mark.parametrize("stated", ["1e3", "NaN", "12,50", "9" * 41])
def test_amounts_that_are_no_numbers_are_named(stated):
    assert _messages(ubl(overrides={"PayableAmount": stated})) == [
        f"The amount to pay in the e-invoice is no number: {stated[:30]}."]


def test_an_invoice_typed_as_a_credit_note_is_refused():
    assert _messages(ubl(type_code="381")) == [
        "This document is a UBL Invoice typed as a credit note (code 381); a credit note must "
        "be a UBL CreditNote. Ask the supplier for a proper credit note."]


# --------------------------------------------------------------------------- proposals


def _proposal(org, **fields):
    return propose(organization=org, document=read_einvoice(ubl(**fields)))


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "stored"), [
    ("vat_id", "NL004495445B01"), ("kvk_number", "34567890"), ("iban", "NL02ABNA0123456789"),
])
def test_the_supplier_is_found_by_vat_id_kvk_number_or_iban(org_a, org_b, field, stored):
    make_supplier(org_b, **{field: stored})  # another organization's: never a match
    make_supplier(org_a, name="Iemand anders")
    ours = make_supplier(org_a, name="De Kwast", **{field: stored})
    proposal = _proposal(org_a)
    assert (proposal.supplier, proposal.matched_by) == (ours, field)


@pytest.mark.django_db
def test_an_unknown_seller_is_proposed_as_a_new_supplier_unsaved(org_a):
    proposal = _proposal(org_a)
    assert proposal.supplier is None and proposal.new_supplier.pk is None
    new = proposal.new_supplier
    assert (new.name, new.vat_id, new.kvk_number, new.iban, new.city, new.country.code) == (
        "Verfhandel De Kwast B.V.", "NL004495445B01", "34567890", "NL02ABNA0123456789",
        "Utrecht", "NL")


@pytest.mark.django_db
def test_the_proposal_maps_the_rates_and_keeps_the_printed_vat(org_a):
    proposal = _proposal(org_a)
    assert [(ln.description, ln.vat_rate, ln.net_amount) for ln in proposal.lines] == [
        ("Muurverf wit 10 liter", "21", D("123.45")), ("Kwasten set", "21", D("25.00")),
        ("Vakblad verf", "9", D("19.95"))]
    assert proposal.printed_vat == {"21": D("31.17"), "9": D("1.80")}
    assert proposal.due_date == datetime.date(2026, 4, 14) and proposal.notes == []


@pytest.mark.django_db
def test_a_foreign_rate_asks_the_user_to_choose(org_a):
    proposal = _proposal(org_a, lines=[Line("Consultancy", "1", "100.00", "S", "25")])
    assert proposal.lines[0].vat_rate == ""
    assert proposal.notes == ["Line 1 has VAT 25% (S), which is no Dutch purchase rate: "
                              "choose the rate to book it under."]


@pytest.mark.parametrize(("category", "percent", "country", "rate"), [
    ("S", "21", "NL", "21"), ("S", "9", "NL", "9"), ("S", "19", "DE", ""),
    ("Z", "0", "NL", "0"), ("E", "0", "NL", "0"), ("AE", "0", "NL", "reverse"),
    ("AE", "0", "BE", "eu"), ("K", "0", "DE", "eu"), ("AE", "0", "US", "non_eu"),
    ("G", "0", "US", "non_eu"),
])
def test_vat_categories_become_purchase_rates(category, percent, country, rate):
    assert purchase_rate_for(category, D(percent), country) == rate


@pytest.mark.django_db
def test_a_credit_note_becomes_a_negative_purchase(org_a):
    proposal = _proposal(org_a, credit_note=True)
    assert proposal.document.is_credit_note
    assert [ln.net_amount for ln in proposal.lines] == [D("-123.45"), D("-25.00"),
                                                         D("-19.95")]
    assert proposal.printed_vat == {"21": D("-31.17"), "9": D("-1.80")}
    assert proposal.description == "Credit note for invoice VF-2026-0041"


@pytest.mark.django_db
@pytest.mark.parametrize("buyer", [
    {"buyer_vat": "NL123456782B01", "buyer_kvk": "", "buyer_name": "X"},
    {"buyer_vat": "", "buyer_kvk": "12345678", "buyer_name": "X"},
    {"buyer_vat": "", "buyer_kvk": "", "buyer_name": "  alpha   b.v. "},
])
def test_the_buyer_is_this_organization_by_vat_id_kvk_or_name(org_a, buyer):
    proposal = _proposal(org_a, **buyer)  # no refusal
    assert proposal.document.buyer.name == " ".join(buyer["buyer_name"].split())
    assert len(proposal.lines) == 3


@pytest.mark.django_db
def test_an_invoice_for_another_buyer_is_refused(org_a):
    with pytest.raises(EInvoiceError) as caught:
        _proposal(org_a, buyer_name="Gamma Bouw B.V.", buyer_vat="NL999999990B01",
                  buyer_kvk="99999999")
    assert caught.value.messages == [
        "This invoice is addressed to Gamma Bouw B.V., not to Alpha B.V. (no VAT id, KvK number "
        "or name of yours in it). Upload it in the organization it was sent to."]


@pytest.mark.django_db
def test_an_invoice_in_another_currency_is_refused(org_a):
    with pytest.raises(EInvoiceError, match="This invoice is in GBP; purchase invoices are "
                                            "booked in euros"):
        _proposal(org_a, currency="GBP")


@pytest.mark.django_db
def test_an_invoice_number_already_registered_is_noted_at_once(org_a, user_a):
    supplier = make_supplier(org_a, vat_id="NL004495445B01")
    purchase_invoice_register(organization=org_a, user=user_a, attachment=None, data=PurchaseData(
        supplier=supplier, supplier_invoice_number="vf-2026-0042",
        invoice_date=datetime.date(2026, 3, 16), due_date=datetime.date(2026, 4, 14),
        lines=[PurchaseLineData(vat_rate="21", net_amount=D("10"))]))
    assert _proposal(org_a).notes == [
        "Invoice VF-2026-0042 of Leverancier B.V. has already been registered: it cannot be "
        "registered twice."]


@hypothesis_settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data())
def test_a_damaged_invoice_is_read_or_refused_with_a_message_never_an_error(data):
    """Any slice of a sound invoice replaced by other text: a result, or a message."""
    content = ubl().decode()
    start = data.draw(st.integers(0, len(content)))
    end = data.draw(st.integers(start, min(len(content), start + 40)))
    patch = data.draw(st.sampled_from(["", "<", ">", "&", "x", "-1", "0", "<!DOCTYPE a>",
                                       "</cac:TaxTotal>", "9" * 60, "&lt;"]) | st.text(max_size=8))
    damaged = (content[:start] + patch + content[end:]).encode()
    try:
        document = read_einvoice(damaged)
    except EInvoiceError as error:
        assert error.messages and all(isinstance(text, str) and text for text in error.messages)
    else:
        assert document.payable == document.gross_total - document.prepaid

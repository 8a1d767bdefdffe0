"""The e-invoice in the browser: the customer's setting "e-factuur (UBL) meesturen" is refused
without a KvK number or VAT id and kept with one; the finalized invoice's page downloads its
UBL, which names the invoice and carries its PDF; the email (sent by the worker) carries the
UBL beside the PDF, and the invoice's history says so."""

import pytest
from lxml import etree
from playwright.sync_api import expect

from einvoice.ubl import NAMESPACES
from invoicing.models import Customer
from tests.e2e.flows import business_with_customer, exact, finalize_draft
from tests.invoicing.factories import line, make_draft

pytestmark = pytest.mark.e2e


def _turn_on_ubl(page, shot, customer):
    page.goto(f"/customers/{customer.pk}/edit/")
    page.get_by_label(exact("e-factuur (UBL) meesturen")).check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Voor een e-factuur is het KvK-nummer of btw-id")).to_be_visible()
    page.get_by_label(exact("KvK-nummer")).fill("87654321")
    shot(page, "customer-form")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator("dl")).to_contain_text("E-factuur (UBL) bij e-mails")
    shot(page, "customer-detail")


def test_customer_setting_and_ubl_download(page, shot, stack):
    _user, organization, customer = business_with_customer(page)
    Customer.objects.filter(pk=customer.pk).update(vat_id="")
    _turn_on_ubl(page, shot, customer)
    assert Customer.objects.get(pk=customer.pk).send_ubl is True

    draft = make_draft(organization, customer=Customer.objects.get(pk=customer.pk),
                       lines=[line("Kozijnen geverfd", quantity="2", price="125.50")])
    number = finalize_draft(page, draft, email=False)
    shot(page, "invoice")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="UBL (e-factuur)").click()
    assert download_info.value.suggested_filename == f"{number}.xml"
    with open(download_info.value.path(), "rb") as handle:
        root = etree.fromstring(handle.read())
    assert root.findtext("cbc:ID", namespaces=NAMESPACES) == number
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount",
                         namespaces=NAMESPACES) == "303.71"
    embedded = root.find(".//cbc:EmbeddedDocumentBinaryObject", NAMESPACES)
    assert embedded.get("mimeCode") == "application/pdf"


def test_the_email_carries_the_ubl(page, shot, stack):
    _user, organization, customer = business_with_customer(page)
    Customer.objects.filter(pk=customer.pk).update(send_ubl=True, kvk_number="87654321")
    draft = make_draft(organization, customer=Customer.objects.get(pk=customer.pk),
                       lines=[line("Trap gelakt", price="80.00")])
    number = finalize_draft(page, draft, email=True)
    message = stack.wait_for(customer.email)
    files = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    assert sorted(files) == [f"{number}.pdf", f"{number}.xml"]
    root = etree.fromstring(files[f"{number}.xml"].get_payload(decode=True))
    assert root.findtext("cbc:ID", namespaces=NAMESPACES) == number
    page.reload()
    emailed = f"Gemaild naar {customer.email} met de e-factuur (UBL)"
    expect(page.get_by_text(emailed)).to_be_visible()
    shot(page, "invoice-emailed")

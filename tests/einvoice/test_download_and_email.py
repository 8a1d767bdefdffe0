"""The e-invoice on the invoice page and in the email: downloaded by the organization's own
users only, for finalized invoices only; attached to the email beside the PDF when the
customer's setting asks for it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from lxml import etree

from einvoice.ubl import NAMESPACES
from invoicing import services
from invoicing.history import invoice_history
from invoicing.models import Customer, SalesInvoice
from tests.invoicing.factories import line, make_customer, make_draft, make_sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(org_a):
    return make_customer(org_a, kvk_number="87654321", send_ubl=True)


def _download(client, invoice):
    return client.get(reverse("einvoice:invoice_ubl", args=[invoice.pk]))


def test_the_invoice_page_offers_the_ubl_download(client_a, org_a, user_a, company):
    invoice = make_sent(org_a, user_a, customer=company)
    page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))
    assert reverse("einvoice:invoice_ubl", args=[invoice.pk]).encode() in page.content
    response = _download(client_a, invoice)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert f'filename="{invoice.number}.xml"' in response["Content-Disposition"]
    root = etree.fromstring(response.content)
    assert root.findtext("cbc:ID", namespaces=NAMESPACES) == invoice.number


def test_a_credit_note_downloads_as_a_credit_note(client_a, org_a, user_a, company):
    invoice = make_sent(org_a, user_a, customer=company)
    note = services.invoice_finalize(
        invoice=services.credit_note_create(invoice=invoice, user=user_a), send_email=False,
        user=user_a)
    page = client_a.get(reverse("invoicing:invoice_detail", args=[note.pk]))
    assert reverse("einvoice:invoice_ubl", args=[note.pk]).encode() in page.content
    assert etree.fromstring(_download(client_a, note).content).tag.endswith("}CreditNote")


def test_a_draft_has_no_download(client_a, org_a, company):
    draft = make_draft(org_a, customer=company)
    page = client_a.get(reverse("invoicing:invoice_detail", args=[draft.pk]))
    assert b"/ubl/" not in page.content
    assert _download(client_a, draft).status_code == 404


def test_another_organization_gets_404(client_b, org_a, user_a, company):
    assert _download(client_b, make_sent(org_a, user_a, customer=company)).status_code == 404


def test_an_invoice_without_an_e_invoice_says_why(client_a, org_a, user_a):
    private = make_customer(org_a, kind="private", name="Jan Jansen", vat_id="")
    invoice = make_sent(org_a, user_a, customer=private)
    page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))
    assert b"/ubl/" not in page.content
    response = _download(client_a, invoice)
    assert response.status_code == 302
    shown = client_a.get(response["Location"])
    assert "Voor een e-factuur is het KvK-nummer of btw-id van de klant nodig" in (
        shown.content.decode())


def _emailed(org_a, user_a, customer, capture):
    draft = make_draft(org_a, customer=customer, lines=[line()])
    with capture(execute=True):  # the email's task is published on commit
        services.invoice_finalize(invoice=draft, send_email=True, user=user_a)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_email_carries_the_ubl_when_the_customer_wants_it(
        org_a, user_a, company, django_capture_on_commit_callbacks):
    message = _emailed(org_a, user_a, company, django_capture_on_commit_callbacks)
    names = [name for name, _content, _mime in message.attachments]
    assert names == [names[0], names[0].replace(".pdf", ".xml")]
    name, content, mimetype = message.attachments[1]
    assert mimetype == "application/xml"
    assert etree.fromstring(content).tag.endswith("}Invoice")
    invoice = SalesInvoice.objects.get(organization=org_a, number=name.removesuffix(".xml"))
    with translation.override("en"):
        history = [entry.text for entry in invoice_history(invoice)]
    assert f"Emailed to {company.email} with the e-invoice (UBL)" in history


def test_the_email_has_only_the_pdf_otherwise(org_a, user_a,
                                              django_capture_on_commit_callbacks):
    customer = make_customer(org_a, kvk_number="87654321")
    message = _emailed(org_a, user_a, customer, django_capture_on_commit_callbacks)
    assert [mime for _name, _content, mime in message.attachments] == ["application/pdf"]
    invoice = SalesInvoice.objects.get(organization=org_a, customer=customer)
    with translation.override("en"):
        assert f"Emailed to {customer.email}" in [e.text for e in invoice_history(invoice)]


def test_the_setting_needs_kvk_or_vat_id(client_a, org_a):
    data = {"kind": "company", "name": "Zonder Nummers", "address": "Straat 1",
            "postcode": "1234 AB", "city": "Utrecht", "country": "NL", "language": "nl",
            "send_reminders": "on", "send_ubl": "on"}
    response = client_a.post(reverse("invoicing:customer_create"), data)
    assert response.status_code == 200
    assert "Voor een e-factuur is het KvK-nummer of btw-id" in response.content.decode()
    assert not Customer.objects.filter(name="Zonder Nummers").exists()
    response = client_a.post(reverse("invoicing:customer_create"),
                             {**data, "kvk_number": "87654321"})
    assert response.status_code == 302
    assert Customer.objects.get(name="Zonder Nummers").send_ubl is True

"""Sales invoices through the API: a draft with lines, finalize (numbered, frozen, booked
like any other: a sync job in the same transaction), email, credit, PDF, payment; the web
UI's rules and messages hold."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from lxml import etree

from ebh_sync.models import SyncJob
from einvoice.ubl import NAMESPACES
from invoicing.models import EmailLog, InvoiceStatus, SalesInvoice
from tests.connections.factories import make_connection
from tests.invoicing.factories import make_customer, make_draft, make_product, make_sent

URL = "/api/v1/sales-invoices/"


def _draft_body(customer, **extra) -> dict:
    return {"customer": customer.pk, "issue_date": "2026-03-02", "payment_term_days": 14,
            "lines": [{"description": "Schilderwerk", "quantity": "8", "unit": "uur",
                       "unit_price": "52.50", "vat_rate": "21"},
                      {"description": "Verf", "quantity": "2", "unit_price": "34.95",
                       "vat_rate": "21", "discount_percent": "10"}], **extra}


@pytest.mark.django_db
def test_create_a_draft_with_lines_amounts_as_strings(api_a, org_a):
    customer = make_customer(org_a)
    response = api_a.post(URL, _draft_body(customer), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["number"], body["issue_date"], body["due_date"]) == (
        "draft", "", "2026-03-02", "2026-03-16")
    # 8 x 52.50 = 420.00; 2 x 34.95 - 10 % = 62.91; VAT 21 % of 482.91 = 101.41
    assert (body["net_total"], body["vat_total"], body["gross_total"]) == (
        "482.91", "101.41", "584.32")
    assert [line["net_amount"] for line in body["lines"]] == ["420.00", "62.91"]
    assert body["booking"] is None and body["pdf_url"] is None
    invoice = SalesInvoice.objects.get(pk=body["id"])
    assert invoice.organization_id == org_a.pk and invoice.lines.count() == 2


@pytest.mark.django_db
def test_a_product_line_takes_the_products_ledger_account(api_a, org_a):
    product = make_product(org_a, ledger_account="8010")
    body = _draft_body(make_customer(org_a))
    body["lines"][0]["product"] = product.pk
    response = api_a.post(URL, body, format="json")
    invoice = SalesInvoice.objects.get(pk=response.json()["id"])
    assert invoice.lines.order_by("position").first().ledger_account == "8010"


@pytest.mark.django_db
def test_refusals_carry_the_web_messages_and_save_nothing(api_a, org_a, org_b):
    foreign = make_customer(org_b)
    response = api_a.post(URL, _draft_body(foreign), format="json")
    assert response.status_code == 400
    assert "customer" in response.json()  # not among the form's choices, as on the page
    negative = _draft_body(make_customer(org_a))
    negative["lines"] = [{"description": "Korting", "quantity": "1", "unit_price": "-10",
                          "vat_rate": "21"}]
    refused = api_a.post(URL, negative, format="json")
    assert refused.status_code == 400
    assert "an invoice cannot be negative" in refused.json()["non_field_errors"][0]
    empty = api_a.post(URL, {**_draft_body(make_customer(org_a)), "lines": []}, format="json")
    assert empty.status_code == 400 and empty.json()["lines"] == ["Add at least one line."]
    dutch = api_a.post(URL, {**_draft_body(make_customer(org_a)), "lines": []}, format="json",
                       HTTP_ACCEPT_LANGUAGE="nl")
    with translation.override("nl"):
        assert dutch.json()["lines"] == [gettext("Add at least one line.")]
    assert dutch.json()["lines"] != ["Add at least one line."]
    bad_line = _draft_body(make_customer(org_a))
    bad_line["lines"][1]["quantity"] = "1.2345"
    lines = api_a.post(URL, bad_line, format="json").json()["lines"]
    assert lines[0] == {} and list(lines[1]) == ["quantity"]
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_change_and_delete_a_draft_but_never_a_finalized_invoice(api_a, org_a, user_a):
    draft = make_draft(org_a)
    changed = api_a.patch(f"{URL}{draft.pk}/", {"reference": "PO-77"}, format="json")
    assert changed.status_code == 200 and changed.json()["reference"] == "PO-77"
    assert len(changed.json()["lines"]) == 1  # lines left out stay as they were
    sent = make_sent(org_a, user_a)
    frozen = api_a.patch(f"{URL}{sent.pk}/", {"reference": "X"}, format="json")
    assert frozen.status_code == 400
    assert frozen.json() == {"non_field_errors": [
        "A finalized invoice cannot be changed; issue a credit note."]}
    kept = api_a.delete(f"{URL}{sent.pk}/")
    assert kept.json() == {"non_field_errors": [
        "A finalized invoice cannot be deleted; issue a credit note."]}
    assert api_a.delete(f"{URL}{draft.pk}/").status_code == 204
    assert not SalesInvoice.objects.filter(pk=draft.pk).exists()
    sent.refresh_from_db()
    assert sent.reference == ""


@pytest.mark.django_db
def test_finalize_numbers_freezes_and_books_like_any_other_invoice(api_a, org_a):
    connection = make_connection(org_a)
    created = api_a.post(URL, _draft_body(make_customer(org_a)), format="json").json()
    response = api_a.post(f"{URL}{created['id']}/finalize/", {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    invoice = SalesInvoice.objects.get(pk=created["id"])
    assert body["status"] == "sent" and body["number"] == invoice.number != ""
    assert invoice.pdf and body["pdf_url"].endswith(f"{URL}{invoice.pk}/pdf/")
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert (job.connection_id, job.invoice_number) == (connection.pk, invoice.number)
    assert body["booking"]["state"] == job.state
    booking = api_a.get(f"{URL}{invoice.pk}/booking/").json()
    assert booking["state"] == job.state and booking["mutation_number"] == job.mutation_number
    again = api_a.post(f"{URL}{invoice.pk}/finalize/", {}, format="json")
    assert again.json() == {"non_field_errors": ["This invoice has already been finalized."]}
    second = api_a.post(URL, _draft_body(make_customer(org_a)), format="json").json()
    numbered = api_a.post(f"{URL}{second['id']}/finalize/", {}, format="json").json()
    assert numbered["number"] != body["number"]


@pytest.mark.django_db
def test_pdf_download(api_a, org_a, user_a):
    sent = make_sent(org_a, user_a)
    response = api_a.get(f"{URL}{sent.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert api_a.get(f"{URL}{make_draft(org_a).pk}/pdf/").status_code == 404


@pytest.mark.django_db
def test_ubl_download(api_a, api_b, org_a, user_a):
    """The e-invoice the invoice page offers, for a business customer's finalized invoice; a
    consumer's invoice has none (409 with the reason), a draft and another organization 404."""
    company = make_customer(org_a, kvk_number="87654321")
    sent = make_sent(org_a, user_a, customer=company)
    response = api_a.get(f"{URL}{sent.pk}/ubl/")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert f'filename="{sent.number}.xml"' in response["Content-Disposition"]
    root = etree.fromstring(response.content)
    assert root.findtext("cbc:ID", namespaces=NAMESPACES) == sent.number
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount",
                         namespaces=NAMESPACES) == f"{sent.gross_total:.2f}"
    private = make_customer(org_a, kind="private", name="Jan Jansen", vat_id="")
    consumer = api_a.get(f"{URL}{make_sent(org_a, user_a, customer=private).pk}/ubl/")
    assert consumer.status_code == 409 and consumer.json()["detail"]
    assert api_a.get(f"{URL}{make_draft(org_a, customer=company).pk}/ubl/").status_code == 404
    assert api_b.get(f"{URL}{sent.pk}/ubl/").status_code == 404


@pytest.mark.django_db
def test_send_by_email_through_the_same_service(api_a, org_a, user_a,
                                               django_capture_on_commit_callbacks):
    sent = make_sent(org_a, user_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(f"{URL}{sent.pk}/send/", {"to": "boekhouding@klant.test"},
                              format="json")
    assert response.status_code == 202, response.json()
    log = EmailLog.objects.get(invoice=sent)
    assert response.json() == {"id": log.pk, "to": "boekhouding@klant.test",
                               "status": "queued"}
    assert log.status == EmailLog.Status.SENT and log.created_by == user_a
    assert mail.outbox[-1].to == ["boekhouding@klant.test"]
    assert mail.outbox[-1].attachments[0][0] == f"{sent.number}.pdf"
    bad = api_a.post(f"{URL}{sent.pk}/send/", {"to": "geen adres"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["to"]
    draft = api_a.post(f"{URL}{make_draft(org_a).pk}/send/", {}, format="json")
    assert draft.json() == {"non_field_errors": ["Only a finalized invoice can be emailed."]}


@pytest.mark.django_db
def test_credit_all_or_some_lines(api_a, org_a, user_a):
    sent = make_sent(org_a, user_a)
    line = sent.lines.get()
    too_much = api_a.post(f"{URL}{sent.pk}/credit/", {"lines": {str(line.pk): "2"}},
                          format="json")
    assert too_much.status_code == 400
    response = api_a.post(f"{URL}{sent.pk}/credit/", {}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["status"], body["credited_invoice"]) == (
        "credit_note", "draft", sent.pk)
    assert body["gross_total"] == "-121.00"
    draft = api_a.post(f"{URL}{make_draft(org_a).pk}/credit/", {}, format="json")
    assert draft.json() == {"non_field_errors": [
        "Only a finalized, not yet credited invoice can be credited."]}


@pytest.mark.django_db
def test_register_payments(api_a, org_a, user_a):
    sent = make_sent(org_a, user_a)
    part = api_a.post(f"{URL}{sent.pk}/payments/", {"amount": "21.00", "date": "2026-03-10"},
                      format="json")
    assert part.status_code == 201 and part.json()["amount"] == "21.00"
    too_much = api_a.post(f"{URL}{sent.pk}/payments/", {"amount": "100.01",
                                                        "date": "2026-03-11"}, format="json")
    assert too_much.status_code == 400
    assert "at most the open amount" in too_much.json()["non_field_errors"][0]
    rest = api_a.post(f"{URL}{sent.pk}/payments/", {"amount": "100", "date": "2026-03-11"},
                      format="json")
    assert rest.status_code == 201
    sent.refresh_from_db()
    assert sent.status == InvoiceStatus.PAID and sent.amount_paid == Decimal("121.00")
    assert api_a.get(f"{URL}{sent.pk}/").json()["amount_open"] == "0.00"


@pytest.mark.django_db
def test_list_filters_and_pages(api_a, org_a, user_a):
    jansen = make_customer(org_a, name="Jansen")
    make_draft(org_a, customer=jansen, issue_date=datetime.date(2026, 1, 5))
    sent = make_sent(org_a, user_a, issue_date=datetime.date(2026, 2, 5))
    listed = api_a.get(URL).json()
    assert listed["count"] == 2 and [r["id"] for r in listed["results"]][0] == sent.pk
    assert api_a.get(URL, {"status": "draft"}).json()["count"] == 1
    assert api_a.get(URL, {"status": "open"}).json()["results"][0]["id"] == sent.pk
    assert api_a.get(URL, {"customer": jansen.pk}).json()["count"] == 1
    assert api_a.get(URL, {"from": "2026-02-01"}).json()["count"] == 1
    assert api_a.get(URL, {"to": "2026-01-31", "q": "jansen"}).json()["count"] == 1
    paged = api_a.get(URL, {"page_size": 1, "page": 2}).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"] is None
    assert api_a.get(URL, {"customer": "9" * 30, "from": "gisteren"}).status_code == 200

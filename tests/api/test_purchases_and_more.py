"""Purchase invoices (registered with their attachment and booked like one entered on the
page), products, quotes and work orders through the API."""

import datetime
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ebh_sync.models import SyncJob
from invoicing.models import Product, PurchaseInvoice
from tests.connections.factories import make_connection
from tests.invoicing.factories import make_customer, make_product, make_supplier
from tests.quotes.factories import make_quote
from tests.workorders.factories import make_work_order
from workorders.models import WorkOrder

PURCHASES = "/api/v1/purchase-invoices/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _purchase(supplier, **extra) -> dict:
    return {"supplier": supplier.pk, "supplier_invoice_number": "F-2026-118",
            "invoice_date": "2026-03-02", "due_date": "2026-04-01",
            "lines": [{"vat_rate": "21", "net_amount": "100.00", "description": "Verf"}],
            **extra}


@pytest.mark.django_db
def test_register_a_purchase_invoice_with_its_attachment(api_a, org_a):
    connection = make_connection(org_a)
    supplier = make_supplier(org_a)
    body = _purchase(supplier, printed_vat={"21": "21.00"})
    body["lines"] = json.dumps(body["lines"])
    body["printed_vat"] = json.dumps(body["printed_vat"])
    body["attachment"] = SimpleUploadedFile("factuur.pdf", PDF, content_type="application/pdf")
    response = api_a.post(PURCHASES, body, format="multipart")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["gross_total"], data["has_attachment"]) == (
        "received", "121.00", True)
    invoice = PurchaseInvoice.objects.get(pk=data["id"])
    assert invoice.organization_id == org_a.pk and invoice.attachment_name == "factuur.pdf"
    assert SyncJob.objects.get(purchase_invoice=invoice).connection_id == connection.pk
    assert data["booking"]["state"] == "pending"
    download = api_a.get(f"{PURCHASES}{invoice.pk}/attachment/")
    assert b"".join(download.streaming_content) == PDF
    assert api_a.get(f"{PURCHASES}{invoice.pk}/booking/").json()["state"] == "pending"
    assert api_a.get(PURCHASES, {"supplier": supplier.pk}).json()["count"] == 1


@pytest.mark.django_db
def test_purchase_refusals_are_the_web_forms(api_a, org_a):
    supplier = make_supplier(org_a)
    early = api_a.post(PURCHASES, _purchase(supplier, due_date="2026-02-01"), format="json")
    assert early.json() == {"due_date": ["The due date lies before the invoice date."]}
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    body = {**_purchase(supplier), "attachment": fake}
    body["lines"] = json.dumps(body["lines"])
    bad_file = api_a.post(PURCHASES, body, format="multipart")
    assert bad_file.status_code == 400 and list(bad_file.json()) == ["attachment"]
    api_a.post(PURCHASES, _purchase(supplier), format="json")
    twice = api_a.post(PURCHASES, _purchase(supplier), format="json")
    assert twice.status_code == 400
    assert PurchaseInvoice.objects.count() == 1


@pytest.mark.django_db
def test_products(api_a, org_a):
    created = api_a.post("/api/v1/products/", {"description": "Schilderwerk per uur",
                                               "unit": "uur", "unit_price": "52.5",
                                               "vat_rate": "21"}, format="json")
    assert created.status_code == 201 and created.json()["unit_price"] == "52.5000"
    product = Product.objects.get(organization=org_a)
    changed = api_a.patch(f"/api/v1/products/{product.pk}/", {"unit_price": "55"},
                          format="json")
    assert changed.json()["unit_price"] == "55.0000"
    bad = api_a.post("/api/v1/products/", {"description": "X", "unit_price": "1",
                                           "vat_rate": "99"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["vat_rate"]
    make_product(org_a, description="Grondverf", archived=True)
    assert api_a.get("/api/v1/products/").json()["count"] == 1
    assert api_a.get("/api/v1/products/", {"archived": "1"}).json()["count"] == 1


@pytest.mark.django_db
def test_quotes_are_listed_and_read(api_a, org_a):
    quote = make_quote(org_a)
    listed = api_a.get("/api/v1/quotes/").json()
    assert [row["id"] for row in listed["results"]] == [quote.pk]
    detail = api_a.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert detail["status"] == "draft" and detail["gross_total"] == "121.00"
    assert api_a.get("/api/v1/quotes/", {"status": "accepted"}).json()["count"] == 0


@pytest.mark.django_db
def test_work_orders(api_a, org_a):
    customer = make_customer(org_a)
    response = api_a.post("/api/v1/work-orders/", {
        "customer": customer.pk, "planned_date": "2026-11-23", "planned_start": "08:00",
        "description": "Kozijnen schilderen",
        "lines": [{"kind": "hours", "description": "Schilderwerk", "quantity": "4",
                   "unit_price": "52.50", "vat_rate": "21"}]}, format="json")
    assert response.status_code == 201, response.json()
    order = WorkOrder.objects.get(pk=response.json()["id"])
    assert order.state == "open" and order.lines.count() == 1
    assert order.work_street == customer.address  # the service's default, as on the page
    missing = api_a.post("/api/v1/work-orders/", {
        "customer": customer.pk, "planned_date": "2026-11-23", "planned_start": "08:00",
        "description": " "}, format="json")
    assert missing.json() == {"description": ["Describe the work to be done."]}
    make_work_order(org_a)
    assert api_a.get("/api/v1/work-orders/").json()["count"] == 2
    assert api_a.get("/api/v1/work-orders/", {"state": "done"}).json()["count"] == 0


@pytest.mark.django_db
def test_a_quote_from_draft_to_invoice(api_a, org_a, django_capture_on_commit_callbacks):
    """Create with lines, send (numbered, emailed with its PDF), register the customer's yes,
    convert once: the same services as the quote pages, the same refusals."""
    customer, today = make_customer(org_a), timezone.localdate()
    created = api_a.post("/api/v1/quotes/", {
        "customer": customer.pk, "issue_date": today.isoformat(),
        "lines": [{"description": "Gevel schilderen", "quantity": "12", "unit": "uur",
                   "unit_price": "50.00", "vat_rate": "21"}]}, format="json")
    assert created.status_code == 201, created.json()
    quote = created.json()
    assert (quote["status"], quote["number"]) == ("draft", "")
    assert quote["valid_until"] == (today + datetime.timedelta(days=30)).isoformat()
    assert (quote["net_total"], quote["vat_total"], quote["gross_total"]) == (
        "600.00", "126.00", "726.00")
    url = f"/api/v1/quotes/{quote['id']}/"
    refused = api_a.post(f"{url}convert/", format="json")
    assert refused.status_code == 400 and refused.json()["non_field_errors"]

    with django_capture_on_commit_callbacks(execute=True):
        sent = api_a.post(f"{url}send/", {"to": "inkoop@klant.test"}, format="json")
    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == "sent" and sent.json()["number"]
    assert mail.outbox[-1].to == ["inkoop@klant.test"]
    assert mail.outbox[-1].attachments[0][0] == f"{sent.json()['number']}.pdf"

    answered = api_a.post(f"{url}answer/", {"answer": "accept", "name": "P. de Klant"},
                          format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "accepted"
    converted = api_a.post(f"{url}convert/", format="json")
    assert converted.status_code == 201, converted.json()
    invoice = converted.json()
    assert (invoice["status"], invoice["gross_total"]) == ("draft", "726.00")
    assert api_a.get(url).json()["converted_invoice"] == invoice["id"]
    assert api_a.post(f"{url}convert/", format="json").status_code == 400


@pytest.mark.django_db
def test_a_quote_with_bad_lines_is_refused_whole(api_a, org_a):
    customer = make_customer(org_a)
    response = api_a.post("/api/v1/quotes/", {
        "customer": customer.pk, "issue_date": "2026-03-02",
        "lines": [{"description": "Gevel", "quantity": "abc", "unit_price": "50.00",
                   "vat_rate": "21"}]}, format="json")
    assert response.status_code == 400 and "lines" in response.json()
    assert api_a.get("/api/v1/quotes/").json()["count"] == 0

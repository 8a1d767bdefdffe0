import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from invoicing.models import ImmutableError, PurchaseInvoice
from tests.invoicing.factories import make_supplier

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _data(supplier, **overrides):
    data = {
        "supplier": supplier.pk, "supplier_invoice_number": "INV-778",
        "invoice_date": "2026-03-01", "due_date": "2026-03-31", "description": "Verf",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Verf", "lines-0-vat_rate": "21", "lines-0-net_amount": "100,10",
        "lines-1-description": "Boek", "lines-1-vat_rate": "9", "lines-1-net_amount": "20,00",
        "lines-2-description": "Kwast", "lines-2-vat_rate": "21", "lines-2-net_amount": "0,05",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_register_purchase_invoice_with_pdf(client_a, org_a):
    supplier = make_supplier(org_a)
    upload = SimpleUploadedFile("factuur.pdf", PDF_BYTES, content_type="application/pdf")
    response = client_a.post(reverse("invoicing:purchase_create"),
                             {**_data(supplier), "attachment": upload})
    invoice = PurchaseInvoice.objects.get()
    assert response["Location"] == reverse("invoicing:purchase_detail", args=[invoice.pk])
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("120.15"), Decimal("22.83"), Decimal("142.98"))
    codes = {t.vat_rate: (t.ebh_code, t.vat_amount) for t in invoice.vat_totals.all()}
    assert codes == {"21": ("HOOG_INK_21", Decimal("21.03")), "9": ("LAAG_INK_9", Decimal("1.80"))}
    download = client_a.get(reverse("invoicing:purchase_attachment", args=[invoice.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert client_a.get(reverse("invoicing:purchase_list")).status_code == 200


@pytest.mark.django_db
def test_image_attachment_and_paid_state(client_a, org_a):
    supplier = make_supplier(org_a)
    upload = SimpleUploadedFile("bon.png", _png(), content_type="image/png")
    client_a.post(reverse("invoicing:purchase_create"), {**_data(supplier), "attachment": upload})
    invoice = PurchaseInvoice.objects.get()
    assert invoice.attachment_type == "image/png"
    client_a.post(reverse("invoicing:purchase_mark_paid", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 200),
    ("fake.pdf", b"MZ\x90\x00" + b"\x00" * 200),
    ("page.html", b"<html><script>alert(1)</script></html>"),
])
def test_wrong_file_types_are_refused(client_a, org_a, name, content):
    supplier = make_supplier(org_a)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client_a.post(reverse("invoicing:purchase_create"),
                             {**_data(supplier), "attachment": upload})
    assert response.status_code == 200
    assert "PNG" in response.content.decode()
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_fifty_megabyte_upload_gives_a_clear_error(client_a, org_a):
    supplier = make_supplier(org_a)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (50 * 1024 * 1024),
                             content_type="application/pdf")
    response = client_a.post(reverse("invoicing:purchase_create"),
                             {**_data(supplier), "attachment": big})
    assert response.status_code == 200
    assert "10 MB" in response.content.decode()
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_fifty_megabyte_form_body_gives_a_clear_error(client_a, org_a):
    supplier = make_supplier(org_a)
    response = client_a.post(reverse("invoicing:purchase_create"),
                             _data(supplier, description="x" * (50 * 1024 * 1024)))
    assert response.status_code == 200
    assert "5 MB" in response.content.decode()
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_refused_and_nothing_is_saved(client_a, org_a):
    supplier = make_supplier(org_a)
    url = reverse("invoicing:purchase_create")
    for overrides in [{"lines-0-net_amount": "twelve"}, {"lines-0-vat_rate": "25"},
                      {"invoice_date": "1900-01-01"}, {"due_date": "2026-02-01"},
                      {"lines-TOTAL_FORMS": "0"}]:
        response = client_a.post(url, _data(supplier, **overrides))
        assert response.status_code == 200, overrides
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_duplicate_supplier_number_is_refused(client_a, org_a):
    supplier = make_supplier(org_a)
    client_a.post(reverse("invoicing:purchase_create"), _data(supplier))
    response = client_a.post(reverse("invoicing:purchase_create"), _data(supplier))
    assert response.status_code == 200
    assert PurchaseInvoice.objects.count() == 1


@pytest.mark.django_db
def test_booked_purchase_invoice_is_immutable(client_a, org_a):
    supplier = make_supplier(org_a)
    client_a.post(reverse("invoicing:purchase_create"), _data(supplier))
    invoice = PurchaseInvoice.objects.get()
    invoice.description = "changed"
    with pytest.raises(ImmutableError):
        invoice.save()
    with pytest.raises(ImmutableError):
        invoice.delete()
    with pytest.raises(ImmutableError), transaction.atomic():
        PurchaseInvoice.objects.all().delete()
    line = invoice.lines.first()
    with pytest.raises(ImmutableError):
        line.save()

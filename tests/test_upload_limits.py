"""Uploads are measured while they are read (nothing past the limit is held), and images
have a pixel cap (a small file can still be a 20,000 x 20,000 image)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from config.uploads import OversizedUpload, SizeLimitedUploadHandler
from invoicing.models import PurchaseInvoice
from tests.invoicing.factories import make_supplier


def _png(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG")  # one colour: a few kB however large
    return buffer.getvalue()


def test_the_handler_stops_passing_data_on_past_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100
    handler = SizeLimitedUploadHandler()
    handler.new_file("attachment", "big.pdf", "application/pdf", None)
    passed = [handler.receive_data_chunk(b"x" * 60, start) for start in (0, 60, 120, 180)]
    assert passed == [b"x" * 60, None, None, None]  # 120 > 100: nothing more is stored
    stand_in = handler.file_complete(240)
    assert isinstance(stand_in, OversizedUpload)
    assert stand_in.size == 240 and stand_in.read() == b""


def test_a_file_within_the_limit_goes_to_the_next_handler(settings):
    settings.UPLOAD_MAX_BYTES = 100
    handler = SizeLimitedUploadHandler()
    handler.new_file("attachment", "small.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 100, 0) == b"x" * 100
    assert handler.file_complete(100) is None


@pytest.mark.django_db
def test_a_too_large_upload_is_refused_with_the_limit_in_the_message(client_a, org_a, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    supplier = make_supplier(org_a)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024),
                             content_type="application/pdf")
    response = client_a.post(reverse("invoicing:purchase_create"), {
        "supplier": supplier.pk, "supplier_invoice_number": "A-1", "invoice_date": "2026-03-01",
        "due_date": "2026-03-31", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Verf", "lines-0-vat_rate": "21", "lines-0-net_amount": "10,00",
        "attachment": big})
    assert response.status_code == 200
    assert "10 MB" in str(response.context["form"].errors["attachment"])
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_a_scan_with_too_many_pixels_is_refused(client_a, org_a):
    supplier = make_supplier(org_a)
    scan = SimpleUploadedFile("scan.png", _png((8000, 8000)), content_type="image/png")
    response = client_a.post(reverse("invoicing:purchase_create"), {
        "supplier": supplier.pk, "supplier_invoice_number": "A-1", "invoice_date": "2026-03-01",
        "due_date": "2026-03-31", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Verf", "lines-0-vat_rate": "21", "lines-0-net_amount": "10,00",
        "attachment": scan})
    assert response.status_code == 200
    assert "40" in str(response.context["form"].errors["attachment"])
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_a_logo_with_too_many_pixels_is_refused(client_a, org_a):
    logo = SimpleUploadedFile("logo.png", _png((5000, 5000)), content_type="image/png")
    response = client_a.post(reverse("accounts:organization_settings"), {
        "name": org_a.name, "logo": logo})
    assert response.status_code == 200
    assert "4" in str(response.context["form"].errors["logo"])
    org_a.refresh_from_db()
    assert not org_a.logo

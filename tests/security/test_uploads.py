"""Uploaded files (purchase invoice attachments, organization logos) are never served from a
path that runs or renders them: no URL maps to the upload directory, in production either,
and the views that stream them answer with a PDF or image type, nosniff and a disposition,
never HTML or SVG, whatever the file was called or carried."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from invoicing.models import PurchaseInvoice
from tests.accounts.test_organizations import _settings_data
from tests.invoicing.factories import make_supplier
from tests.test_cross_organization import CASES
from tests.test_project import PRODUCTION_ENV, _manage

SAFE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}
HTML_PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"


def _assert_served_safely(response, expected_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == expected_type and expected_type in SAFE_TYPES
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(("attachment", "inline")), disposition
    assert ".htm" not in disposition and ".svg" not in disposition, disposition


def _png_with_html() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue() + HTML_PAYLOAD


def _purchase_form(supplier, attachment) -> dict:
    return {
        "supplier": supplier.pk, "supplier_invoice_number": "INV-1", "invoice_date": "2026-03-01",
        "due_date": "2026-03-31", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-vat_rate": "21", "lines-0-net_amount": "10,00", "attachment": attachment,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "served_as"), [
    ("factuur.html", b"%PDF-1.4\n" + HTML_PAYLOAD + b"\n%%EOF\n", "application/pdf"),
    ("bon.svg", _png_with_html(), "image/png"),
])
def test_attachment_named_html_or_svg_is_stored_and_served_by_its_content(
    client_a, org_a, name, content, served_as
):
    upload = SimpleUploadedFile(name, content, content_type="text/html")
    response = client_a.post(reverse("invoicing:purchase_create"),
                             _purchase_form(make_supplier(org_a), upload))
    assert response.status_code == 302
    invoice = PurchaseInvoice.objects.get()
    assert invoice.attachment.name.endswith((".pdf", ".png"))
    download = client_a.get(reverse("invoicing:purchase_attachment", args=[invoice.pk]))
    _assert_served_safely(download, served_as)
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
@pytest.mark.parametrize("content", [
    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    b"<!DOCTYPE html>" + HTML_PAYLOAD,
])
def test_svg_and_html_attachments_are_refused(client_a, org_a, content):
    upload = SimpleUploadedFile("bon.pdf", content, content_type="application/pdf")
    response = client_a.post(reverse("invoicing:purchase_create"),
                             _purchase_form(make_supplier(org_a), upload))
    assert response.status_code == 200
    assert not PurchaseInvoice.objects.exists()


def _upload_logo(client, org, name: str):
    logo = SimpleUploadedFile(name, _png_with_html(), content_type="text/html")
    return client.post(reverse("accounts:organization_settings"), _settings_data(org, logo=logo))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["logo.html", "logo.svg"])
def test_logo_named_html_or_svg_is_refused(client_a, org_a, name):
    assert _upload_logo(client_a, org_a, name).status_code == 200
    org_a.refresh_from_db()
    assert not org_a.logo


@pytest.mark.django_db
def test_logo_with_html_inside_is_served_as_an_image(client_a, org_a):
    assert _upload_logo(client_a, org_a, "logo.png").status_code == 302
    _assert_served_safely(client_a.get(reverse("accounts:organization_logo")), "image/png")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["invoicing:invoice_pdf", "invoicing:invoice_preview"])
def test_invoice_pdfs_are_served_as_pdf(client_a, org_a, user_a, name):
    _method, url = CASES[name](org_a, user_a)
    _assert_served_safely(client_a.get(url), "application/pdf")


PROBE = """
from pathlib import Path
from django.conf import settings
from django.test import Client
stored = Path(settings.MEDIA_ROOT) / "logos" / "2026" / "logo.html"
stored.parent.mkdir(parents=True)
stored.write_bytes(b"<script>alert(1)</script>")
client = Client(HTTP_HOST="facturen.example.nl")
for prefix in (settings.MEDIA_URL, "/media/", settings.STATIC_URL, "/"):
    print("status", prefix, client.get(prefix + "logos/2026/logo.html", secure=True).status_code)
"""


def test_no_url_serves_the_upload_directory_in_production(tmp_path):
    env = {**PRODUCTION_ENV, "MEDIA_ROOT": str(tmp_path / "media")}
    result = _manage("shell", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr
    statuses = dict(line.split()[1:] for line in result.stdout.splitlines()
                    if line.startswith("status "))
    assert len(statuses) == 4 and set(statuses.values()) == {"404"}, statuses

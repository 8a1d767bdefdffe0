"""Uploads under hostile files: purchase invoices (with lines and totals) and the business
logo. Never a server error; a refused upload leaves no row and no file behind; an accepted
one is stored byte for byte with the type judged from its content."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from invoicing.forms import PurchaseForm, PurchaseLineFormSet
from invoicing.models import PurchaseInvoice, PurchaseInvoiceLine
from tests.fuzz import strategies as fz
from tests.invoicing.factories import make_supplier
from tests.invoicing.test_purchases import PDF_BYTES, _png

MODELS = (PurchaseInvoice, PurchaseInvoiceLine)
EXTENSIONS = ["pdf", "PDF", "png", "jpg", "exe", "svg", "html", "pdf.exe", "tar.gz", ""]
CONTENTS = [
    PDF_BYTES, b"%PDF-1.7\n" + b"\x00" * 50, b"MZ\x90\x00" + b"\x00" * 200,
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b"<html><script>alert(1)</script></html>", b"\x89PNG\r\n\x1a\n" + b"\xff" * 40,
    b"\xff\xd8\xff\xe0" + b"\x00" * 30, b"GIF89a" + b"\x00" * 20, b"",
]
upload = st.builds(
    lambda stem, ext, content: SimpleUploadedFile(f"{stem}.{ext}" if ext else stem, content),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
    st.sampled_from(EXTENSIONS),
    st.one_of(st.sampled_from(CONTENTS), st.binary(max_size=3000),
              st.binary(max_size=500).map(lambda tail: PDF_BYTES + tail),
              st.binary(max_size=500).map(lambda tail: _png() + tail),
              st.just(_png())),
)


def media_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


PURCHASE_LINE = {
    "description": fz.text(),
    "vat_rate": fz.choice(["21", "9", "0"]),
    "net_amount": fz.number(st.sampled_from(["-10,05", "999999999999.99"]) | fz.amount),
}


@st.composite
def purchase_posts(draw, supplier_pk: int):
    post = fz.with_lines(draw, {
        "supplier": fz.choice(str(supplier_pk)),
        "supplier_invoice_number": fz.text(),
        "invoice_date": fz.date("2026-03-01"),
        "due_date": fz.date("2026-03-31"),
        "description": fz.text(""),
    }, PURCHASE_LINE)
    attachment = draw(st.one_of(st.none(), upload))
    return post if attachment is None else {**post, "attachment": attachment}


def _assert_registered(post, organization, files_before) -> None:
    invoice = PurchaseInvoice.objects.latest("pk")
    form = PurchaseForm(post, {"attachment": post.get("attachment")}, organization=organization)
    formset = PurchaseLineFormSet(post, prefix="lines")
    assert form.is_valid() and formset.is_valid()
    assert invoice.supplier_invoice_number == form.cleaned_data["supplier_invoice_number"]
    lines = list(invoice.lines.order_by("position"))
    assert [ln.net_amount for ln in lines] == [ln.net_amount for ln in formset.line_data()]
    fz.assert_money(invoice.net_total, invoice.vat_total, invoice.gross_total,
                 *(ln.net_amount for ln in lines), *(ln.vat_amount for ln in lines))
    assert invoice.net_total == sum(ln.net_amount for ln in lines)
    assert invoice.gross_total == invoice.net_total + invoice.vat_total
    uploaded = post.get("attachment")
    assert bool(invoice.attachment) == bool(uploaded)
    if uploaded:
        assert invoice.attachment_type in ("application/pdf", "image/png", "image/jpeg")
        uploaded.seek(0)
        assert Path(invoice.attachment.path).read_bytes() == uploaded.read()
        assert media_files() - files_before == {Path(invoice.attachment.path)}


@pytest.fixture
def supplier(org_a):
    return make_supplier(org_a)


@pytest.mark.django_db
@fz.FUZZ_LINES
@given(data=st.data())
def test_fuzz_purchase_create(client_a, org_a, supplier, data):
    post = data.draw(purchase_posts(supplier.pk))
    with fz.rolled_back():
        before, files = fz.rows(*MODELS), media_files()
        response = client_a.post(reverse("invoicing:purchase_create"), post)
        if fz.assert_unchanged_on_error(response, before, *MODELS):
            _assert_registered(post, org_a, files)
        else:
            assert media_files() == files  # no stray upload either


ORGANIZATION = {
    "name": "Alpha B.V.", "address": "Damrak 1", "postcode": "1012 LG", "city": "Amsterdam",
    "country": "NL", "kvk_number": "12345678", "vat_id": "NL123456782B01",
    "iban": "NL91ABNA0417164300", "bic": "", "email": "info@acme.test", "phone": "",
    "payment_term_days": "14", "invoice_number_format": "{year}-{seq:04}",
    "invoice_number_yearly_reset": "on", "default_language": "nl",
}


@pytest.mark.django_db
@fz.FUZZ
@given(logo=upload)
def test_fuzz_logo_upload(client_a, org_a, logo):
    url = reverse("accounts:organization_settings")
    with fz.rolled_back():
        files = media_files()
        response = client_a.post(url, {**ORGANIZATION, "logo": logo})
        org_a.refresh_from_db()
        if fz.assert_unchanged_on_error(response, {}):
            logo.seek(0)
            assert Path(org_a.logo.path).read_bytes() == logo.read()
            served = client_a.get(reverse("accounts:organization_logo"))
            assert served["Content-Type"] in ("image/png", "image/jpeg", "image/gif")
        else:
            assert not org_a.logo and media_files() == files

"""Purchase invoices from a supplier's e-invoice, through the Django test client: upload,
the prefilled form, register (with the new supplier when confirmed, the file as attachment);
bad input gets its message and leaves no row and no file behind."""

import datetime
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from einvoice.models import ReceivedEInvoice
from invoicing.models import PurchaseInvoice, Supplier
from tests.einvoice.builders import BILLION_LAUGHS, EXAMPLES, pdf_with, ubl
from tests.invoicing.factories import make_supplier

UPLOAD = reverse("einvoice:import_upload")
D = Decimal


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Kept e-invoices and attachments go to a throw-away directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _english_pages(user_a):
    user_a.language = "en"
    user_a.save(update_fields=["language"])


def _upload(client, content: bytes, name: str = "VF-2026-0042.xml"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def _media_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def _form_values(response) -> dict:
    """What a browser would post from the page's purchase form, as it is filled in."""
    page = lxml.html.fromstring(response.content.decode())
    form = page.xpath("//form[@data-purchase-form]")[0]
    values = {}
    for field in form.xpath(".//input|.//select|.//textarea"):
        name, kind = field.get("name"), field.get("type", "")
        if not name or (kind == "checkbox" and field.get("checked") is None):
            continue
        if field.tag == "select":
            chosen = field.xpath(".//option[@selected]")
            values[name] = chosen[0].get("value") if chosen else ""
        else:
            values[name] = field.get("value", "on" if kind == "checkbox" else "") \
                if field.tag == "input" else (field.text or "")
    return values


def _rows() -> tuple[int, int, int]:
    return (ReceivedEInvoice.objects.count(), PurchaseInvoice.objects.count(),
            Supplier.objects.count())


@pytest.mark.django_db
def test_the_purchase_list_offers_the_import(client_a):
    page = client_a.get(reverse("invoicing:purchase_list")).content.decode()
    assert f'href="{UPLOAD}"' in page and "Import from e-invoice (UBL)" in page
    assert b'type="file"' in client_a.get(UPLOAD).content


@pytest.mark.django_db
def test_upload_prefill_and_register_with_a_new_supplier(client_a, org_a, user_a,
                                                        django_capture_on_commit_callbacks):
    content = ubl()
    response = _upload(client_a, content)
    received = ReceivedEInvoice.objects.get()
    assert response["Location"] == reverse("einvoice:import_check", args=[received.pk])
    assert not Supplier.objects.exists() and not PurchaseInvoice.objects.exists()

    page = client_a.get(response["Location"])
    values = _form_values(page)
    assert values["supplier_invoice_number"] == "VF-2026-0042"
    assert (values["invoice_date"], values["due_date"]) == ("2026-03-16", "2026-04-14")
    assert [values[f"lines-{i}-net_amount"] for i in range(3)] == ["123.45", "25.00", "19.95"]
    assert [values[f"lines-{i}-vat_rate"] for i in range(3)] == ["21", "21", "9"]
    assert (values["vat_21"], values["vat_9"]) == ("31.17", "1.80")
    assert values["create_supplier"] == "on" and values["supplier"] == ""
    assert (values["supplier-name"], values["supplier-vat_id"], values["supplier-kvk_number"],
            values["supplier-iban"]) == ("Verfhandel De Kwast B.V.", "NL004495445B01",
                                         "34567890", "NL02ABNA0123456789")

    with django_capture_on_commit_callbacks(execute=True):
        done = client_a.post(page.request["PATH_INFO"], values)
    invoice = PurchaseInvoice.objects.get()
    assert done["Location"] == reverse("invoicing:purchase_detail", args=[invoice.pk])
    supplier = Supplier.objects.get()
    assert (supplier.organization, supplier.name, supplier.vat_id, supplier.kvk_number,
            supplier.iban) == (org_a, "Verfhandel De Kwast B.V.", "NL004495445B01", "34567890",
                               "NL02ABNA0123456789")
    assert (invoice.supplier, invoice.supplier_invoice_number, invoice.registered_by) == (
        supplier, "VF-2026-0042", user_a)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("168.40"), D("32.97"), D("201.37"))
    assert [(ln.description, ln.vat_rate, ln.net_amount) for ln in invoice.lines.all()] == [
        ("Muurverf wit 10 liter", "21", D("123.45")), ("Kwasten set", "21", D("25.00")),
        ("Vakblad verf", "9", D("19.95"))]
    assert (invoice.attachment_type, invoice.attachment_name) == (
        "application/xml", "VF-2026-0042.xml")
    download = client_a.get(reverse("invoicing:purchase_attachment", args=[invoice.pk]))
    assert b"".join(download.streaming_content) == content
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    received.refresh_from_db()
    assert received.purchase == invoice and not received.file
    # The kept copy is gone; the attachment is the one file left.
    assert _media_files() == {Path(invoice.attachment.path)}
    again = client_a.get(reverse("einvoice:import_check", args=[received.pk]))
    assert again["Location"] == reverse("invoicing:purchase_detail", args=[invoice.pk])


@pytest.mark.django_db
def test_a_known_supplier_is_chosen_and_no_new_one_is_made(client_a, org_a):
    known = make_supplier(org_a, name="De Kwast", iban="NL02ABNA0123456789")
    page = client_a.get(_upload(client_a, ubl())["Location"])
    assert "Found your supplier De Kwast by the IBAN." in page.content.decode()
    values = _form_values(page)
    assert values["supplier"] == str(known.pk) and "create_supplier" not in values
    client_a.post(page.request["PATH_INFO"], values)
    assert PurchaseInvoice.objects.get().supplier == known
    assert Supplier.objects.count() == 1


@pytest.mark.django_db
def test_a_pdf_with_the_ubl_embedded_is_kept_as_the_pdf(client_a, org_a):
    make_supplier(org_a, name="De Kwast", vat_id="NL004495445B01")
    content = pdf_with({"factuur.xml": ubl()})
    page = client_a.get(_upload(client_a, content, "factuur.pdf")["Location"])
    client_a.post(page.request["PATH_INFO"], _form_values(page))
    invoice = PurchaseInvoice.objects.get()
    assert (invoice.attachment_type, invoice.gross_total) == ("application/pdf", D("201.37"))
    assert Path(invoice.attachment.path).read_bytes() == content


@pytest.mark.django_db
def test_a_credit_note_is_registered_as_a_negative_purchase(client_a, org_a):
    make_supplier(org_a, name="De Kwast", kvk_number="34567890")
    page = client_a.get(_upload(client_a, ubl(credit_note=True, number="CN-7"))["Location"])
    assert "This e-invoice is a credit note" in page.content.decode()
    client_a.post(page.request["PATH_INFO"], _form_values(page))
    invoice = PurchaseInvoice.objects.get()
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("-168.40"), D("-32.97"), D("-201.37"))
    assert invoice.description == "Credit note for invoice VF-2026-0041"


@pytest.mark.django_db
def test_a_new_supplier_is_made_only_when_confirmed(client_a, org_a):
    page = client_a.get(_upload(client_a, ubl())["Location"])
    values = {k: v for k, v in _form_values(page).items() if k != "create_supplier"}
    response = client_a.post(page.request["PATH_INFO"], values)
    assert "Choose a supplier, or confirm the new supplier." in response.content.decode()
    assert _rows() == (1, 0, 0)


@pytest.mark.django_db
def test_an_existing_supplier_and_the_new_one_together_is_refused(client_a, org_a):
    other = make_supplier(org_a, name="Iemand anders")
    page = client_a.get(_upload(client_a, ubl())["Location"])
    values = {**_form_values(page), "supplier": str(other.pk)}
    response = client_a.post(page.request["PATH_INFO"], values)
    assert "Choose one of your suppliers, or confirm the new supplier below, not both." in \
        response.content.decode()
    assert _rows() == (1, 0, 1)


@pytest.mark.django_db
def test_a_refused_registration_creates_no_supplier_either(client_a, org_a, user_a):
    page = client_a.get(_upload(client_a, ubl())["Location"])
    values = _form_values(page)
    values["vat_21"] = "35.00"  # not what the lines make: the purchase service refuses
    response = client_a.post(page.request["PATH_INFO"], values)
    assert "differs by more than 0.01" in response.content.decode()
    assert _rows() == (1, 0, 0)
    assert ReceivedEInvoice.objects.get().file  # still there to try again


def _bomb_in_utf16() -> bytes:
    return BILLION_LAUGHS.decode().encode("utf-16")


BAD_INPUTS = {
    "not XML": (b"Beste klant, hierbij de factuur.", "is not an XML file"),
    "not UBL": (b'<order xmlns="urn:example:orders"><id>1</id></order>', "is not a UBL invoice"),
    "totals": (ubl(overrides={"TaxInclusiveAmount": "205.00", "PayableAmount": "205.00"}),
               "the total including VAT is 205.00 in the e-invoice, but its parts make 201.37"),
    "buyer": (ubl(buyer_name="Gamma Bouw B.V.", buyer_vat="", buyer_kvk=""),
              "This invoice is addressed to Gamma Bouw B.V., not to Alpha B.V."),
    "bomb": (BILLION_LAUGHS, "declares a DTD or entities"),
    "bomb utf-16": (_bomb_in_utf16(), "declares a DTD or entities"),
    "pdf without ubl": (pdf_with({"a.txt": b"x"}), "This PDF has no UBL e-invoice attached"),
    "currency": (ubl(currency="USD"), "This invoice is in USD"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_its_message_and_nothing_is_stored(client_a, org_a, case):
    content, expected = BAD_INPUTS[case]
    response = _upload(client_a, content)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert _rows() == (0, 0, 0) and _media_files() == set()


@pytest.mark.django_db
def test_a_huge_file_is_refused(client_a, settings):
    settings.UPLOAD_MAX_BYTES = 4096  # the upload handler cuts it off at this size
    response = _upload(client_a, b"<a>" + b" " * 10_000 + b"</a>")
    assert "The file may be at most 0 MB." in response.content.decode()
    assert _rows() == (0, 0, 0) and _media_files() == set()


@pytest.mark.django_db
def test_the_dutch_page_says_it_in_dutch(client_a, user_a):
    user_a.language = "nl"
    user_a.save(update_fields=["language"])
    response = _upload(client_a, b"geen xml")
    assert "Importeren uit e-factuur (UBL)" in response.content.decode()
    assert "is geen XML-bestand" in response.content.decode()


@pytest.mark.django_db
def test_a_shared_peppol_example_is_refused_for_its_buyer_not_its_totals(client_a):
    path = EXAMPLES / "base-example.xml"
    if not path.exists():
        pytest.skip(f"the shared Peppol examples are not here: {EXAMPLES} (set EBH_SHARED_DIR)")
    page = _upload(client_a, path.read_bytes()).content.decode()
    assert "This invoice is addressed to BuyerTradingName AS, not to Alpha B.V." in page


@pytest.mark.django_db
def test_an_upload_left_unregistered_for_a_week_is_forgotten(client_a, org_a,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_a, ubl(number="OLD-1"))
    old = ReceivedEInvoice.objects.get()
    ReceivedEInvoice.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client_a, ubl(number="NEW-1"))
    new = ReceivedEInvoice.objects.get()
    assert new.pk != old.pk
    assert _media_files() == {Path(new.file.path)}


@pytest.mark.django_db
def test_a_utf16_e_invoice_is_read_registered_and_kept_as_it_came(client_a, org_a):
    content = ubl().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    page = client_a.get(_upload(client_a, content)["Location"])
    client_a.post(page.request["PATH_INFO"], _form_values(page))
    invoice = PurchaseInvoice.objects.get()
    assert (invoice.gross_total, invoice.attachment_type) == (D("201.37"), "application/xml")
    assert Path(invoice.attachment.path).read_bytes() == content

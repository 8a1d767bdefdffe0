import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from invoicing import services
from invoicing.models import EmailLog, ImmutableError, SalesInvoice, SalesInvoiceLine
from tests.invoicing.factories import line, make_customer, make_draft, make_sent


def _pdf_text(invoice) -> str:
    with invoice.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    # Whitespace normalised: the PDF wraps long cells over lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.django_db
def test_legal_check_lists_everything_missing_in_one_message(org_a, user_a):
    org_a.kvk_number = ""
    org_a.vat_id = ""
    org_a.save()
    customer = make_customer(org_a, vat_id="", address="", country="DE", email="")
    draft = make_draft(org_a, customer=customer, lines=[line(rate="icp_goods"),
                                                        line(description="  ")])
    with translation.override("en"), pytest.raises(services.InvoicingError) as caught:
        services.invoice_finalize(invoice=draft, send_email=True, user=user_a)
    text = " ".join(caught.value.messages)
    for expected in ["KvK number", "your VAT id", "Customer: address",
                     "VAT id is required", "description", "email address"]:
        assert expected in text
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number == "" and not draft.pdf


@pytest.mark.django_db
def test_finalize_page_shows_all_problems_and_keeps_the_draft(client_a, org_a):
    customer = make_customer(org_a, vat_id="", email="")
    draft = make_draft(org_a, customer=customer, lines=[line(rate="reverse")])
    response = client_a.post(reverse("invoicing:invoice_finalize", args=[draft.pk]),
                             {"send_email": "on", "message": "Hallo"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "btw-id" in page.lower() or "vat id" in page.lower()
    assert "e-mailadres" in page or "email address" in page
    assert SalesInvoice.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_finalized_invoice_is_an_immutable_snapshot(org_a, user_a):
    customer = make_customer(org_a, name="Oude Naam B.V.")
    invoice = make_sent(org_a, user_a, customer=customer)
    assert invoice.buyer["name"] == "Oude Naam B.V."
    assert invoice.seller["vat_id"] == org_a.vat_id
    customer.name = "Nieuwe Naam B.V."
    customer.save()
    org_a.name = "Renamed"
    org_a.save()
    invoice = SalesInvoice.objects.get(pk=invoice.pk)
    assert invoice.buyer["name"] == "Oude Naam B.V." and invoice.seller["name"] == "Alpha B.V."
    invoice.note = "changed"
    with pytest.raises(ImmutableError):
        invoice.save()
    with pytest.raises(ImmutableError):
        invoice.delete()
    with pytest.raises(ImmutableError), transaction.atomic():
        SalesInvoice.objects.filter(pk=invoice.pk).delete()
    first_line = invoice.lines.first()
    first_line.unit_price = Decimal("1")
    with pytest.raises(ImmutableError):
        first_line.save()
    with pytest.raises(ImmutableError):
        first_line.delete()
    with pytest.raises(services.InvoicingError):
        services.invoice_save_draft(invoice=invoice, organization=org_a, lines=[line()])
    with pytest.raises(services.InvoicingError):
        services.invoice_finalize(invoice=invoice, send_email=False, user=user_a)
    assert SalesInvoiceLine.objects.filter(invoice=invoice).count() == 1


@pytest.mark.django_db
def test_finalized_invoice_cannot_be_edited_or_deleted_through_the_ui(client_a, org_a, user_a):
    invoice = make_sent(org_a, user_a)
    edit = client_a.get(reverse("invoicing:invoice_edit", args=[invoice.pk]))
    assert edit.status_code == 302
    client_a.post(reverse("invoicing:invoice_delete", args=[invoice.pk]))
    assert SalesInvoice.objects.filter(pk=invoice.pk).exists()


@pytest.mark.django_db
def test_pdf_holds_number_totals_vat_lines_and_legal_texts(client_a, org_a, user_a):
    customer = make_customer(org_a, country="BE", vat_id="BE0123456749", language="nl")
    invoice = make_sent(org_a, user_a, customer=customer, lines=[
        line("Levering verf", quantity="2", price="100", rate="icp_goods"),
        line("Advies", quantity="1", price="50", rate="icp_services"),
    ])
    text = _pdf_text(invoice)
    for expected in ["Factuur 2026-0001", "Alpha B.V.", "KvK", "12345678", "NL123456782B01",
                     "BE0123456749", "Levering verf", "€ 250,00", "Intracommunautaire levering",
                     "138", "196", "NL91 ABNA 0417 1643 00", "Vervaldatum", "16-03-2026",
                     "betalingskenmerk 2026-0001"]:
        assert expected in text, (expected, text)
    response = client_a.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_pdf_in_english_with_reverse_charge_and_vat_breakdown(org_a, user_a):
    customer = make_customer(org_a, language="en", vat_id="NL000099998B57")
    invoice = make_sent(org_a, user_a, customer=customer, language="en", lines=[
        line("Subcontracted painting", quantity="10", price="45", rate="reverse"),
    ])
    text = _pdf_text(invoice)
    for expected in ["Invoice 2026-0001", "VAT reverse charged (btw verlegd)",
                     "NL000099998B57", "€ 450.00", "Total incl. VAT", "Due date"]:
        assert expected in text, expected


@pytest.mark.django_db
def test_pdf_shows_both_currencies(org_a, user_a):
    invoice = make_sent(org_a, user_a, language="en", currency="USD",
                        exchange_rate=Decimal("0.9"), exchange_rate_source="manual",
                        lines=[line(price="100")])
    text = _pdf_text(invoice)
    assert "$ 121.00" in text
    assert "€ 108.90" in text
    assert "Exchange rate: 1 USD = 0.900000 EUR (own rate)" in text


@pytest.mark.django_db
def test_pdf_is_rendered_once_and_deterministic(org_a, user_a):
    from invoicing.pdf import render_invoice_pdf

    invoice = make_sent(org_a, user_a)
    with invoice.pdf.open("rb") as handle:
        stored = handle.read()
    assert render_invoice_pdf(invoice) == stored


@pytest.mark.django_db(transaction=True)
def test_finalize_and_email_sends_the_pdf_after_commit(org_a, user_a):
    draft = make_draft(org_a)
    invoice = services.invoice_finalize(invoice=draft, send_email=True,
                                        message="Beste klant,\nZie bijlage.", user=user_a)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["klant@example.test"]
    assert "2026-0001" in message.subject
    assert "Zie bijlage." in message.body
    name, content, mime = message.attachments[0]
    assert (name, mime) == ("2026-0001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    log = EmailLog.objects.get(invoice=invoice)
    assert log.status == "sent" and log.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_finalize_without_email_sends_nothing(org_a, user_a):
    invoice = make_sent(org_a, user_a)
    assert invoice.status == "sent" and mail.outbox == []
    assert not EmailLog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_mail_server_failure_keeps_the_invoice_finalized(org_a, user_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens here
    from config import celery_app

    celery_app.conf.task_eager_propagates = False
    try:
        draft = make_draft(org_a)
        invoice = services.invoice_finalize(invoice=draft, send_email=True, user=user_a)
    finally:
        celery_app.conf.task_eager_propagates = True
    invoice.refresh_from_db()
    assert invoice.status == "sent" and invoice.number == "2026-0001"
    log = EmailLog.objects.get(invoice=invoice)
    assert log.status == "failed" and log.error


@pytest.mark.django_db
def test_finalize_view_with_email(client_a, org_a, django_capture_on_commit_callbacks):
    draft = make_draft(org_a)
    url = reverse("invoicing:invoice_finalize", args=[draft.pk])
    assert "Beste" in client_a.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(url, {"send_email": "on", "message": "Beste klant, tot ziens"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "tot ziens" in mail.outbox[0].body
    detail = client_a.get(reverse("invoicing:invoice_detail", args=[draft.pk])).content.decode()
    assert "2026-0001" in detail and "klant@example.test" in detail


@pytest.mark.django_db
def test_overdue_and_partly_paid_are_derived(org_a, user_a):
    invoice = make_sent(org_a, user_a, issue_date=datetime.date(2026, 1, 1))
    assert invoice.display_status(today=datetime.date(2026, 1, 15)) == "open"
    assert invoice.display_status(today=datetime.date(2026, 1, 16)) == "overdue"
    services.payment_register(invoice=invoice, amount=Decimal("21"),
                              date=datetime.date(2026, 1, 10), user=user_a)
    invoice.refresh_from_db()
    assert invoice.display_status(today=datetime.date(2026, 1, 10)) == "partly_paid"
    assert SalesInvoice.objects.overdue(today=datetime.date(2026, 2, 1)).count() == 1


@pytest.mark.django_db
def test_draft_preview_is_marked_and_changes_nothing(client_a, org_a):
    draft = make_draft(org_a, lines=[line("Schilderwerk keuken", price="80")])
    response = client_a.get(reverse("invoicing:invoice_preview", args=[draft.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "CONCEPT" in text and "Schilderwerk keuken" in text and "€ 96,80" in text
    draft = SalesInvoice.objects.get(pk=draft.pk)
    assert draft.number == "" and draft.status == "draft" and not draft.pdf
    assert draft.seller == {} and draft.buyer == {}


@pytest.mark.django_db
def test_resend_by_email_to_another_address_is_logged(client_a, org_a, user_a,
                                                      django_capture_on_commit_callbacks):
    invoice = make_sent(org_a, user_a)
    url = reverse("invoicing:invoice_email", args=[invoice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(url, {"to": "boekhouding@klant.test", "message": "Herinnering"})
    assert mail.outbox[0].to == ["boekhouding@klant.test"]
    assert "Herinnering" in mail.outbox[0].body
    client_a.post(url, {"to": "not an address", "message": ""})
    assert list(EmailLog.objects.values_list("to", "status")) == [
        ("boekhouding@klant.test", "sent")]
    draft = make_draft(org_a)
    client_a.post(reverse("invoicing:invoice_email", args=[draft.pk]),
                  {"to": "x@klant.test", "message": "x"})
    assert EmailLog.objects.count() == 1


@pytest.mark.django_db
def test_pdf_carries_the_logo_and_fetches_nothing_from_the_network(org_a, user_a):
    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (120, 40), "navy").save(buffer, "PNG")
    org_a.logo.save("logo.png", ContentFile(buffer.getvalue()))
    org_a.name = 'Alpha <img src="http://example.invalid/x.png"> B.V.'
    org_a.save()
    invoice = make_sent(org_a, user_a)
    assert invoice.seller["logo"].startswith("logos/")
    with invoice.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    assert len(reader.pages[0].images) == 1  # the logo; the name's markup is escaped text
    assert "example.invalid" in _pdf_text(invoice)


def test_pdf_url_fetcher_refuses_the_network_and_foreign_files():
    from invoicing.pdf import FONT_DIR, BlockedResourceError, _local_fetcher

    fetcher = _local_fetcher()
    for url in ["http://example.invalid/x.png", "https://example.invalid/f.ttf",
                "file:///etc/passwd", f"file://{FONT_DIR}/../../../../etc/passwd"]:
        with pytest.raises(BlockedResourceError):
            fetcher.fetch(url)
    response = fetcher.fetch(f"file://{FONT_DIR}/DejaVuSans.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"
    response.close()

"""Paying made easy: the EPC QR code ("GiroCode") on a EUR invoice's PDF and the payment
details in the invoice email."""

import datetime
from decimal import Decimal

import pytest
import segno
from django.core import mail

from invoicing import services
from invoicing.payment_qr import EpcTransfer, epc_qr, epc_transfer
from invoicing.pdf import render_invoice_html
from invoicing.snapshots import seller_snapshot
from tests.invoicing.factories import line, make_draft, make_sent

IBAN = "NL91ABNA0417164300"


def _expected_matrix(*lines: str):
    """The code a banking app reads for exactly these EPC lines (ISO 8859-1, level M)."""
    payload = "\n".join(lines).encode("iso-8859-1")
    return segno.make_qr(payload, error="m", boost_error=False).matrix


@pytest.fixture
def seller(org_a):
    org_a.name, org_a.iban = "Schildersbedrijf Jansen", IBAN
    org_a.save()
    return org_a


@pytest.mark.django_db
def test_eur_invoice_code_carries_iban_name_amount_and_reference(seller, user_a):
    invoice = make_sent(seller, user_a, lines=[line(price="1000.00")])
    transfer = epc_transfer(invoice)
    assert transfer == EpcTransfer("Schildersbedrijf Jansen", IBAN, Decimal("1210.00"),
                                   text=invoice.number)
    expected = _expected_matrix("BCD", "002", "2", "SCT", "", "Schildersbedrijf Jansen", IBAN,
                                "EUR1210", "", "", invoice.number)
    assert epc_qr(transfer).matrix == expected
    html = render_invoice_html(invoice)
    assert "data-epc-qr" in html and 'class="epc-qr"' in html
    assert "Scan en betaal met uw bank-app" in html


def test_a_creditor_reference_goes_into_the_structured_field():
    transfer = EpcTransfer("Jansen", IBAN, Decimal("12.34"), reference="RF18539007547034")
    expected = _expected_matrix("BCD", "002", "2", "SCT", "", "Jansen", IBAN, "EUR12.34", "",
                                "RF18539007547034")
    assert epc_qr(transfer).matrix == expected


@pytest.mark.django_db
def test_structured_reference_is_recognised_from_the_payment_reference(seller, user_a):
    invoice = make_sent(seller, user_a)
    invoice.payment_reference = "RF18 5390 0754 7034"  # not saved: only what the code reads
    assert epc_transfer(invoice).reference == "RF18539007547034"
    assert epc_transfer(invoice).text == ""


@pytest.mark.django_db
def test_no_code_for_foreign_currency_credit_note_or_missing_iban(seller, user_a):
    usd = make_sent(seller, user_a, currency="USD", exchange_rate=Decimal("0.9"),
                    exchange_rate_source="manual")
    eur = make_sent(seller, user_a)
    credit = services.invoice_finalize(
        invoice=services.credit_note_create(invoice=eur, user=user_a), send_email=False,
        user=user_a)
    seller.iban = ""
    seller.save()
    no_iban = make_sent(seller, user_a)
    for invoice in (usd, credit, no_iban):
        assert epc_transfer(invoice) is None
        assert "data-epc-qr" not in render_invoice_html(invoice)
    assert "data-epc-qr" in render_invoice_html(eur)


@pytest.mark.django_db
def test_a_draft_preview_has_no_code(seller):
    draft = make_draft(seller)
    draft.seller, draft.payment_reference = seller_snapshot(seller), "2026-0001"
    assert epc_transfer(draft) is not None  # the preview itself leaves the code out
    assert "data-epc-qr" not in render_invoice_html(draft, preview=True)


@pytest.mark.django_db
def test_no_code_for_nothing_or_too_much_to_pay(seller, user_a):
    invoice = make_sent(seller, user_a)
    for amount in (Decimal("0.00"), Decimal("-5.00"), Decimal("1000000000.00")):
        invoice.gross_total = amount  # not saved: the snapshot the code is made from
        assert epc_transfer(invoice) is None
    invoice.gross_total = Decimal("999999999.99")
    assert epc_transfer(invoice).amount == Decimal("999999999.99")


@pytest.mark.django_db
def test_pdf_with_the_code_stays_deterministic(seller, user_a):
    from invoicing.pdf import render_invoice_pdf

    invoice = make_sent(seller, user_a)
    with invoice.pdf.open("rb") as handle:
        stored = handle.read()
    assert render_invoice_pdf(invoice) == stored


# --------------------------------------------------------------------------- email


@pytest.fixture
def sent_email(django_capture_on_commit_callbacks):
    def send(invoice, user) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.email_queue(invoice=invoice, to="klant@example.test", message="",
                                 user=user)
        return mail.outbox[-1].body
    return send


@pytest.mark.django_db
def test_dutch_email_shows_amount_due_date_iban_and_reference(seller, user_a, sent_email):
    invoice = make_sent(seller, user_a, language="nl", lines=[line(price="1000.00")],
                        issue_date=datetime.date(2026, 3, 2))
    body = sent_email(invoice, user_a)
    assert "€ 1.210,00" in body and "16-3-2026" in body
    assert "NL91 ABNA 0417 1643 00" in body and "Schildersbedrijf Jansen" in body
    assert f"betalingskenmerk {invoice.number}" in body


@pytest.mark.django_db
def test_english_email_shows_the_open_amount_after_a_part_payment(seller, user_a, sent_email):
    invoice = make_sent(seller, user_a, language="en", lines=[line(price="1000.00")],
                        issue_date=datetime.date(2026, 3, 2))
    services.payment_register(invoice=invoice, amount=Decimal("210.00"),
                              date=datetime.date(2026, 3, 5), note="", user=user_a)
    invoice.refresh_from_db()
    body = sent_email(invoice, user_a)
    assert "€ 1,210.00" in body and "€ 1,000.00" in body
    assert "NL91 ABNA 0417 1643 00" in body and f"payment reference {invoice.number}" in body


@pytest.mark.django_db
def test_credit_note_email_says_no_payment_is_needed(seller, user_a, sent_email):
    original = make_sent(seller, user_a, language="nl")
    credit = services.invoice_finalize(
        invoice=services.credit_note_create(invoice=original, user=user_a), send_email=False,
        user=user_a)
    body = sent_email(credit, user_a)
    assert "U hoeft niets te betalen" in body and "IBAN" not in body
    english = make_sent(seller, user_a, language="en")
    credit_en = services.invoice_finalize(
        invoice=services.credit_note_create(invoice=english, user=user_a), send_email=False,
        user=user_a)
    assert "No payment is needed" in sent_email(credit_en, user_a)

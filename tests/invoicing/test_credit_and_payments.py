import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing import services
from invoicing.models import SalesInvoice
from tests.invoicing.factories import line, make_sent

D = Decimal


@pytest.mark.django_db
def test_full_credit_note_negates_links_and_credits_the_original(org_a, user_a):
    original = make_sent(org_a, user_a, lines=[line(quantity="2", price="50"),
                                               line(price="10", rate="9")])
    draft = services.credit_note_create(invoice=original, user=user_a)
    assert draft.kind == "credit_note" and draft.credited_invoice == original
    assert [ln.quantity for ln in draft.lines.all()] == [D("-2"), D("-1")]
    credit = services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    assert credit.number == "2026-0002"  # same gap-free series
    assert credit.gross_total == -original.gross_total == D("-131.90")
    assert any("2026-0001" in text for text in credit.legal_texts)
    original.refresh_from_db()
    assert original.status == "credited" and original.amount_credited == D("131.90")
    with pytest.raises(services.InvoicingError):
        services.credit_note_create(invoice=original, user=user_a)


@pytest.mark.django_db
def test_partial_credit_note_by_quantity(client_a, org_a, user_a):
    original = make_sent(org_a, user_a, lines=[line(quantity="10", price="20")])
    original_line = original.lines.get()
    url = reverse("invoicing:credit_note_create", args=[original.pk])
    assert client_a.get(url).status_code == 200
    response = client_a.post(url, {f"line_{original_line.pk}": "3"})
    credit = SalesInvoice.objects.get(kind="credit_note")
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[credit.pk])
    assert credit.gross_total == D("-72.60")
    services.invoice_finalize(invoice=credit, send_email=False, user=user_a)
    original.refresh_from_db()
    assert original.status == "sent" and original.amount_credited == D("72.60")
    # No more than what is left can be credited.
    too_much = client_a.post(url, {f"line_{original_line.pk}": "8"})
    assert too_much.status_code == 200
    assert SalesInvoice.objects.filter(kind="credit_note").count() == 1
    assert services.creditable_quantities(original) == {original_line.pk: D("7")}


@pytest.mark.django_db
def test_partial_then_full_payment(client_a, org_a, user_a):
    invoice = make_sent(org_a, user_a, lines=[line(price="100")])
    url = reverse("invoicing:payment_register", args=[invoice.pk])
    client_a.post(url, {"amount": "21,00", "date": "2026-03-05"})
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("21.00") and invoice.display_status(
        today=datetime.date(2026, 3, 5)) == "partly_paid"
    client_a.post(url, {"amount": "200", "date": "2026-03-06"})  # more than open: refused
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("21.00")
    client_a.post(url, {"amount": "100,00", "date": "2026-03-06"})
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.payments.count() == 2


@pytest.mark.django_db
def test_payment_refused_on_draft_and_with_bad_input(client_a, org_a, user_a):
    from tests.invoicing.factories import make_draft

    draft = make_draft(org_a)
    with pytest.raises(services.InvoicingError):
        services.payment_register(invoice=draft, amount=D("1"), date=datetime.date(2026, 3, 1),
                                  user=user_a)
    invoice = make_sent(org_a, user_a)
    url = reverse("invoicing:payment_register", args=[invoice.pk])
    for data in [{"amount": "abc", "date": "2026-03-05"}, {"amount": "-5", "date": "2026-03-05"},
                 {"amount": "5", "date": "1900-01-01"}]:
        response = client_a.post(url, data)
        assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0 and not invoice.payments.exists()

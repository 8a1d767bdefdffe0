"""Sales invoice editor (header + line formset), payments and numbering under hostile POSTs:
never a server error, nothing written on a refusal, and saved drafts hold what was posted."""

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from invoicing.forms import InvoiceForm, LineFormSet, PaymentForm
from invoicing.models import NumberCounter, Payment, SalesInvoice, SalesInvoiceLine
from tests.fuzz import strategies as fz
from tests.invoicing.factories import make_draft, make_sent

NEW = reverse("invoicing:invoice_create")
MODELS = (SalesInvoice, SalesInvoiceLine)
INVOICE_LINE = {**fz.LINE, "discount_percent": fz.number(""), "DELETE": fz.choice("")}


@st.composite
def invoice_posts(draw, customer_pk: int):
    return fz.with_lines(draw, {
        "customer": fz.choice(str(customer_pk)),
        "issue_date": fz.date("2026-03-02"),
        "delivery_date": fz.date(""),
        "payment_term_days": fz.number("30"),
        "language": fz.choice("nl"),
        "currency": fz.text(["EUR", "EUR", "usd"]),
        "exchange_rate": fz.number(["1", "0,9215", "99999999.999999"]),
        "reference": fz.text(),
        "note": fz.text(""),
    }, INVOICE_LINE)


def _cleaned(data, organization, instance=None):
    """What the editor's own forms make of the data (the reference for a saved draft)."""
    form = InvoiceForm(data, instance=instance, organization=organization)
    formset = LineFormSet(data, prefix="lines", form_kwargs={"organization": organization})
    assert form.is_valid() and formset.is_valid()
    return form.cleaned_data, formset.line_data()


def _assert_saved_as_posted(invoice, header, lines) -> None:
    assert invoice.customer == header["customer"]
    assert invoice.issue_date == header["issue_date"]
    assert invoice.currency == header["currency"]
    assert invoice.reference == header["reference"]
    saved = list(invoice.lines.order_by("position"))
    assert [ln.description for ln in saved] == [ln.description for ln in lines]
    assert [ln.quantity for ln in saved] == [ln.quantity for ln in lines]
    assert [ln.unit_price for ln in saved] == [ln.unit_price for ln in lines]
    fz.assert_money(invoice.net_total, invoice.vat_total, invoice.gross_total,
                 *(ln.net_amount for ln in saved), *(ln.gross_amount for ln in saved))
    assert invoice.gross_total == invoice.net_total + invoice.vat_total


@pytest.fixture
def draft(org_a, customer):
    return make_draft(org_a, customer=customer)


@pytest.fixture
def sent_invoice(org_a, user_a, customer):
    return make_sent(org_a, user_a, customer=customer)


@pytest.mark.django_db
@fz.FUZZ_LINES
@given(data=st.data())
def test_fuzz_invoice_create(client_a, org_a, customer, data):
    post = data.draw(invoice_posts(customer.pk))

    def check_saved(before) -> None:
        assert len(before["SalesInvoice"]) + 1 == SalesInvoice.objects.count()
        _assert_saved_as_posted(SalesInvoice.objects.latest("pk"), *_cleaned(post, org_a))

    fz.post_checked(client_a, NEW, post, MODELS, check_saved)


@pytest.mark.django_db
@fz.FUZZ_LINES
@given(data=st.data())
def test_fuzz_invoice_edit(client_a, org_a, customer, draft, data):
    post = data.draw(invoice_posts(customer.pk))

    def check_saved(_before) -> None:
        draft.refresh_from_db()
        _assert_saved_as_posted(draft, *_cleaned(post, org_a, instance=draft))

    url = reverse("invoicing:invoice_edit", args=[draft.pk])
    fz.post_checked(client_a, url, post, MODELS, check_saved)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"amount": fz.number(fz.comma_amount), "date": fz.date("2026-03-05"),
                          "note": fz.text("")}))
def test_fuzz_payment_register(client_a, sent_invoice, post):
    url = reverse("invoicing:payment_register", args=[sent_invoice.pk])
    form = PaymentForm(post)
    with fz.rolled_back():
        before = fz.rows(Payment)
        assert client_a.post(url, post).status_code == 302  # back to the invoice, always
        event(f"payment registered: {fz.rows(Payment) != before}")
        if fz.rows(Payment) == before:
            return
        assert form.is_valid(), form.errors
        payment = Payment.objects.latest("pk")
        fz.assert_money(payment.amount)
        assert (payment.amount, payment.date) == (form.cleaned_data["amount"],
                                                  form.cleaned_data["date"])


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"next_number": fz.number("42")}))
def test_fuzz_numbering_settings(client_a, org_a, post):
    def check_saved(_before) -> None:
        page = client_a.get(reverse("invoicing:numbering_settings")).content.decode()
        assert f'value="{int(post["next_number"].strip())}"' in page

    url = reverse("invoicing:numbering_settings")
    fz.post_checked(client_a, url, post, (NumberCounter,), check_saved)

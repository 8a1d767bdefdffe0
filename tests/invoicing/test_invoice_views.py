import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing.models import SalesInvoice, SalesInvoiceLine
from tests.invoicing.factories import line, make_customer, make_draft, make_product, make_sent

NEW = reverse("invoicing:invoice_create")


def _data(customer, lines=None, **overrides):
    lines = lines if lines is not None else [
        {"description": "Schilderwerk", "quantity": "8", "unit": "uur", "unit_price": "55",
         "discount_percent": "", "vat_rate": "21"},
        {"description": "Verf", "quantity": "2,5", "unit": "l", "unit_price": "12,40",
         "discount_percent": "10", "vat_rate": "21"},
    ]
    data = {
        "customer": customer.pk, "issue_date": "2026-03-02", "delivery_date": "",
        "payment_term_days": "30", "language": "nl", "currency": "EUR", "exchange_rate": "1",
        "reference": "PO-17", "note": "",
        "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0",
    }
    for i, values in enumerate(lines):
        for key, value in values.items():
            data[f"lines-{i}-{key}"] = value
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_create_draft_with_lines_and_server_side_totals(client_a, org_a):
    customer = make_customer(org_a)
    assert client_a.get(NEW).status_code == 200
    response = client_a.post(NEW, _data(customer))
    invoice = SalesInvoice.objects.get()
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert invoice.status == "draft" and invoice.number == ""
    assert invoice.net_total == Decimal("467.90")  # 440 + round(27.90)
    assert invoice.vat_total == Decimal("98.26")
    assert invoice.due_date == datetime.date(2026, 4, 1)
    page = client_a.get(response["Location"]).content.decode()
    assert "Schilderwerk" in page and "566,16" in page


@pytest.mark.django_db
def test_edit_removes_and_adds_lines(client_a, org_a):
    invoice = make_draft(org_a, lines=[line("Oud 1"), line("Oud 2")])
    url = reverse("invoicing:invoice_edit", args=[invoice.pk])
    page = client_a.get(url).content.decode()
    assert "Oud 2" in page and 'id="line-template"' in page and "__prefix__" in page
    data = _data(invoice.customer, lines=[
        {"description": "Oud 1", "quantity": "1", "unit_price": "100", "vat_rate": "21"},
        {"description": "Oud 2", "quantity": "1", "unit_price": "100", "vat_rate": "21",
         "DELETE": "on"},
        {"description": "Nieuw", "quantity": "1", "unit_price": "5", "vat_rate": "9"},
    ])
    assert client_a.post(url, data).status_code == 302
    assert list(invoice.lines.values_list("description", flat=True)) == ["Oud 1", "Nieuw"]
    invoice.refresh_from_db()
    assert invoice.gross_total == Decimal("126.45")


@pytest.mark.django_db
def test_products_are_offered_when_writing_a_line(client_a, org_a):
    product = make_product(org_a, description="Latex muurverf", ledger_account="8010")
    page = client_a.get(NEW).content.decode()
    assert "Latex muurverf" in page and 'id="products-data"' in page
    customer = make_customer(org_a)
    data = _data(customer, lines=[{"product": product.pk, "description": "Latex muurverf",
                                   "quantity": "1", "unit_price": "55", "vat_rate": "21"}])
    client_a.post(NEW, data)
    saved = SalesInvoiceLine.objects.get()
    assert saved.product == product and saved.ledger_account == "8010"


BAD_LINES = {
    "non-numeric amount": {"unit_price": "twelve"},
    "unknown VAT rate": {"vat_rate": "25"},
    "one megabyte description": {"description": "x" * 1024 * 1024},
    "discount over 100": {"discount_percent": "150"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_line_input_gives_a_clear_error_and_saves_nothing(client_a, org_a, case):
    customer = make_customer(org_a)
    values = {"description": "Werk", "quantity": "1", "unit_price": "10", "vat_rate": "21",
              **BAD_LINES[case]}
    response = client_a.post(NEW, _data(customer, lines=[values]))
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [
    {"issue_date": "1900-01-01"}, {"issue_date": "gisteren"}, {"currency": "USD",
                                                               "exchange_rate": "0"},
    {"exchange_rate": "abc", "currency": "USD"}, {"lines-TOTAL_FORMS": "0"},
    {"currency": "XYZ", "exchange_rate": "1"}, {"currency": "DOLLAR"},
])
def test_bad_header_input_is_refused(client_a, org_a, overrides):
    response = client_a.post(NEW, _data(make_customer(org_a), **overrides))
    assert response.status_code == 200
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_ten_thousand_lines_are_refused_clearly(client_a, org_a):
    customer = make_customer(org_a)
    lines = [{"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "21"}] * 10_000
    response = client_a.post(NEW, _data(customer, lines=lines))
    assert response.status_code == 200
    assert "500" in response.content.decode()
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_six_hundred_lines_hit_the_line_limit(client_a, org_a):
    customer = make_customer(org_a)
    lines = [{"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "21"}] * 600
    response = client_a.post(NEW, _data(customer, lines=lines))
    assert response.status_code == 200
    assert "500" in response.content.decode()
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_another_organizations_customer_cannot_be_chosen(client_a, org_a, org_b):
    foreign = make_customer(org_b)
    response = client_a.post(NEW, _data(foreign))
    assert response.status_code == 200
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_list_filters_and_totals(client_a, org_a, user_a):
    alice = make_customer(org_a, name="Alice Bakkerij")
    bob = make_customer(org_a, name="Bob Bouw")
    make_sent(org_a, user_a, customer=alice, issue_date=datetime.date(2026, 1, 5))
    paid = make_sent(org_a, user_a, customer=bob, issue_date=datetime.date(2026, 2, 5))
    from invoicing import services

    services.payment_register(invoice=paid, amount=paid.gross_total,
                              date=datetime.date(2026, 2, 6), user=user_a)
    make_draft(org_a, customer=bob)
    url = reverse("invoicing:invoice_list")
    everything = client_a.get(url)
    assert everything.context["totals"]["count"] == 3
    assert everything.context["totals"]["gross"] == Decimal("363.00")
    assert client_a.get(url, {"status": "paid"}).context["totals"]["count"] == 1
    assert client_a.get(url, {"status": "overdue"}).context["totals"]["count"] == 1
    assert client_a.get(url, {"status": "draft"}).context["totals"]["count"] == 1
    assert client_a.get(url, {"customer": bob.pk}).context["totals"]["count"] == 2
    period = client_a.get(url, {"from": "2026-02-01", "to": "2026-02-28"})
    assert period.context["totals"]["count"] == 1
    assert "Bob Bouw" in period.content.decode()
    assert client_a.get(url, {"from": "nonsense", "status": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_draft_can_be_deleted(client_a, org_a):
    invoice = make_draft(org_a)
    client_a.post(reverse("invoicing:invoice_delete", args=[invoice.pk]))
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_pages_render_in_english(client_a, org_a, user_a):
    user_a.language = "en"
    user_a.save()
    invoice = make_sent(org_a, user_a)
    page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Register a payment" in page and "Download PDF" in page


@pytest.mark.django_db
def test_amounts_in_inputs_are_written_as_the_page_language_writes_them(client_a, org_a, user_a):
    draft = make_draft(org_a, lines=[line(price="1234.50")])
    edit = reverse("invoicing:invoice_edit", args=[draft.pk])
    assert 'name="lines-0-unit_price" value="1234,50"' in client_a.get(edit).content.decode()
    sent = make_sent(org_a, user_a)
    detail = reverse("invoicing:invoice_detail", args=[sent.pk])
    assert 'name="amount" value="121,00"' in client_a.get(detail).content.decode()
    user_a.language = "en"
    user_a.save()
    assert 'name="amount" value="121.00"' in client_a.get(detail).content.decode()


@pytest.mark.django_db
def test_editor_defaults_follow_the_customer_and_the_last_exchange_rate(client_a, org_a, user_a):
    builder = make_customer(org_a, name="Bouw B.V.", reverse_charge=True, payment_term_days=30,
                            language="en")
    make_sent(org_a, user_a, currency="USD", exchange_rate=Decimal("0.912345"))
    page = client_a.get(NEW, {"customer": builder.pk})
    assert page.context["form"].initial["payment_term_days"] == 30
    assert page.context["formset"].forms[0].initial["vat_rate"] == "reverse"
    defaults = page.context["defaults_data"]
    assert defaults["rates"] == {"USD": "0,912345"}  # as the Dutch editor writes it
    assert defaults["customers"][str(builder.pk)] == {
        "language": "en", "reverse_charge": True, "payment_term_days": 30}
    assert 'id="defaults-data"' in page.content.decode()


@pytest.mark.django_db
def test_oversized_posts_through_the_csrf_check_are_a_400_not_a_500(org_a, user_a):
    """With CSRF enforced, Django's CSRF check reads the body first and answers an oversized
    request with 400 Bad Request (never a 500), and nothing is saved."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_a)
    client.get(NEW)
    token = client.cookies["csrftoken"].value
    customer = make_customer(org_a)
    lines = [{"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "21"}] * 10_000
    too_many = client.post(NEW, {**_data(customer, lines=lines), "csrfmiddlewaretoken": token})
    assert too_many.status_code == 400
    too_big = client.post(NEW, {**_data(customer, note="x" * 6 * 1024 * 1024),
                                "csrfmiddlewaretoken": token})
    assert too_big.status_code == 400
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_editor_queries_do_not_grow_with_the_number_of_lines(client_a, org_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_product(org_a)
    small = make_draft(org_a, lines=[line()])
    large = make_draft(org_a, lines=[line(f"Regel {i}") for i in range(60)])
    client_a.get(reverse("invoicing:invoice_edit", args=[small.pk]))  # session warm-up
    counts = []
    for invoice in (small, large):
        with CaptureQueriesContext(connection) as captured:
            client_a.get(reverse("invoicing:invoice_edit", args=[invoice.pk]))
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_invoice_in_dollars_stores_the_entered_rate(client_a, org_a):
    response = client_a.post(NEW, _data(make_customer(org_a), currency="usd",
                                        exchange_rate="0,9215"))
    assert response.status_code == 302
    invoice = SalesInvoice.objects.get()
    assert (invoice.currency, invoice.exchange_rate) == ("USD", Decimal("0.921500"))
    assert invoice.gross_total_eur == Decimal("521.72")  # 467.90 -> 431.17 + 90.55 VAT

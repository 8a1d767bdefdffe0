"""Numbers typed as a person does: read and written the way the page's language writes them
(Babel), the same in forms, messages and emails; negative discount lines on an invoice."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from invoicing import services
from invoicing.forms import LineForm, PaymentForm
from invoicing.models import SalesInvoice
from invoicing.money import format_money, format_number, parse_decimal
from tests.invoicing.factories import line, make_customer, make_draft, make_sent
from tests.invoicing.test_invoice_views import NEW, _data


@pytest.mark.parametrize("typed, value", [
    ("1.234,56", D("1234.56")), ("1.000", D("1000")), ("1,5", D("1.5")),
    ("-12,50", D("-12.50")), ("1234,5678", D("1234.5678")), ("100", D("100")),
    (" 12,50 ", D("12.50")), ("1.234.567,8", D("1234567.8")),
])
def test_dutch_numbers(typed, value):
    assert parse_decimal(typed, locale="nl") == value


@pytest.mark.parametrize("typed, value", [
    ("1,234.56", D("1234.56")), ("1,000", D("1000")), ("1.5", D("1.5")),
    ("-12.50", D("-12.50")), ("1234.5678", D("1234.5678")),
])
def test_english_numbers(typed, value):
    assert parse_decimal(typed, locale="en") == value


@pytest.mark.parametrize("locale, typed", [
    # A group separator in the wrong place is ambiguous: refused, never read as another number.
    ("nl", "12.50"), ("nl", "1,234.56"), ("nl", "1.23.4"), ("nl", "1 000"),
    ("en", "1,5"), ("en", "1.234,56"), ("en", "-12,50"),
    ("nl", "1e3"), ("nl", "1,5e3"), ("nl", "NaN"), ("nl", "Infinity"), ("nl", "€ 12"),
    ("nl", ""), ("nl", "twaalf"), ("nl", "12,50,1"),
])
def test_ambiguous_or_foreign_numbers_are_refused(locale, typed):
    with pytest.raises(ValueError):
        parse_decimal(typed, locale=locale)


def test_the_page_language_is_the_default_locale():
    with translation.override("nl"):
        assert parse_decimal("1.000") == D("1000")
    with translation.override("en"):
        assert parse_decimal("1.000") == D("1")


def test_amounts_and_unit_prices_are_written_the_languages_way():
    assert format_money(D("955.07"), "EUR", locale="nl") == "€ 955,07"
    assert format_money(D("-1234.5"), "EUR", locale="en") == "€ -1,234.50"
    assert format_number(D("52.5000"), max_places=4, locale="nl") == "52,50"
    assert format_number(D("1.23456"), max_places=4, locale="nl") == "1,2346"  # half up
    assert format_number(D("0.005"), locale="nl") == "0,01"


@pytest.mark.django_db
def test_line_form_reads_the_dutch_page_and_shows_its_error_in_dutch(org_a):
    def form(price, quantity="1"):
        return LineForm({"description": "Werk", "quantity": quantity, "unit_price": price,
                         "vat_rate": "21"}, organization=org_a)

    with translation.override("nl"):
        good = form("1.234,56", "1.000")
        assert good.is_valid() and good.cleaned_data["unit_price"] == D("1234.56")
        assert good.cleaned_data["quantity"] == D("1000")
        bad = form("12.50")
        assert not bad.is_valid()
        assert bad.errors["unit_price"] == ["Vul een getal in, zoals 1.234,56."]
    with translation.override("en"):
        assert form("1,234.56").is_valid()
        assert form("1,234.56").errors == {}
        assert form("12,50").errors["unit_price"] == ["Enter a number, such as 1,234.56."]


@pytest.mark.django_db
def test_unit_price_shows_its_own_decimals_in_the_editor(org_a):
    with translation.override("nl"):
        shown = LineForm(initial={"unit_price": D("1.2345"), "quantity": D("2.500")},
                         organization=org_a)
        assert 'value="1,2345"' in str(shown["unit_price"])
        assert 'value="2,5"' in str(shown["quantity"])


def test_limits_in_messages_are_written_the_languages_way():
    with translation.override("nl"):
        form = PaymentForm({"amount": "0", "date": "2026-03-05"})
        assert not form.is_valid()
        [message] = form.errors["amount"]
        assert "0,01" in message and "0.01" not in message


@pytest.mark.django_db
def test_payment_message_shows_the_open_amount_in_dutch(org_a, user_a):
    invoice = make_sent(org_a, user_a, lines=[line(price="366.24")])
    with translation.override("nl"), pytest.raises(services.InvoicingError) as error:
        services.payment_register(invoice=invoice, amount=D("500"),
                                  date=datetime.date(2026, 3, 5), user=user_a)
    assert "€ 443,15" in str(error.value.args[0])


@pytest.mark.django_db(transaction=True)
def test_customer_email_writes_the_amount_and_date_in_the_invoice_language(org_a, user_a):
    draft = make_draft(org_a, lines=[line(price="789.31")])
    services.invoice_finalize(invoice=draft, send_email=True, message="Zie bijlage.",
                              user=user_a)
    body = mail.outbox[0].body
    assert "bedrag € 955,07" in body and "EUR" not in body and "955.07" not in body
    assert "16-3-2026" in body


@pytest.mark.django_db
def test_invoice_with_a_discount_line_is_saved(client_a, org_a):
    customer = make_customer(org_a)
    lines = [
        {"description": "Schilderwerk", "quantity": "1.000", "unit_price": "1,50",
         "vat_rate": "21"},
        {"description": "Korting", "quantity": "1", "unit_price": "-250,00", "vat_rate": "21"},
        {"description": "Voorschot", "quantity": "-1", "unit_price": "1.000", "vat_rate": "21"},
    ]
    # 1.500 - 250 - 1.000 = 250 excl. VAT
    response = client_a.post(NEW, _data(customer, lines=lines))
    assert response.status_code == 302
    invoice = SalesInvoice.objects.get()
    assert invoice.net_total == D("250.00") and invoice.gross_total == D("302.50")


@pytest.mark.django_db
def test_a_negative_invoice_is_refused_with_a_clear_message(client_a, org_a):
    customer = make_customer(org_a)
    lines = [{"description": "Werk", "quantity": "1", "unit_price": "100", "vat_rate": "21"},
             {"description": "Voorschot", "quantity": "1", "unit_price": "-200",
              "vat_rate": "21"}]
    response = client_a.post(NEW, _data(customer, lines=lines))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Het totaal van de factuur is € -121,00" in page and "creditnota" in page
    assert not SalesInvoice.objects.exists()


def test_english_dates_are_not_american():
    with translation.override("en"):
        assert date_format(datetime.date(2026, 12, 6), "SHORT_DATE_FORMAT") == "06/12/2026"


@pytest.mark.django_db
def test_message_after_switching_language_is_in_the_new_language(client_a, user_a):
    response = client_a.post(reverse("accounts:profile"),
                             {"full_name": "Alice", "language": "en"}, follow=True)
    assert "Your settings were saved." in response.content.decode()


@pytest.mark.django_db
def test_signup_password_messages_are_dutch(client):
    response = client.post(reverse("accounts:signup"), {
        "full_name": "Sanne", "email": "sanne@example.test", "password": "Kort1",
        "organization_name": "De Vries"})
    assert "Dit wachtwoord is te kort. De minimale lengte is 10 tekens." in (
        response.content.decode())

"""The start page: first steps for a new business, open and overdue amounts, revenue per
month as a server-drawn chart, each in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invoicing import services
from invoicing.start import month_starts, receivables, revenue_by_month
from tests.factories import make_organization
from tests.invoicing.factories import line, make_customer, make_draft, make_sent

START = reverse("invoicing:start")


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.mark.django_db
def test_logo_and_login_lead_to_the_start_page(client_a):
    response = client_a.get(reverse("home"))
    assert response["Location"] == START


@pytest.mark.django_db
def test_a_new_business_is_told_what_to_do_first(client, user_a):
    make_organization("Nieuw B.V.", owner=user_a, kvk_number="", vat_id="", iban="")
    client.force_login(user_a)
    page = client.get(START).content.decode()
    steps = ["Vul uw bedrijfsgegevens aan", "Maak uw eerste klant aan",
             "Maak uw eerste factuur", "Koppel e-Boekhouden.nl"]
    positions = [page.index(step) for step in steps]
    assert positions == sorted(positions)
    assert reverse("invoicing:customer_create") in page
    assert "€ 0,00" in page  # open and overdue say nothing is owed yet


@pytest.mark.django_db
def test_the_next_step_moves_on_and_the_list_disappears_when_all_is_done(client_a, org_a):
    page = client_a.get(START).content.decode()
    assert 'step-next' in page.split("Maak uw eerste klant aan")[0].rsplit("<li", 1)[1]
    make_customer(org_a)
    page = client_a.get(START).content.decode()
    assert 'step-next' in page.split("Maak uw eerste factuur")[0].rsplit("<li", 1)[1]


@pytest.mark.django_db
def test_empty_lists_say_what_to_do_first(client_a, org_a):
    invoices = client_a.get(reverse("invoicing:invoice_list")).content.decode()
    assert "Maak uw eerste klant aan" in invoices
    customers = client_a.get(reverse("invoicing:customer_list")).content.decode()
    assert "Maak uw eerste klant aan" in customers
    make_customer(org_a)
    invoices = client_a.get(reverse("invoicing:invoice_list")).content.decode()
    assert "Maak uw eerste factuur" in invoices
    filtered = client_a.get(reverse("invoicing:invoice_list") + "?q=niets").content.decode()
    assert "Geen facturen gevonden" in filtered


@pytest.mark.django_db
def test_open_and_overdue_amounts_with_counts(org_a, user_a):
    customer = make_customer(org_a)
    today = timezone.localdate()
    make_sent(org_a, user_a, customer=customer, issue_date=_days(-40))  # 121.00, overdue
    part = make_sent(org_a, user_a, customer=customer, issue_date=_days(-2))  # 121.00, open
    services.payment_register(invoice=part, amount=Decimal("21.00"), date=today, user=user_a)
    dollars = make_sent(org_a, user_a, customer=customer, issue_date=_days(-1),
                        currency="USD", exchange_rate=Decimal("0.5"))  # $121 = EUR 60.50
    paid = make_sent(org_a, user_a, customer=customer, issue_date=_days(-1))
    services.payment_register(invoice=paid, amount=Decimal("121.00"), date=today, user=user_a)
    make_draft(org_a, customer=customer)

    figures = receivables(org_a, today)

    assert (figures["open_count"], figures["open_amount"]) == (3, Decimal("281.50"))
    assert (figures["overdue_count"], figures["overdue_amount"]) == (1, Decimal("121.00"))
    assert dollars.status == "sent"


@pytest.mark.django_db
def test_revenue_per_month_is_net_of_credit_notes_and_leaves_out_drafts(org_a, user_a):
    customer = make_customer(org_a)
    today = timezone.localdate()
    this_month, months_ago = month_starts(today)[-1], month_starts(today)[0]
    invoice = make_sent(org_a, user_a, customer=customer, issue_date=this_month,
                        lines=[line(price="200.00")])
    credit = services.credit_note_create(invoice=invoice, user=user_a, quantities={
        invoice.lines.get().pk: Decimal("0.5")})
    services.invoice_finalize(invoice=credit, send_email=False, user=user_a)  # -100, this month
    make_sent(org_a, user_a, customer=customer, issue_date=months_ago,
              lines=[line(price="50.00", rate="9")])
    make_sent(org_a, user_a, customer=customer, issue_date=months_ago - datetime.timedelta(1))
    make_draft(org_a, customer=customer, issue_date=this_month, lines=[line(price="999")])

    bars = revenue_by_month(org_a, today)

    assert len(bars) == 12 and bars[0].month == months_ago and bars[-1].month == this_month
    assert bars[0].amount == Decimal("50.00") and bars[-1].amount == Decimal("100.00")
    assert (bars[0].height, bars[-1].height) == (50, 100)
    assert all(bar.amount == 0 and bar.height == 0 for bar in bars[1:-1])


@pytest.mark.django_db
def test_chart_and_figures_are_drawn_on_the_server(client_a, org_a, user_a):
    make_sent(org_a, user_a, issue_date=_days(-40), lines=[line(price="1000.00")])
    page = client_a.get(START).content.decode()
    assert "<svg" in page and 'class="bar' in page and "<script" not in page.split("<main")[1]
    assert "€ 1.210,00" in page  # open and overdue, Dutch format
    assert "1 factuur" in page
    assert "€ 1.000,00" in page  # the month's revenue excl. VAT in the table under the chart
    assert "?status=overdue" in page


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(START).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_invoices(client_a, org_a, user_a):
    customer = make_customer(org_a)
    make_sent(org_a, user_a, customer=customer, issue_date=_days(-3))
    _queries(client_a)  # the first request of a session also writes the session
    few = _queries(client_a)
    for days in range(5, 80, 5):
        make_sent(org_a, user_a, customer=customer, issue_date=_days(-days))
    assert _queries(client_a) == few


@pytest.mark.django_db
def test_another_business_sees_only_its_own_figures(client_b, org_a, user_a):
    make_sent(org_a, user_a, issue_date=_days(-40), lines=[line(price="1000.00")])
    page = client_b.get(START).content.decode()
    assert "€ 1.210,00" not in page and "€ 1.000,00" not in page

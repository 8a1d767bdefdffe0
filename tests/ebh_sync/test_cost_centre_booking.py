"""Each line's cost centre reaches e-Boekhouden: every (contra account, cost centre) of a VAT
rate becomes a booking line of its own, apportioned like the contra accounts; a line without
one books on the connection's default. Booked against the real sandbox (cost centres 1
"Algemeen" and 2 "Webwinkel")."""

import datetime
from decimal import Decimal

import pytest

from connections.models import Connection
from ebh_sync import mapping
from ebh_sync.models import SyncJob
from invoicing import services as invoicing
from invoicing.money import HUNDRED, round_money
from invoicing.services import LineData, PurchaseData, PurchaseLineData
from tests.invoicing.factories import make_draft, make_supplier

CENT = Decimal("0.01")


def sales_line(description, price, rate="21", cost_centre=0) -> LineData:
    return LineData(description=description, quantity=Decimal(1), unit_price=Decimal(price),
                    vat_rate=rate, cost_centre=cost_centre)


def set_default_cost_centre(linked, c_id: int) -> None:
    Connection.objects.filter(pk=linked.connection.pk).update(default_cost_centre_id=c_id)


def booked(mutation: dict) -> list[tuple]:
    """(BTW code, contra account, cost centre, excl, VAT) per booking line, sorted."""
    return sorted(
        (row["btw_code"], row["tegenrekening"], row["kostenplaats_id"],
         Decimal(str(row["excl"])), Decimal(str(row["btw"])))
        for row in mutation["lines"]
    )


def assert_acceptable(mutation: dict, vat_totals) -> None:
    """Every line's VAT within a cent of its excl x percentage; per rate, the lines add up to
    the VAT the invoice shows."""
    per_code: dict[str, Decimal] = {}
    for row in mutation["lines"]:
        excl, vat = Decimal(str(row["excl"])), Decimal(str(row["btw"]))
        assert abs(vat - round_money(excl * Decimal(str(row["btw_pct"])) / HUNDRED)) <= CENT
        per_code[row["btw_code"]] = per_code.get(row["btw_code"], Decimal(0)) + vat
    assert per_code == {total.ebh_code: total.vat_amount for total in vat_totals}


def finalize(django_capture_on_commit_callbacks, draft, user):
    with django_capture_on_commit_callbacks(execute=True):
        return invoicing.invoice_finalize(invoice=draft, send_email=False, user=user)


@pytest.mark.django_db
def test_sales_lines_book_on_their_cost_centres_and_the_rest_on_the_default(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    set_default_cost_centre(linked, 1)
    draft = make_draft(org_a, customer=customer, lines=[
        sales_line("Advies", "13.50", cost_centre=1),
        sales_line("Webwinkel", "11.50", cost_centre=2),
        sales_line("Overig", "15.50"),  # no cost centre: the default, 1, with "Advies"
        sales_line("Handboek", "17.50", rate="9"),
    ])
    invoice = finalize(django_capture_on_commit_callbacks, draft, user_a)

    assert SyncJob.objects.get(sales_invoice=invoice).state == SyncJob.State.BOOKED
    [mutation] = linked.mutations()
    lines = booked(mutation)
    # 21 %: 40.50 excl, VAT 8.51 over 29.00 on cost centre 1 and 11.50 on 2.
    assert [line for line in lines if line[0] == "HOOG_VERK_21"] == [
        ("HOOG_VERK_21", "8000", 1, Decimal("29.00"), Decimal("6.09")),
        ("HOOG_VERK_21", "8000", 2, Decimal("11.50"), Decimal("2.42")),
    ]
    [low] = [line for line in lines if line[0] == "LAAG_VERK_9"]
    assert (low[2], low[3], low[4]) == (1, Decimal("17.50"), Decimal("1.58"))
    assert_acceptable(mutation, invoice.vat_totals.all())


@pytest.mark.django_db
def test_without_a_default_a_line_without_cost_centre_books_on_none(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    draft = make_draft(org_a, customer=customer, lines=[
        sales_line("Advies", "11.50", cost_centre=1),
        sales_line("Webwinkel", "13.50", cost_centre=2),
        sales_line("Overig", "15.50"),
    ])
    invoice = finalize(django_capture_on_commit_callbacks, draft, user_a)

    [mutation] = linked.mutations()
    assert [(line[2], line[3]) for line in booked(mutation)] == [
        (0, Decimal("15.50")), (1, Decimal("11.50")), (2, Decimal("13.50"))]
    assert_acceptable(mutation, invoice.vat_totals.all())


@pytest.mark.django_db
def test_one_cost_centre_for_the_whole_rate_books_the_stored_totals(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    set_default_cost_centre(linked, 1)
    draft = make_draft(org_a, customer=customer, lines=[
        sales_line("Webwinkel", "0.333", cost_centre=2),
        sales_line("Webwinkel", "0.333", cost_centre=2),
    ])
    finalize(django_capture_on_commit_callbacks, draft, user_a)
    [mutation] = linked.mutations()
    # Each line is 0.33; the rate's stored totals, 0.66 and 0.14, go to cost centre 2 as they are.
    assert booked(mutation) == [("HOOG_VERK_21", "8000", 2, Decimal("0.66"), Decimal("0.14"))]


@pytest.mark.django_db
def test_purchase_lines_book_per_cost_account_and_cost_centre(
    linked, org_a, user_a, django_capture_on_commit_callbacks
):
    set_default_cost_centre(linked, 1)
    data = PurchaseData(
        supplier=make_supplier(org_a), supplier_invoice_number="VG-7",
        invoice_date=datetime.date(2026, 3, 4), due_date=datetime.date(2026, 4, 3),
        lines=[
            PurchaseLineData("21", Decimal("100.00"), "Verf winkel", cost_centre=2),
            PurchaseLineData("21", Decimal("40.00"), "Verf kantoor"),
            PurchaseLineData("21", Decimal("60.00"), "Huur winkel", ledger_account="4100",
                             cost_centre=2),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.purchase_invoice_register(
            organization=org_a, data=data, attachment=None, user=user_a)

    assert SyncJob.objects.get(purchase_invoice=invoice).state == SyncJob.State.BOOKED
    [mutation] = linked.mutations()
    assert booked(mutation) == [
        ("HOOG_INK_21", "4000", 1, Decimal("40.00"), Decimal("8.40")),
        ("HOOG_INK_21", "4000", 2, Decimal("100.00"), Decimal("21.00")),
        ("HOOG_INK_21", "4100", 2, Decimal("60.00"), Decimal("12.60")),
    ]
    assert_acceptable(mutation, invoice.vat_totals.all())


def test_an_invoice_module_line_sends_its_own_cost_centre_else_the_default():
    accounts = mapping.Accounts(debtor="1300", creditor="1600", sales_contra="8000",
                                purchase_contra="4000", overrides={}, cost_centre=1)
    own = mapping._invoice_line(sales_line("Webwinkel", "10", cost_centre=2), accounts, {})
    default = mapping._invoice_line(sales_line("Advies", "10"), accounts, {})
    assert (own.cost_centre, default.cost_centre) == (2, 1)

"""Worked VAT and rounding examples. Each total per rate must equal what e-Boekhouden
computes: VAT = round_half_up(rate total x percentage), in euros for foreign currencies."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicing.models import SalesInvoiceVatTotal
from invoicing.money import line_amounts, round_money, totals_per_rate
from invoicing.vat import ebh_purchase_code, ebh_sales_code
from tests.invoicing.factories import line, make_customer, make_draft, make_sent

D = Decimal


def test_round_money_is_half_up_to_cents_and_symmetric():
    assert round_money(D("0.005")) == D("0.01")
    assert round_money(D("0.015")) == D("0.02")  # banker's rounding would give 0.02 too
    assert round_money(D("0.025")) == D("0.03")  # ...but 0.02 here
    assert round_money(D("-0.005")) == D("-0.01")
    assert round_money(D("2.675")) == D("2.68")
    with pytest.raises(TypeError):
        round_money(2.675)


def _ebh_check(net: Decimal, pct: Decimal) -> Decimal:
    """What e-Boekhouden computes for a rate: VAT on the rate's total, half up."""
    return (net * pct / 100).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@pytest.mark.django_db
def test_three_lines_of_0_333(org_a):
    invoice = make_draft(org_a, lines=[line(price="0.333") for _ in range(3)])
    assert [ln.net_amount for ln in invoice.lines.all()] == [D("0.33")] * 3
    total = invoice.vat_totals.get()
    assert (total.net_amount, total.vat_amount) == (D("0.99"), D("0.21"))
    assert total.vat_amount == _ebh_check(total.net_amount, D(21))
    assert invoice.gross_total == D("1.20")


@pytest.mark.django_db
def test_quantity_of_0_333_at_three_euro(org_a):
    invoice = make_draft(org_a, lines=[line(quantity="0.333", price="3") for _ in range(3)])
    assert invoice.net_total == D("3.00")  # 3 x round(0.999) = 3 x 1.00
    assert invoice.vat_total == D("0.63")


@pytest.mark.django_db
def test_hundred_lines_of_one_cent_vat_on_the_rate_total(org_a):
    invoice = make_draft(org_a, lines=[line(price="0.01") for _ in range(100)])
    # Per line 21% of 0.01 rounds to 0.00; on the rate total it is 0.21.
    assert sum(ln.vat_amount for ln in invoice.lines.all()) == D("0.00")
    total = invoice.vat_totals.get()
    assert (total.net_amount, total.vat_amount, total.gross_amount) == (D("1.00"), D("0.21"),
                                                                       D("1.21"))
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (D("1.00"), D("0.21"),
                                                                          D("1.21"))


@pytest.mark.django_db
def test_mixed_rates_with_discount(org_a):
    invoice = make_draft(org_a, lines=[
        line(quantity="3", price="19.99", rate="21", discount="10"),  # 53.973 -> 53.97
        line(quantity="2", price="4.55", rate="9"),                    # 9.10
        line(quantity="1", price="12.345", rate="21"),                 # 12.35 (half up)
        line(quantity="1", price="100", rate="0"),
        line(quantity="1", price="50", rate="exempt"),
    ])
    totals = {t.vat_rate: t for t in invoice.vat_totals.all()}
    assert totals["21"].net_amount == D("66.32")
    assert totals["21"].vat_amount == D("13.93") == _ebh_check(D("66.32"), D(21))
    assert totals["9"].net_amount == D("9.10")
    assert totals["9"].vat_amount == D("0.82")
    assert totals["0"].vat_amount == totals["exempt"].vat_amount == D("0.00")
    assert invoice.net_total == D("225.42")
    assert invoice.vat_total == D("14.75")
    assert invoice.gross_total == D("240.17")


@pytest.mark.django_db
def test_negative_credit_lines_mirror_the_invoice(org_a, user_a):
    from invoicing.services import credit_note_create

    original = make_sent(org_a, user_a, lines=[line(price="0.335"), line(price="10.005", rate="9")])
    credit = credit_note_create(invoice=original, user=user_a)
    assert credit.net_total == -original.net_total
    assert credit.vat_total == -original.vat_total
    assert credit.gross_total == -original.gross_total
    assert [ln.net_amount for ln in credit.lines.all()] == [D("-0.34"), D("-10.01")]


@pytest.mark.django_db
@pytest.mark.parametrize(("rate", "code", "text"), [
    ("reverse", "VERL_VERK", "btw verlegd"),
    ("icp_goods", "BI_EU_VERK", "138"),
    ("icp_services", "BI_EU_VERK_D", "196"),
    ("export", "BU_EU_VERK", "EU"),
])
def test_zero_rated_schemes_have_no_vat_a_code_and_a_legal_text(org_a, user_a, rate, code, text):
    country = {"icp_goods": "DE", "icp_services": "BE", "export": "US"}.get(rate, "NL")
    customer = make_customer(org_a, country=country, vat_id="DE123456788", language="en")
    invoice = make_sent(org_a, user_a, customer=customer, lines=[line(price="1000", rate=rate)])
    total = invoice.vat_totals.get()
    assert (total.vat_amount, invoice.gross_total) == (D("0.00"), D("1000.00"))
    assert total.ebh_code == code
    assert any(text in legal for legal in invoice.legal_texts)


@pytest.mark.django_db
def test_foreign_currency_books_euro_amounts_computed_per_rate(org_a, user_a):
    invoice = make_sent(
        org_a, user_a, currency="USD", exchange_rate=D("0.923456"),
        lines=[line(quantity="3", price="333.33"), line(price="45.67", rate="9")],
    )
    totals = {t.vat_rate: t for t in invoice.vat_totals.all()}
    high = totals["21"]
    assert high.net_amount == D("999.99") and high.vat_amount == D("210.00")
    assert high.net_amount_eur == D("923.45")  # 999.99 x 0.923456 = 923.4467...
    assert high.vat_amount_eur == D("193.92") == _ebh_check(D("923.45"), D(21))
    low = totals["9"]
    assert low.net_amount_eur == D("42.17") and low.vat_amount_eur == D("3.80")
    assert invoice.net_total_eur == D("965.62")
    assert invoice.vat_total_eur == D("197.72")
    assert invoice.gross_total_eur == D("1163.34")
    assert invoice.gross_total == D("1259.77")


@pytest.mark.django_db
def test_euro_invoice_stores_the_same_amounts_in_eur(org_a):
    invoice = make_draft(org_a, lines=[line(price="12.34")])
    assert invoice.exchange_rate == 1
    assert invoice.gross_total_eur == invoice.gross_total == D("14.93")


def test_totals_per_rate_groups_lines():
    totals = totals_per_rate([("21", D(21), D("0.33")), ("9", D(9), D("1.00")),
                              ("21", D(21), D("0.33"))])
    assert [(t.rate, t.net, t.vat) for t in totals] == [("21", D("0.66"), D("0.14")),
                                                         ("9", D("1.00"), D("0.09"))]


def test_every_rate_maps_to_an_ebh_btw_code():
    assert [ebh_sales_code(c) for c in ["21", "9", "0", "exempt", "reverse", "icp_goods",
                                        "icp_services", "export"]] == [
        "HOOG_VERK_21", "LAAG_VERK_9", "GEEN", "GEEN", "VERL_VERK", "BI_EU_VERK",
        "BI_EU_VERK_D", "BU_EU_VERK"]
    assert [ebh_purchase_code(c) for c in ["21", "9", "0", "reverse", "eu", "non_eu"]] == [
        "HOOG_INK_21", "LAAG_INK_9", "GEEN", "VERL_INK", "BI_EU_INK", "BU_EU_INK"]
    assert all(len(code) <= 12 for code in ["BI_EU_VERK_D", "HOOG_VERK_21"])


def test_unknown_rate_is_refused():
    with pytest.raises(ValueError):
        ebh_sales_code("25")
    assert SalesInvoiceVatTotal(vat_rate="9").ebh_code == "LAAG_VERK_9"


amounts = st.decimals(min_value=D("-99999"), max_value=D("99999"), places=4)
quantities = st.decimals(min_value=D("0"), max_value=D("9999"), places=3)
rates = st.sampled_from([("21", D(21)), ("9", D(9)), ("0", D(0)), ("reverse", D(0))])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(rates, quantities, amounts, st.decimals(
    min_value=D(0), max_value=D(100), places=2)), min_size=1, max_size=30),
    st.decimals(min_value=D("0.000001"), max_value=D("1000"), places=6))
def test_properties_of_the_invoice_arithmetic(lines, exchange_rate):
    nets = []
    for (code, pct), quantity, price, discount in lines:
        amounts_ = line_amounts(quantity=quantity, unit_price=price, discount_percent=discount,
                                percentage=pct)
        assert amounts_.gross == amounts_.net + amounts_.vat
        negated = line_amounts(quantity=-quantity, unit_price=price, discount_percent=discount,
                               percentage=pct)
        assert negated.net == -amounts_.net and negated.vat == -amounts_.vat
        nets.append((code, pct, amounts_.net))
    for total in totals_per_rate(nets, exchange_rate=exchange_rate):
        assert total.vat == _ebh_check(total.net, total.percentage)
        assert total.vat_eur == _ebh_check(total.net_eur, total.percentage)
        assert total.gross == total.net + total.vat
        assert total.gross_eur == total.net_eur + total.vat_eur
        assert abs(total.net_eur - total.net * exchange_rate) <= D("0.005")
        for amount in (total.net, total.vat, total.net_eur, total.vat_eur):
            assert amount == amount.quantize(D("0.01"), rounding=ROUND_HALF_UP)

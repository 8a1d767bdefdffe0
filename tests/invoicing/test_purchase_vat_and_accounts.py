"""Purchase invoices: the VAT per rate as printed on the supplier's invoice, and a cost account
per line (from the connected chart when the accounting side provides one)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from invoicing import extensions
from invoicing.forms import PurchaseForm, PurchaseLineFormSet
from invoicing.models import PurchaseInvoice
from invoicing.services import (
    InvoicingError,
    PurchaseData,
    PurchaseLineData,
    purchase_invoice_register,
    purchase_totals,
)
from tests.invoicing.factories import make_supplier

CHART = [("4000", "Inkopen"), ("4010", "Verf en materialen"), ("4500", "Kantoorkosten")]


def dutch(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def _post(supplier, **overrides):
    data = {
        "supplier": supplier.pk, "supplier_invoice_number": "INV-9",
        "invoice_date": "2026-03-01", "due_date": "2026-03-31", "description": "Verf",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Verf", "lines-0-vat_rate": "21", "lines-0-net_amount": "100,10",
        "lines-1-description": "Boek", "lines-1-vat_rate": "9", "lines-1-net_amount": "0,50",
        "lines-2-description": "Kwast", "lines-2-vat_rate": "21", "lines-2-net_amount": "0,05",
    }
    data.update(overrides)
    return data


@pytest.fixture
def chart():
    """The accounting side's provider, as the connections app registers it."""
    calls = []

    def provider(organization, kind):
        calls.append(kind)
        return CHART if kind == "purchase" else []

    extensions.register_ledger_choices_provider(provider)
    yield calls
    extensions.unregister_ledger_choices_provider(provider)


# --------------------------------------------------------------------------- printed VAT


def test_printed_vat_within_a_cent_of_the_half_up_vat_is_kept():
    lines = [PurchaseLineData("21", Decimal("100.15")), PurchaseLineData("9", Decimal("0.50"))]
    # 100.15 x 21% = 21.0315 -> 21.03; 0.50 x 9% = 0.045 -> 0.05 (half up, not half even).
    computed = {t.rate: t.vat for t in purchase_totals(lines)}
    assert computed == {"21": Decimal("21.03"), "9": Decimal("0.05")}
    for printed_21, printed_9 in [("21.02", "0.04"), ("21.04", "0.06"), ("21.03", "0.05")]:
        totals = purchase_totals(lines, {"21": Decimal(printed_21), "9": Decimal(printed_9)})
        assert [(t.vat, t.gross) for t in totals] == [
            (Decimal(printed_21), Decimal("100.15") + Decimal(printed_21)),
            (Decimal(printed_9), Decimal("0.50") + Decimal(printed_9))]


@pytest.mark.parametrize("printed", [{"21": Decimal("21.05")}, {"21": Decimal("21.01")},
                                     {"9": Decimal("0.07")}, {"9": Decimal("0.03")}])
def test_printed_vat_more_than_a_cent_off_is_refused_per_rate(printed):
    lines = [PurchaseLineData("21", Decimal("100.15")), PurchaseLineData("9", Decimal("0.50"))]
    with translation.override("en"), pytest.raises(InvoicingError) as refused:
        purchase_totals(lines, printed)
    assert len(refused.value.messages) == 1
    assert "differs by more than 0.01" in refused.value.messages[0]


def test_printed_vat_for_a_rate_without_lines_is_refused():
    with pytest.raises(InvoicingError):
        purchase_totals([PurchaseLineData("21", Decimal("10"))], {"9": Decimal("0.90")})
    # An empty rate with 0.00 (what the form sends for an unused rate) is no problem.
    assert len(purchase_totals([PurchaseLineData("21", Decimal("10"))],
                               {"9": Decimal("0")})) == 1


def test_a_rate_without_vat_takes_no_printed_vat():
    with pytest.raises(InvoicingError):
        purchase_totals([PurchaseLineData("reverse", Decimal("100"))], {"reverse": Decimal("0.01")})
    [total] = purchase_totals([PurchaseLineData("0", Decimal("100"))], {"0": Decimal("0")})
    assert (total.vat, total.gross) == (Decimal("0.00"), Decimal("100.00"))


def test_negative_amounts_round_half_away_from_zero():
    # A supplier's credit note: -0.50 x 9% = -0.045 -> -0.05; -0.06 is within the cent.
    totals = purchase_totals([PurchaseLineData("9", Decimal("-0.50"))], {"9": Decimal("-0.06")})
    assert (totals[0].vat, totals[0].gross) == (Decimal("-0.06"), Decimal("-0.56"))


@pytest.mark.django_db
def test_form_stores_the_printed_vat_and_the_totals(client_a, org_a):
    supplier = make_supplier(org_a)
    response = client_a.post(reverse("invoicing:purchase_create"),
                             _post(supplier, vat_21="21,04", vat_9="0,04"))
    invoice = PurchaseInvoice.objects.get()
    assert response["Location"] == reverse("invoicing:purchase_detail", args=[invoice.pk])
    assert {t.vat_rate: t.vat_amount for t in invoice.vat_totals.all()} == {
        "21": Decimal("21.04"), "9": Decimal("0.04")}
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("100.65"), Decimal("21.08"), Decimal("121.73"))
    page = client_a.get(response["Location"]).content.decode()
    assert "21,04" in page and "121,73" in page


@pytest.mark.django_db
def test_form_without_printed_vat_computes_it(client_a, org_a):
    client_a.post(reverse("invoicing:purchase_create"), _post(make_supplier(org_a)))
    invoice = PurchaseInvoice.objects.get()
    assert {t.vat_rate: t.vat_amount for t in invoice.vat_totals.all()} == {
        "21": Decimal("21.03"), "9": Decimal("0.05")}


@pytest.mark.django_db
def test_form_refuses_printed_vat_off_by_more_than_a_cent(client_a, org_a):
    response = client_a.post(reverse("invoicing:purchase_create"),
                             _post(make_supplier(org_a), vat_21="21,05"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "21,05" in page and "21,03" in page  # what was typed, and what it should be near
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_form_shows_a_field_per_vat_rate_with_a_label(client_a):
    page = client_a.get(reverse("invoicing:purchase_create")).content.decode()
    for name in ("vat_21", "vat_9"):
        assert f'name="{name}"' in page and f'for="id_{name}"' in page


# --------------------------------------------------------------------------- cost accounts


@pytest.mark.django_db
def test_without_a_chart_the_cost_account_is_free_text(client_a, org_a):
    supplier = make_supplier(org_a)
    page = client_a.get(reverse("invoicing:purchase_create")).content.decode()
    assert '<input type="text" name="lines-0-ledger_account"' in page
    client_a.post(reverse("invoicing:purchase_create"),
                  _post(supplier, **{"lines-0-ledger_account": "4010",
                                     "lines-2-ledger_account": ""}))
    invoice = PurchaseInvoice.objects.get()
    assert [ln.ledger_account for ln in invoice.lines.all()] == ["4010", "", ""]


@pytest.mark.django_db
def test_free_text_cost_account_has_at_most_ten_characters(client_a, org_a):
    response = client_a.post(reverse("invoicing:purchase_create"),
                             _post(make_supplier(org_a), **{"lines-0-ledger_account": "4" * 11}))
    assert response.status_code == 200
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_with_a_chart_each_line_offers_its_cost_accounts(client_a, org_a, chart):
    page = client_a.get(reverse("invoicing:purchase_create")).content.decode()
    assert '<select name="lines-0-ledger_account"' in page
    assert "4010 Verf en materialen" in page and dutch("Default cost account") in page
    assert chart == ["purchase"]  # one call for the whole line editor

    client_a.post(reverse("invoicing:purchase_create"),
                  _post(make_supplier(org_a), **{"lines-0-ledger_account": "4010",
                                                 "lines-1-ledger_account": "4500"}))
    invoice = PurchaseInvoice.objects.get()
    assert [ln.ledger_account for ln in invoice.lines.all()] == ["4010", "4500", ""]


@pytest.mark.django_db
def test_with_a_chart_an_account_outside_it_is_refused(client_a, org_a, user_a, chart):
    supplier = make_supplier(org_a)
    response = client_a.post(reverse("invoicing:purchase_create"),
                             _post(supplier, **{"lines-0-ledger_account": "1500"}))
    assert response.status_code == 200
    assert not PurchaseInvoice.objects.exists()
    # The service checks too, for every path that registers (a copied draft, an import).
    data = PurchaseData(supplier=supplier, supplier_invoice_number="X",
                        invoice_date=datetime.date(2026, 3, 1),
                        due_date=datetime.date(2026, 3, 1),
                        lines=[PurchaseLineData("21", Decimal("10"), ledger_account="1500")])
    with pytest.raises(InvoicingError, match="1500"):
        purchase_invoice_register(organization=org_a, data=data, attachment=None, user=user_a)


@pytest.mark.django_db
def test_an_empty_chart_means_free_text(org_a):
    def nothing(organization, kind):
        return []

    extensions.register_ledger_choices_provider(nothing)
    try:
        assert extensions.ledger_choices(org_a, "purchase") == []
        formset = PurchaseLineFormSet(prefix="lines", initial=[{"vat_rate": "21"}],
                                      form_kwargs={"ledger_choices": []})
        assert formset.forms[0].fields["ledger_account"].max_length == 10
    finally:
        extensions.unregister_ledger_choices_provider(nothing)


@pytest.mark.django_db
def test_a_copied_account_no_longer_in_the_chart_stays_visible(org_a):
    formset = PurchaseLineFormSet(
        prefix="lines", initial=[{"vat_rate": "21", "ledger_account": "4999"}],
        form_kwargs={"ledger_choices": CHART},
    )
    codes = [code for code, _label in formset.forms[0].fields["ledger_account"].choices]
    assert codes == ["", "4000", "4010", "4500", "4999"]
    assert PurchaseForm(organization=org_a).fields["vat_21"].required is False

"""A cost centre per invoice line: offered only when the administration has cost centres,
checked against them, stored with the line and frozen with the finalized invoice; never
printed on the customer's PDF."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from invoicing import extensions, services
from invoicing.models import (
    PurchaseInvoice,
    PurchaseInvoiceLine,
    SalesInvoice,
    SalesInvoiceLine,
)
from invoicing.pdf import render_invoice_html
from invoicing.services import InvoicingError, LineData, PurchaseData, PurchaseLineData
from tests.invoicing.factories import make_customer, make_draft, make_supplier

NEW_INVOICE = reverse("invoicing:invoice_create")
NEW_PURCHASE = reverse("invoicing:purchase_create")
COST_CENTRES = [(1, "Algemeen"), (2, "Algemeen › Webwinkel")]


def dutch(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def refusal(c_id: int) -> str:
    """The message for a cost centre the administration does not have, as the page says it."""
    with translation.override("nl"):
        return translation.gettext(
            "Cost centre %(value)s is not one of the cost centres of your administration; "
            "choose another.") % {"value": c_id}


@pytest.fixture
def cost_centres():
    """The accounting side's provider, as the accounting link registers it; records calls."""
    calls = []

    def provider(organization):
        calls.append(organization.pk)
        return COST_CENTRES

    extensions.register_cost_centre_choices_provider(provider)
    yield calls
    extensions.unregister_cost_centre_choices_provider(provider)


def sales_data(customer, cost_centres: list[str]) -> dict:
    data = {
        "customer": customer.pk, "issue_date": "2026-03-02", "delivery_date": "",
        "payment_term_days": "30", "language": "nl", "currency": "EUR", "exchange_rate": "1",
        "reference": "", "note": "",
        "lines-TOTAL_FORMS": str(len(cost_centres)), "lines-INITIAL_FORMS": "0",
    }
    for i, c_id in enumerate(cost_centres):
        data.update({f"lines-{i}-description": f"Regel {i}", f"lines-{i}-quantity": "1",
                     f"lines-{i}-unit_price": "100", f"lines-{i}-vat_rate": "21"})
        if c_id is not None:
            data[f"lines-{i}-cost_centre"] = c_id
    return data


def purchase_data(supplier, cost_centres: list[str]) -> dict:
    data = {
        "supplier": supplier.pk, "supplier_invoice_number": "INV-7",
        "invoice_date": "2026-03-01", "due_date": "2026-03-31", "description": "",
        "lines-TOTAL_FORMS": str(len(cost_centres)), "lines-INITIAL_FORMS": "0",
    }
    for i, c_id in enumerate(cost_centres):
        data.update({f"lines-{i}-description": f"Kosten {i}", f"lines-{i}-vat_rate": "21",
                     f"lines-{i}-net_amount": "10,00"})
        if c_id is not None:
            data[f"lines-{i}-cost_centre"] = c_id
    return data


def register_purchase(organization, user, cost_centres: list[int]) -> PurchaseInvoice:
    data = PurchaseData(
        supplier=make_supplier(organization), supplier_invoice_number="P-1",
        invoice_date=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 31),
        lines=[PurchaseLineData("21", Decimal("10"), cost_centre=c_id) for c_id in cost_centres],
    )
    return services.purchase_invoice_register(organization=organization, data=data,
                                              attachment=None, user=user)


def selected(page: str, line: int) -> str:
    """The value selected in line ``line``'s cost-centre select of an editor page."""
    select = re.search(rf'<select name="lines-{line}-cost_centre".*?</select>', page, re.S)
    return re.search(r'<option value="(\d+)" selected>', select.group(0)).group(1)


def stored(lines) -> list[int]:
    return [line.cost_centre for line in lines.order_by("position")]


# --------------------------------------------------------------------------- no cost centres


@pytest.mark.django_db
def test_without_cost_centres_the_editors_show_no_column_and_lines_keep_the_default(
    client_a, org_a
):
    for url in (NEW_INVOICE, NEW_PURCHASE):
        page = client_a.get(url).content.decode()
        assert "cost_centre" not in page and dutch("Cost centre") not in page
    # A posted value is ignored: without cost centres there is nothing to choose.
    client_a.post(NEW_INVOICE, sales_data(make_customer(org_a), ["2"]))
    assert stored(SalesInvoice.objects.get().lines) == [0]
    client_a.post(NEW_PURCHASE, purchase_data(make_supplier(org_a), ["2"]))
    assert stored(PurchaseInvoice.objects.get().lines) == [0]


def test_a_provider_without_cost_centres_means_none(db, org_a):
    def nothing(organization):
        return [(0, "geen")]  # the "none" entry alone is no choice

    extensions.register_cost_centre_choices_provider(nothing)
    try:
        assert extensions.cost_centre_choices(org_a) == []
    finally:
        extensions.unregister_cost_centre_choices_provider(nothing)


# --------------------------------------------------------------------------- sales invoices


@pytest.mark.django_db
def test_sales_editor_offers_the_cost_centres_and_stores_each_lines_choice(
    client_a, org_a, cost_centres
):
    page = client_a.get(NEW_INVOICE).content.decode()
    assert '<select name="lines-0-cost_centre"' in page
    assert dutch("Default cost centre") in page and "Algemeen › Webwinkel" in page
    assert cost_centres == [org_a.pk]  # one provider call for the whole line editor

    response = client_a.post(NEW_INVOICE, sales_data(make_customer(org_a), ["2", "0", "1"]))
    invoice = SalesInvoice.objects.get()
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert stored(invoice.lines) == [2, 0, 1]
    # The draft opens again with each line's choice selected.
    page = client_a.get(reverse("invoicing:invoice_edit", args=[invoice.pk])).content.decode()
    assert [selected(page, i) for i in range(3)] == ["2", "0", "1"]


@pytest.mark.django_db
def test_sales_editor_refuses_a_cost_centre_the_administration_does_not_have(
    client_a, org_a, cost_centres
):
    response = client_a.post(NEW_INVOICE, sales_data(make_customer(org_a), ["1", "99"]))
    assert response.status_code == 200
    assert refusal(99) in response.content.decode()
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_cost_centre_too(org_a, cost_centres):
    with translation.override("en"), pytest.raises(InvoicingError) as refused:
        make_draft(org_a, lines=[LineData("Advies", Decimal(1), Decimal(10), "21",
                                          cost_centre=7)])
    assert refused.value.messages == [
        "Cost centre 7 is not one of the cost centres of your administration; choose another."]
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_finalized_invoice_keeps_its_cost_centres_frozen_and_off_the_pdf(
    client_a, org_a, user_a, cost_centres
):
    draft = make_draft(org_a, lines=[
        LineData("Webshop", Decimal(1), Decimal(10), "21", cost_centre=2),
        LineData("Advies", Decimal(1), Decimal(20), "21")])
    invoice = services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    assert stored(invoice.lines) == [2, 0]
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesInvoiceLine.objects.filter(invoice=invoice).update(cost_centre=1)
    assert stored(SalesInvoice.objects.get(pk=invoice.pk).lines) == [2, 0]

    page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Algemeen › Webwinkel" in page  # internal page: the bookkeeper sees it
    pdf_html = render_invoice_html(invoice)
    assert "Webwinkel" not in pdf_html and dutch("Cost centre") not in pdf_html


@pytest.mark.django_db
def test_a_credit_note_books_on_the_cost_centres_of_the_lines_it_credits(org_a, user_a):
    # Even one the administration has removed since: the credit mirrors what was booked.
    draft = make_draft(org_a, lines=[
        LineData("Webshop", Decimal(2), Decimal(10), "21", cost_centre=2),
        LineData("Advies", Decimal(1), Decimal(20), "21")])
    invoice = services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    credit = services.credit_note_create(invoice=invoice, user=user_a)
    assert stored(credit.lines) == [2, 0]


# --------------------------------------------------------------------------- purchases


@pytest.mark.django_db
def test_purchase_editor_stores_each_lines_cost_centre(client_a, org_a, cost_centres):
    page = client_a.get(NEW_PURCHASE).content.decode()
    assert '<select name="lines-0-cost_centre"' in page
    client_a.post(NEW_PURCHASE, purchase_data(make_supplier(org_a), ["1", None, "2"]))
    invoice = PurchaseInvoice.objects.get()
    assert stored(invoice.lines) == [1, 0, 2]
    page = client_a.get(reverse("invoicing:purchase_detail", args=[invoice.pk])).content.decode()
    assert "Algemeen › Webwinkel" in page


@pytest.mark.django_db
def test_purchase_editor_refuses_an_unknown_cost_centre(client_a, org_a, user_a, cost_centres):
    response = client_a.post(NEW_PURCHASE, purchase_data(make_supplier(org_a), ["3"]))
    assert response.status_code == 200
    assert refusal(3) in response.content.decode()
    assert not PurchaseInvoice.objects.exists()
    with pytest.raises(InvoicingError):
        register_purchase(org_a, user_a, [1, 3])
    assert not PurchaseInvoice.objects.exists()


@pytest.mark.django_db
def test_a_booked_purchase_keeps_its_cost_centres_and_a_correction_copies_them(
    client_a, org_a, user_a, cost_centres
):
    invoice = register_purchase(org_a, user_a, [2, 0])
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchaseInvoiceLine.objects.filter(invoice=invoice).update(cost_centre=1)
    reversal, draft = services.purchase_invoice_correct(invoice=invoice, user=user_a)
    assert stored(reversal.lines) == [2, 0]
    assert stored(draft.lines) == [2, 0]
    # The replacement's form shows them, ready to change before it is registered.
    page = client_a.get(reverse("invoicing:purchase_edit", args=[draft.pk])).content.decode()
    assert [selected(page, i) for i in range(2)] == ["2", "0"]


@pytest.mark.django_db
def test_a_cost_centre_removed_since_stays_visible_on_a_draft_and_is_refused(
    client_a, org_a, user_a
):
    draft = make_draft(org_a, lines=[LineData("Oud", Decimal(1), Decimal(10), "21",
                                              cost_centre=5)])

    def provider(organization):
        return COST_CENTRES

    extensions.register_cost_centre_choices_provider(provider)
    try:
        url = reverse("invoicing:invoice_edit", args=[draft.pk])
        page = client_a.get(url).content.decode()
        assert selected(page, 0) == "5"
        data = sales_data(draft.customer, ["5"])
        response = client_a.post(url, data)
        assert response.status_code == 200
        with translation.override("nl"):
            assert translation.gettext(
                "Cost centre %(id)s is not one of the cost centres of your administration; "
                "choose another.") % {"id": 5} in response.content.decode()
    finally:
        extensions.unregister_cost_centre_choices_provider(provider)
    assert stored(SalesInvoice.objects.get(pk=draft.pk).lines) == [5]

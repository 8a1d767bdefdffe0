"""Correcting a registered purchase invoice: a reversal booking and a new registration, never an
edit in place (issue 12, section 3)."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from invoicing import signals
from invoicing.models import ImmutableError, PurchaseInvoice, PurchaseInvoiceLine
from invoicing.services import (
    InvoicingError,
    PurchaseData,
    PurchaseLineData,
    purchase_draft_register,
    purchase_invoice_correct,
    purchase_invoice_register,
)
from tests.invoicing.factories import make_supplier


def _register(org, user, number="F123", supplier=None, printed=None, **fields):
    data = PurchaseData(
        supplier=supplier or make_supplier(org, name="Verfgroothandel"),
        supplier_invoice_number=number, invoice_date=datetime.date(2026, 3, 1),
        due_date=datetime.date(2026, 3, 31), description="Verf",
        lines=[PurchaseLineData("21", Decimal("100.10"), "Muurverf", "4010"),
               PurchaseLineData("9", Decimal("20.00"), "Boek"),
               PurchaseLineData("21", Decimal("0.05"), "Kwast")],
        printed_vat=printed or {}, **fields,
    )
    return purchase_invoice_register(organization=org, data=data, attachment=None, user=user)


@pytest.fixture
def registered(org_a, user_a):
    # VAT at 21% computed 21.03; the supplier printed 21.04 (within the cent).
    return _register(org_a, user_a, printed={"21": Decimal("21.04")})


@pytest.fixture
def announced():
    """The registrations the accounting sync hears of (its receiver writes the sync job)."""
    heard = []

    def listen(sender, invoice, **kwargs):
        heard.append(invoice.supplier_invoice_number)

    signals.purchase_invoice_registered.connect(listen)
    yield heard
    signals.purchase_invoice_registered.disconnect(listen)


def dutch(text: str) -> str:
    """The text as the (Dutch) pages show it, translated or not yet."""
    with translation.override("nl"):
        return translation.gettext(text)


def _amounts(invoice):
    return (invoice.net_total, invoice.vat_total, invoice.gross_total)


def _totals(invoice):
    return {t.vat_rate: (t.net_amount, t.vat_amount, t.gross_amount)
            for t in invoice.vat_totals.all()}


@pytest.mark.django_db
def test_correction_books_a_reversal_and_opens_a_draft(registered, user_a, announced):
    reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)

    registered.refresh_from_db()
    assert registered.status == "corrected"
    assert _amounts(registered) == (Decimal("120.15"), Decimal("22.84"), Decimal("142.99"))

    assert reversal.status == "reversal" and reversal.reversal_of == registered
    assert reversal.supplier == registered.supplier
    assert reversal.supplier_invoice_number == "F123-CORR"
    assert reversal.description == "Correctie van F123"
    assert _amounts(reversal) == (Decimal("-120.15"), Decimal("-22.84"), Decimal("-142.99"))
    assert _totals(reversal) == {
        "21": (Decimal("-100.15"), Decimal("-21.04"), Decimal("-121.19")),
        "9": (Decimal("-20.00"), Decimal("-1.80"), Decimal("-21.80")),
    }
    assert [(ln.description, ln.net_amount, ln.ledger_account) for ln in reversal.lines.all()] \
        == [("Muurverf", Decimal("-100.10"), "4010"), ("Boek", Decimal("-20.00"), ""),
            ("Kwast", Decimal("-0.05"), "")]

    assert draft.status == "draft" and draft.replaces == registered
    assert draft.supplier_invoice_number == "F123-2"
    assert (draft.invoice_date, draft.description) == (registered.invoice_date, "Verf")
    assert _totals(draft) == _totals(registered)
    assert [ln.net_amount for ln in draft.lines.all()] == [
        Decimal("100.10"), Decimal("20.00"), Decimal("0.05")]
    # Only the reversal is booked now; the draft waits for the user.
    assert announced == ["F123-CORR"]


@pytest.mark.django_db
def test_registering_the_draft_books_it_like_a_new_invoice(registered, user_a, org_a,
                                                          announced):
    _reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)
    data = PurchaseData(
        supplier=draft.supplier, supplier_invoice_number=draft.supplier_invoice_number,
        invoice_date=draft.invoice_date, due_date=draft.due_date, description="Verf (juist)",
        lines=[PurchaseLineData("21", Decimal("90.00"), "Muurverf", "4010")],
    )
    booked = purchase_draft_register(invoice=draft, organization=org_a, data=data,
                                     user=user_a)
    booked.refresh_from_db()
    assert booked.status == "received" and booked.registered_by == user_a
    assert _amounts(booked) == (Decimal("90.00"), Decimal("18.90"), Decimal("108.90"))
    assert [ln.description for ln in booked.lines.all()] == ["Muurverf"]
    assert announced == ["F123-CORR", "F123-2"]
    with pytest.raises(InvoicingError):
        purchase_draft_register(invoice=booked, organization=org_a, data=data, user=user_a)


@pytest.mark.django_db
def test_an_invoice_is_corrected_once_and_a_reversal_never(registered, user_a):
    reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)
    for invoice in (registered, reversal, draft):
        with pytest.raises(InvoicingError, match="maar één keer"):
            purchase_invoice_correct(invoice=invoice, user=user_a)
    assert PurchaseInvoice.objects.count() == 3


@pytest.mark.django_db
def test_a_registered_replacement_can_be_corrected_again(registered, user_a, org_a):
    _reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)
    data = PurchaseData(supplier=draft.supplier, supplier_invoice_number="F123-2",
                        invoice_date=draft.invoice_date, due_date=draft.due_date,
                        lines=[PurchaseLineData("21", Decimal("90.00"))])
    second = purchase_draft_register(invoice=draft, organization=org_a, data=data, user=user_a)
    reversal, draft = purchase_invoice_correct(invoice=second, user=user_a)
    # The next replacement counts on from the first registration's number.
    assert (reversal.supplier_invoice_number, draft.supplier_invoice_number) == (
        "F123-2-CORR", "F123-3")


@pytest.mark.django_db
def test_numbers_stay_unique_per_supplier_in_any_case_and_within_50(org_a, user_a):
    supplier = make_supplier(org_a, name="Groothandel")
    _register(org_a, user_a, "f123-corr", supplier)
    _register(org_a, user_a, "F123-2", supplier)
    original = _register(org_a, user_a, "F123", supplier)
    reversal, draft = purchase_invoice_correct(invoice=original, user=user_a)
    assert (reversal.supplier_invoice_number, draft.supplier_invoice_number) == (
        "F123-CORR2", "F123-3")

    long = _register(org_a, user_a, "L" * 50, supplier)
    reversal, draft = purchase_invoice_correct(invoice=long, user=user_a)
    assert reversal.supplier_invoice_number == "L" * 45 + "-CORR"
    assert draft.supplier_invoice_number == "L" * 48 + "-2"

    # Another supplier's numbers are no obstacle.
    other = _register(org_a, user_a, "F123", make_supplier(org_a, name="Ander"))
    reversal, _draft = purchase_invoice_correct(invoice=other, user=user_a)
    assert reversal.supplier_invoice_number == "F123-CORR"


@pytest.mark.django_db
def test_correction_is_one_transaction(registered, user_a):
    def refuse(sender, invoice, **kwargs):
        raise RuntimeError("the sync job could not be written")

    signals.purchase_invoice_registered.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            purchase_invoice_correct(invoice=registered, user=user_a)
    finally:
        signals.purchase_invoice_registered.disconnect(refuse)
    registered.refresh_from_db()
    assert registered.status == "received"
    assert PurchaseInvoice.objects.count() == 1


@pytest.mark.django_db
def test_the_database_keeps_booked_invoices_immutable_and_drafts_editable(registered, user_a):
    reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)
    for booked in (registered, reversal):
        with pytest.raises(DatabaseError), transaction.atomic():
            PurchaseInvoice.objects.filter(pk=booked.pk).update(net_total=Decimal("1.00"))
        with pytest.raises(DatabaseError), transaction.atomic():
            PurchaseInvoiceLine.objects.filter(invoice=booked).update(net_amount=1)
        with pytest.raises(DatabaseError), transaction.atomic():
            PurchaseInvoiceLine.objects.filter(invoice=booked).delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            PurchaseInvoice.objects.filter(pk=booked.pk).update(status="draft")
        with pytest.raises(ImmutableError):
            booked.delete()
    # A draft is not booked: its lines change and it can be thrown away.
    assert PurchaseInvoiceLine.objects.filter(invoice=draft).update(description="x") == 3
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM invoicing_purchaseinvoicevattotal WHERE invoice_id = %s",
                       [draft.pk])
    draft.delete()
    assert not PurchaseInvoice.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_corrected_invoice_cannot_be_paid(registered, user_a, client_a):
    purchase_invoice_correct(invoice=registered, user=user_a)
    client_a.post(reverse("invoicing:purchase_mark_paid", args=[registered.pk]))
    registered.refresh_from_db()
    assert registered.status == "corrected" and registered.paid_at is None


# --------------------------------------------------------------------------- the pages


@pytest.mark.django_db
def test_correct_page_explains_then_corrects(registered, client_a):
    detail = client_a.get(reverse("invoicing:purchase_detail", args=[registered.pk]))
    url = reverse("invoicing:purchase_correct", args=[registered.pk])
    assert url in detail.content.decode()
    confirm = client_a.get(url).content.decode()
    assert "F123-CORR" in confirm and "F123-2" in confirm
    assert not PurchaseInvoice.objects.exclude(pk=registered.pk).exists()

    response = client_a.post(url)
    draft = PurchaseInvoice.objects.get(status="draft")
    assert response["Location"] == reverse("invoicing:purchase_edit", args=[draft.pk])
    edit = client_a.get(response["Location"]).content.decode()
    assert 'value="F123-2"' in edit and "Muurverf" in edit and 'value="4010"' in edit
    assert "21,04" in edit or "21.04" in edit  # the printed VAT came along

    detail = client_a.get(reverse("invoicing:purchase_detail", args=[registered.pk]))
    page = detail.content.decode()
    assert dutch("Corrected") in page and "F123-CORR" in page and "F123-2" in page
    assert url not in page  # corrected once


@pytest.mark.django_db
def test_correct_page_of_a_reversal_refuses(registered, user_a, client_a):
    reversal, _draft = purchase_invoice_correct(invoice=registered, user=user_a)
    url = reverse("invoicing:purchase_correct", args=[reversal.pk])
    assert client_a.get(url)["Location"] == reverse("invoicing:purchase_detail",
                                                    args=[reversal.pk])
    client_a.post(url)
    assert PurchaseInvoice.objects.count() == 3


def _edit_post(draft, **overrides):
    data = {
        "supplier": draft.supplier_id, "supplier_invoice_number": draft.supplier_invoice_number,
        "invoice_date": "2026-03-01", "due_date": "2026-03-31", "description": "Verf",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Muurverf", "lines-0-vat_rate": "21",
        "lines-0-net_amount": "90,00", "lines-0-ledger_account": "4010",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_edit_page_saves_and_registers_the_draft(registered, user_a, client_a):
    _reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)
    url = reverse("invoicing:purchase_edit", args=[draft.pk])
    client_a.post(url, _edit_post(draft, save="1"))
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.net_total == Decimal("90.00")

    taken = client_a.post(url, _edit_post(draft, register="1", supplier_invoice_number="F123"))
    assert taken.status_code == 200
    assert dutch("This supplier's invoice number has already been registered.") in \
        taken.content.decode().replace("&#x27;", "'")

    response = client_a.post(url, _edit_post(draft, register="1"))
    assert response["Location"] == reverse("invoicing:purchase_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "received"
    assert (draft.net_total, draft.gross_total) == (Decimal("90.00"), Decimal("108.90"))
    # Registered: the edit page sends the user back to the detail page.
    assert client_a.get(url)["Location"] == reverse("invoicing:purchase_detail",
                                                    args=[draft.pk])


@pytest.mark.django_db
def test_draft_can_be_deleted_but_a_booked_invoice_not(registered, user_a, client_a):
    _reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)
    client_a.post(reverse("invoicing:purchase_delete", args=[registered.pk]))
    assert PurchaseInvoice.objects.filter(pk=registered.pk).exists()
    response = client_a.post(reverse("invoicing:purchase_delete", args=[draft.pk]))
    assert response["Location"] == reverse("invoicing:purchase_list")
    assert not PurchaseInvoice.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_list_counts_no_draft_in_its_totals(registered, user_a, client_a):
    purchase_invoice_correct(invoice=registered, user=user_a)
    page = client_a.get(reverse("invoicing:purchase_list")).content.decode()
    assert "F123-2" in page and "F123-CORR" in page
    # The original and its reversal count; the draft does not.
    with translation.override("nl"):
        counted = translation.ngettext("%(counter)s purchase invoice",
                                       "%(counter)s purchase invoices", 2) % {"counter": 2}
    assert counted in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["purchase_correct", "purchase_edit", "purchase_delete"])
def test_other_organization_gets_404(registered, user_a, client_b, name):
    _reversal, draft = purchase_invoice_correct(invoice=registered, user=user_a)
    target = registered if name == "purchase_correct" else draft
    url = reverse(f"invoicing:{name}", args=[target.pk])
    if name != "purchase_delete":  # POST only
        assert client_b.get(url).status_code == 404
    assert client_b.post(url).status_code == 404
    assert PurchaseInvoice.objects.filter(pk=draft.pk, status="draft").exists()


@pytest.mark.django_db
def test_correct_needs_the_csrf_token(registered, user_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_a)
    response = browser.post(reverse("invoicing:purchase_correct", args=[registered.pk]))
    assert response.status_code == 403
    registered.refresh_from_db()
    assert registered.status == "received"

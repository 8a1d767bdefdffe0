"""Checked turns into an invoice: our own (finalized) invoice, or the accounting link takes the
work order over through the work_order_checked signal."""

from decimal import Decimal

import pytest
from django.utils import translation

from invoicing import services as invoicing
from invoicing.models import SalesInvoice
from tests.invoicing.factories import make_customer, make_product
from tests.workorders.factories import PLANNED, hours, make_done, make_invoiced, material
from workorders import services
from workorders.models import InvoiceChannel, WorkOrderError, WorkOrderState


@pytest.mark.django_db
def test_own_invoice_has_the_lines_and_totals_of_the_work_order(org_a, user_a):
    product = make_product(org_a, description="Grondverf 2,5 liter", unit_price=Decimal("34.95"),
                           ledger_account="8010")
    lines = [hours("4", "52.50", "Schilderwerk kozijnen"),
             material("2", "34.95", "Grondverf 2,5 liter", product_id=product.pk),
             material("1", "10.00", "Boek kleurstalen", vat="9")]
    done = make_done(org_a, user_a, lines=lines, work_street="Kerkstraat 5",
                     work_postcode="3511 AA", work_city="Utrecht")
    outcome = services.work_order_mark_checked(work_order=done, user=user_a)

    invoice = SalesInvoice.objects.get()
    assert outcome.invoice == invoice and outcome.problems == [] and not outcome.handed_over
    assert invoice.status == "sent" and invoice.number
    assert invoice.reference == done.number and invoice.customer == done.customer
    assert invoice.finalized_by == user_a and invoice.pdf
    assert invoice.delivery_date == PLANNED
    assert "Kerkstraat 5, 3511 AA Utrecht" in invoice.note
    rows = [(ln.description, ln.quantity, ln.unit, ln.unit_price, ln.vat_rate, ln.net_amount)
            for ln in invoice.lines.all()]
    assert rows == [
        ("Schilderwerk kozijnen (23-11-2026)", Decimal("4"), "uur", Decimal("52.50"), "21",
         Decimal("210.00")),
        ("Grondverf 2,5 liter", Decimal("2"), "stuk", Decimal("34.95"), "21", Decimal("69.90")),
        ("Boek kleurstalen", Decimal("1"), "stuk", Decimal("10.00"), "9", Decimal("10.00")),
    ]
    assert invoice.lines.get(product=product).ledger_account == "8010"
    # VAT per rate on the rate's total: 21% of 279.90 = 58.78, 9% of 10.00 = 0.90.
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("289.90"), Decimal("59.68"), Decimal("349.58"))
    done.refresh_from_db()
    assert done.state == WorkOrderState.INVOICED and done.invoice == invoice
    assert done.invoice_channel == InvoiceChannel.OWN


@pytest.mark.django_db
def test_hours_are_described_in_the_customers_language(org_a, user_a):
    customer = make_customer(org_a, language="en")
    invoiced = make_invoiced(org_a, user_a, customer=customer)
    line = invoiced.invoice.lines.get()
    assert line.unit == "hours" and line.description == "Schilderwerk (23-11-2026)"
    assert invoiced.invoice.language == "en" and "work address" in invoiced.invoice.note


@pytest.mark.django_db
def test_signal_takeover_leaves_it_checked_without_our_invoice(org_a, user_a, takeover):
    done = make_done(org_a, user_a)
    outcome = services.work_order_mark_checked(work_order=done, user=user_a)
    assert outcome.handed_over and outcome.invoice is None
    assert takeover == [done.pk]
    done.refresh_from_db()
    assert done.state == WorkOrderState.CHECKED
    assert done.invoice_channel == InvoiceChannel.ACCOUNTING and done.invoice is None
    assert not SalesInvoice.objects.exists()
    # ...and it cannot be invoiced a second time by us while the link handles it.
    with pytest.raises(WorkOrderError):
        services.work_order_create_invoice(work_order=done, user=user_a)
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_the_accounting_link_confirms_its_invoice_once(org_a, user_a, takeover):
    done = make_done(org_a, user_a)
    services.work_order_mark_checked(work_order=done, user=user_a)
    invoiced = services.work_order_invoice_externally_created(work_order=done,
                                                              invoice_number=" F2026-17 ")
    assert invoiced.state == WorkOrderState.INVOICED
    assert invoiced.external_invoice_number == "F2026-17"
    again = services.work_order_invoice_externally_created(work_order=done,
                                                           invoice_number="F2026-17")
    assert again.external_invoice_number == "F2026-17"
    with pytest.raises(WorkOrderError):
        services.work_order_invoice_externally_created(work_order=done, invoice_number="F-99")


@pytest.mark.django_db
def test_a_receiver_returning_something_else_does_not_take_over(org_a, user_a):
    from workorders.signals import work_order_checked

    def undecided(sender, work_order, **kwargs):
        return "maybe"

    work_order_checked.connect(undecided, weak=False, dispatch_uid="test-undecided")
    try:
        invoiced = make_invoiced(org_a, user_a)
    finally:
        work_order_checked.disconnect(dispatch_uid="test-undecided")
    assert invoiced.state == WorkOrderState.INVOICED and invoiced.invoice is not None


@pytest.mark.django_db
def test_our_own_invoice_cannot_be_confirmed_by_the_accounting_link(org_a, user_a):
    invoiced = make_invoiced(org_a, user_a)
    with pytest.raises(WorkOrderError):
        services.work_order_invoice_externally_created(work_order=invoiced, invoice_number="X")


@pytest.mark.django_db
def test_refused_finalize_keeps_the_draft_linked_and_the_work_order_checked(org_a, user_a):
    customer = make_customer(org_a, address="", city="")
    done = make_done(org_a, user_a, customer=customer, work_street="Kade 1", work_city="Delft")
    with translation.override("en"):
        outcome = services.work_order_mark_checked(work_order=done, user=user_a)
    assert any("Customer: address is missing" in p for p in outcome.problems)
    draft = SalesInvoice.objects.get()
    assert draft.status == "draft" and outcome.invoice == draft
    done.refresh_from_db()
    assert done.state == WorkOrderState.CHECKED and done.invoice == draft
    assert done.awaits_own_invoice

    # The user completes the customer and finalizes the draft by hand: the work order follows.
    customer.address, customer.city = "Dorpsstraat 1", "Utrecht"
    invoicing.party_save(party=customer, organization=org_a)
    invoicing.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    done.refresh_from_db()
    assert done.state == WorkOrderState.INVOICED
    assert SalesInvoice.objects.count() == 1


@pytest.mark.django_db
def test_retry_finalizes_the_same_draft(org_a, user_a):
    org_a.kvk_number = ""
    org_a.save()
    done = make_done(org_a, user_a)
    outcome = services.work_order_mark_checked(work_order=done, user=user_a)
    assert outcome.problems and outcome.invoice.status == "draft"
    org_a.kvk_number = "12345678"
    org_a.save()
    retry = services.work_order_create_invoice(work_order=done, user=user_a)
    assert retry.problems == [] and retry.invoice.pk == outcome.invoice.pk
    assert retry.work_order.state == WorkOrderState.INVOICED
    assert SalesInvoice.objects.count() == 1


@pytest.mark.django_db
def test_a_deleted_draft_can_be_made_again(org_a, user_a):
    org_a.vat_id = ""
    org_a.save()
    done = make_done(org_a, user_a, lines=[hours("2")])
    first = services.work_order_mark_checked(work_order=done, user=user_a).invoice
    invoicing.invoice_delete_draft(invoice=first)
    done.refresh_from_db()
    assert done.invoice is None and done.awaits_own_invoice
    org_a.vat_id = "NL123456782B01"
    org_a.save()
    outcome = services.work_order_create_invoice(work_order=done, user=user_a)
    assert outcome.invoice.status == "sent" and outcome.invoice.net_total == Decimal("105.00")
    assert SalesInvoice.objects.count() == 1


@pytest.mark.django_db
def test_an_unrelated_invoice_changes_no_work_order(org_a, user_a):
    from tests.invoicing.factories import make_sent

    done = make_done(org_a, user_a)
    make_sent(org_a, user_a, customer=done.customer)
    done.refresh_from_db()
    assert done.state == WorkOrderState.DONE

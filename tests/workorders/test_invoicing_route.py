"""Checked turns into an invoice: our own DRAFT invoice for the user to review and finalize, or
the accounting link takes the work order over through the work_order_checked signal."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from invoicing import services as invoicing
from invoicing.models import SalesInvoice
from invoicing.services import LineData
from tests.invoicing.factories import make_customer, make_product
from tests.invoicing.test_finalize import _pdf_text as pdf_text
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
    assert outcome.invoice == invoice and not outcome.handed_over
    assert invoice.status == "draft" and not invoice.number
    # Our own work order number is not the customer's reference: it is in the note.
    assert invoice.reference == "" and invoice.customer == done.customer
    assert invoice.issue_date == timezone.localdate() and invoice.delivery_date == PLANNED
    assert invoice.note.startswith(f"Werkbon {done.number}, werkadres: Kerkstraat 5, 3511 AA")
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
    assert done.state == WorkOrderState.CHECKED and done.invoice == invoice
    assert done.invoice_channel == InvoiceChannel.OWN and done.awaits_own_invoice

    # The user gives a discount, adds a line and finalizes: now the work order is invoiced.
    kept = [LineData(description=ln.description, quantity=ln.quantity, unit=ln.unit,
                     unit_price=ln.unit_price, vat_rate=ln.vat_rate, product_id=ln.product_id,
                     ledger_account=ln.ledger_account) for ln in invoice.lines.all()]
    kept[0].discount_percent = Decimal("10")
    extra = LineData(description="Afvoer restafval", quantity=Decimal("1"),
                     unit_price=Decimal("15.00"), vat_rate="21")
    invoicing.invoice_save_draft(invoice=invoice, organization=org_a, lines=[*kept, extra])
    invoice = invoicing.invoice_finalize(invoice=invoice, send_email=False, user=user_a)
    done.refresh_from_db()
    assert done.state == WorkOrderState.INVOICED and done.invoice.number
    text = pdf_text(invoice)
    assert f"Werkbon {done.number}, werkadres: Kerkstraat 5" in text
    assert "Leverdatum 23-11-2026" in text and "Uw referentie" not in text


@pytest.mark.django_db
def test_delivery_date_is_the_day_the_work_was_done_never_after_the_invoice(org_a, user_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    done = make_done(org_a, user_a, planned_date=tomorrow)  # done (signed off) a day early
    invoice = services.work_order_mark_checked(work_order=done, user=user_a).invoice
    assert invoice.delivery_date == timezone.localdate() == invoice.issue_date
    assert services.work_date(done) == timezone.localdate()


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
def test_a_refused_finalize_keeps_the_draft_and_the_work_order_checked(org_a, user_a):
    customer = make_customer(org_a, address="", city="")
    done = make_done(org_a, user_a, customer=customer, work_street="Kade 1", work_city="Delft")
    draft = services.work_order_mark_checked(work_order=done, user=user_a).invoice
    with translation.override("en"), pytest.raises(invoicing.InvoicingError) as refused:
        invoicing.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    assert any("Customer: address is missing" in p for p in refused.value.messages)
    done.refresh_from_db()
    assert done.state == WorkOrderState.CHECKED and done.invoice == draft

    # The user completes the customer and finalizes the draft: the work order follows.
    customer.address, customer.city = "Dorpsstraat 1", "Utrecht"
    invoicing.party_save(party=customer, organization=org_a)
    invoicing.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    done.refresh_from_db()
    assert done.state == WorkOrderState.INVOICED
    assert SalesInvoice.objects.count() == 1


@pytest.mark.django_db
def test_make_invoice_again_while_the_draft_exists_keeps_the_same_draft(org_a, user_a):
    done = make_done(org_a, user_a)
    first = services.work_order_mark_checked(work_order=done, user=user_a).invoice
    again = services.work_order_create_invoice(work_order=done, user=user_a)
    assert again.invoice.pk == first.pk and again.invoice.status == "draft"
    assert SalesInvoice.objects.count() == 1


@pytest.mark.django_db
def test_a_deleted_draft_puts_the_work_order_back_to_checked_and_can_be_made_again(
        org_a, user_a):
    done = make_done(org_a, user_a, lines=[hours("2")])
    first = services.work_order_mark_checked(work_order=done, user=user_a).invoice
    invoicing.invoice_delete_draft(invoice=first)
    done.refresh_from_db()
    assert done.invoice is None and done.awaits_own_invoice
    assert done.state == WorkOrderState.CHECKED
    org_a.vat_id = "NL123456782B01"
    org_a.save()
    outcome = services.work_order_create_invoice(work_order=done, user=user_a)
    assert outcome.invoice.status == "draft" and outcome.invoice.net_total == Decimal("105.00")
    assert SalesInvoice.objects.count() == 1


@pytest.mark.django_db
def test_an_unrelated_invoice_changes_no_work_order(org_a, user_a):
    from tests.invoicing.factories import make_sent

    done = make_done(org_a, user_a)
    make_sent(org_a, user_a, customer=done.customer)
    done.refresh_from_db()
    assert done.state == WorkOrderState.DONE

"""An invoice with a discount and an advance-payment line is booked to the cent: a rate whose
lines add up below zero becomes a negative booking line, which e-Boekhouden accepts."""

from decimal import Decimal

import pytest

from ebh_sync.models import SyncJob
from invoicing import services as invoicing
from tests.invoicing.factories import line, make_draft


def amounts(mutation_line: dict) -> tuple:
    return (Decimal(str(mutation_line["excl"])), Decimal(str(mutation_line["btw"])),
            Decimal(str(mutation_line["incl"])), mutation_line["btw_code"])


@pytest.mark.django_db
def test_invoice_with_a_discount_line_is_booked(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    draft = make_draft(org_a, customer=customer, lines=[
        line("Schilderwerk", "10", "55.00"),
        line("Korting vaste klant", "1", "-50.00"),
        line("Verf", "2", "12.50", rate="9"),
        line("Voorschot materiaal (factuur 2026-0007)", "-1", "40.00", rate="9"),
    ])
    assert draft.gross_total == Decimal("605.00") + Decimal("-15.00") - Decimal("1.35")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.invoice_finalize(invoice=draft, send_email=False, user=user_a)

    job = SyncJob.objects.get(sales_invoice=invoice)
    assert job.state == SyncJob.State.BOOKED
    [mutation] = linked.mutations()
    assert sorted(amounts(row) for row in mutation["lines"]) == sorted([
        (Decimal("500.00"), Decimal("105.00"), Decimal("605.00"), "HOOG_VERK_21"),
        (Decimal("-15.00"), Decimal("-1.35"), Decimal("-16.35"), "LAAG_VERK_9"),
    ])
    assert linked.bookings()[invoice.number] == 1


@pytest.mark.django_db
def test_an_invoice_with_an_advance_payment_line_is_credited_in_full(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    draft = make_draft(org_a, customer=customer, lines=[
        line("Schilderwerk", "10", "55.00"), line("Voorschot", "-1", "200.00")])
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.invoice_finalize(invoice=draft, send_email=False, user=user_a)
        credit = invoicing.credit_note_create(invoice=invoice, user=user_a)
        credit = invoicing.invoice_finalize(invoice=credit, send_email=False, user=user_a)
    assert [ln.quantity for ln in credit.lines.all()] == [Decimal("-10"), Decimal("1")]
    assert credit.gross_total == -invoice.gross_total == Decimal("-423.50")
    assert linked.bookings()[credit.number] == 1

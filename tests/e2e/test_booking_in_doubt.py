"""A booking GetMutaties cannot confirm, as the user meets it: the invoice says a check is
needed, Foutmeldingen lists it with "Beslissen" instead of a retry, and the decision page
explains both ways out; "Al geboekt" with the mutation number settles it without a call."""

import pytest
from playwright.sync_api import expect

from ebh_sync.models import SyncJob
from tests.e2e.flows import business_with_customer, connect_with_services, exact
from tests.invoicing.factories import make_sent

pytestmark = pytest.mark.e2e


def test_a_person_settles_a_booking_in_doubt(page, shot, sandbox):
    user, organization, customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    invoice = make_sent(organization, user, customer)
    reason = ("Verstuurd zonder antwoord, en e-Boekhouden.nl toont alleen de 500 meest recente "
              "mutaties.")
    # what the engine leaves when GetMutaties cannot show whether a lost booking arrived
    # (tests/ebh_sync/test_doubt.py makes it happen against the sandbox)
    SyncJob.objects.filter(sales_invoice=invoice).update(
        state=SyncJob.State.DOUBT, in_doubt=True, last_error_code="DOUBT", last_error=reason)

    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator(".badge").filter(has_text="controle nodig")).to_be_visible()
    page.goto("/settings/connections/errors/")
    row = page.get_by_role("row").filter(has_text=invoice.number)
    expect(row.get_by_role("checkbox")).to_have_count(0)  # never part of a bulk retry
    shot(page, "errors")
    row.get_by_role("link", name=exact("Beslissen")).click()

    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Staat deze boeking in e-Boekhouden.nl?")
    expect(page.get_by_role("button", name=exact("Nu boeken"))).to_be_visible()
    shot(page, "decide")
    page.get_by_label("Mutatienummer in e-Boekhouden.nl").fill("4711")
    page.get_by_role("button", name=exact("Al geboekt")).click()

    expect(page.locator(".messages")).to_contain_text("Vastgelegd als geboekt")
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert (job.state, job.mutation_number, job.in_doubt) == (SyncJob.State.BOOKED, 4711, False)
    page.goto(f"/invoices/{invoice.pk}/")
    expect(page.locator(".badge").filter(has_text="geboekt #4711")).to_be_visible()

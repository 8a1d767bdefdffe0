"""An invoice becomes paid after e-Boekhouden marks it paid: the invoice is booked in the
sandbox, the sandbox books the bank payment against it (as matching the bank does), the user
presses "Betalingen ophalen", and the invoice shows "Betaald" with a payment "via
e-Boekhouden"."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    connect_with_services,
    exact,
    finalize_draft,
    open_connections,
    reload_until,
)
from tests.invoicing.factories import line, make_draft

pytestmark = pytest.mark.e2e

FETCH = re.compile(r"^\s*(Betalingen ophalen|Fetch payments)\s*$")


def test_invoice_paid_in_e_boekhouden_becomes_paid(page, shot, stack, sandbox):
    _user, organization, customer = business_with_customer(page)
    account = connect_with_services(organization, sandbox)
    draft = make_draft(organization, customer=customer, issue_date=datetime.date.today(),
                       lines=[line("Schilderwerk gevel", quantity="2", price="100")])
    number = finalize_draft(page, draft, email=False)
    reload_until(page, lambda: booked_badge(page))

    sandbox.pay_invoice(account["administrations"][0], number)  # the bank is matched there

    open_connections(page)
    shot(page, "connections")
    page.get_by_role("button", name=FETCH).click()
    reload_until(page, lambda: page.get_by_test_id("payments-result"))
    expect(page.get_by_test_id("payments-result")).to_contain_text("1")
    shot(page, "payments")

    page.goto(f"/invoices/{draft.pk}/")
    badges = page.get_by_role("heading", level=1).locator(".badge")
    expect(badges.filter(has_text=exact("Betaald"))).to_be_visible()
    expect(page.get_by_test_id("payment-source")).to_have_text("via e-Boekhouden")
    expect(page.get_by_text(re.compile("ontvangen via e-Boekhouden|received via e-Boekhouden"))
           ).to_be_visible()
    shot(page, "invoice-paid")

"""Instellingen > Verbindingen > Controle in the browser: start a check of a month, watch the
progress bar, read the rows (matched, missing, not made by us) and download the CSV."""

import datetime
import time
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from connections.models import Connection
from connections.services import connection_session
from ebh_sync.models import SyncJob
from eboekhouden.client import MutationData, MutationLine
from tests.e2e.flows import business_with_customer, connect_with_services, open_connections
from tests.invoicing.factories import line, make_sent

pytestmark = pytest.mark.e2e
DAY = datetime.date(2026, 3, 2)


def wait_until_booked(count: int, timeout: float = 60) -> None:
    """The worker books in the background: wait for the state, bounded so a hang fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if SyncJob.objects.filter(state=SyncJob.State.BOOKED).count() >= count:
            return
        time.sleep(0.2)
    pytest.fail(f"the worker did not book {count} invoices")


def book_by_hand(organization, invoice_number: str, relation: str) -> None:
    """Someone books one of our invoice numbers in e-Boekhouden.nl themselves."""
    connection = Connection.objects.get(organization=organization)
    amount = Decimal("50.00")
    with connection_session(connection=connection) as (client, session):
        client.add_mutatie(session, MutationData(
            kind="FactuurVerstuurd", date=DAY, account="1300", relation_code=relation,
            invoice_number=invoice_number, description="Met de hand geboekt",
            payment_term_days=14, lines=(MutationLine(amount, Decimal("10.50"),
                                                      Decimal("60.50"), "HOOG_VERK_21",
                                                      Decimal("21"), "8000"),),
        ))


def test_reconciliation_report(page, shot, stack, sandbox):
    user, organization, customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    invoices = [make_sent(organization, user, customer=customer, issue_date=DAY,
                          lines=[line("Schilderwerk", "1", f"{n}00.00")]) for n in (1, 2, 3)]
    wait_until_booked(3)
    lost = make_sent(organization, user, customer=customer, issue_date=DAY)
    wait_until_booked(4)
    SyncJob.objects.filter(sales_invoice=lost).update(mutation_number=9999)
    foreign = make_sent(organization, user, customer=customer, issue_date=DAY)
    SyncJob.objects.filter(sales_invoice=foreign).update(state=SyncJob.State.FAILED)
    customer.refresh_from_db()
    book_by_hand(organization, foreign.number, customer.code)

    open_connections(page)
    page.locator("a[href='/settings/connections/check/']").click()
    page.get_by_label("Van").fill("2026-03-01")
    page.get_by_label("Tot en met").fill("2026-03-31")
    shot(page, "form")
    page.locator("form.form-inline button[type=submit]").click()

    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100",
                                                              timeout=30_000)
    rows = page.locator("[data-testid=report-rows] tbody tr")
    # The lost one's real booking is there too, under a number we did not record.
    expect(rows).to_have_count(6)
    expect(page.locator("tr[data-outcome=matched]")).to_have_count(3)
    expect(page.locator("tr[data-outcome=missing]")).to_contain_text(lost.number)
    not_ours = page.locator("tr[data-outcome=not_ours]")
    expect(not_ours).to_have_count(2)
    expect(not_ours.filter(has_text=foreign.number)).to_have_count(1)
    expect(not_ours.filter(has_text=lost.number)).to_have_count(1)
    expect(page.locator("[data-testid=report-calls]")).to_have_text("1")
    shot(page, "report")

    with page.expect_download() as download:
        page.locator("a[href$='/csv/']").click()
    text = Path(download.value.path()).read_text()
    assert all(invoice.number in text for invoice in (*invoices, lost, foreign))

"""Payment reminders in the browser: an overdue invoice, the daily run (started from the test)
sends its reminder through the worker, and the reminder shows on the invoice's history with
date and recipient; then a second one is sent by hand from the invoice page after its
confirmation."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from reminders import services
from reminders.tasks import send_due_reminders_task
from tests.e2e.flows import business_with_customer, reload_until
from tests.reminders.factories import overdue

pytestmark = pytest.mark.e2e


def history(page):
    return page.get_by_test_id("invoice-history")


def test_daily_run_and_manual_reminder_on_the_history(page, shot, stack):
    user, organization, customer = business_with_customer(page)
    invoice = overdue(organization, user, days=9, customer=customer)

    assert send_due_reminders_task.apply().get() == 1  # the beat task, run here in-process
    message = stack.wait_for(customer.email)
    assert message["Subject"] == f"Herinnering: factuur {invoice.number}"
    assert any(part.get_content_type() == "application/pdf" for part in message.walk())

    page.goto(f"/invoices/{invoice.pk}/")
    today = datetime.date.today().strftime("%d-%m-%Y")
    reload_until(page, lambda: history(page).get_by_text(
        re.compile(rf"{today} \d\d:\d\d Betalingsherinnering 1 verstuurd aan "
                   rf"{re.escape(customer.email)}")))
    block = page.get_by_test_id("reminders-block")
    expect(block).to_contain_text("Volgende herinnering: stap 2")
    shot(page, "invoice-reminded")

    block.get_by_role("link", name="Herinnering sturen").click()
    confirm = page.get_by_test_id("reminder-confirm")
    expect(confirm).to_contain_text("Stap 2 (21 dagen na de vervaldatum)")
    expect(confirm).to_contain_text(customer.email)
    expect(confirm).to_contain_text(f"Tweede herinnering: factuur {invoice.number}")
    shot(page, "confirm")
    page.get_by_role("button", name="Herinnering sturen").click()
    expect(page.locator(".message-success")).to_contain_text("De herinnering is onderweg")
    reload_until(page, lambda: history(page).get_by_text(
        re.compile(rf"Betalingsherinnering 2 verstuurd aan {re.escape(customer.email)}")))
    assert services.send_due_reminders() == 0  # step 2 went by hand; nothing due twice

    block.get_by_text("Betwisting noteren").click()
    block.get_by_label("Wat betwist de klant?").fill("Klant zegt dat de dakgoot nog lekt")
    block.get_by_role("button", name="Betwisting opslaan").click()
    expect(block.get_by_test_id("reminder-reason")).to_contain_text("betwisting open")
    expect(block.get_by_role("link", name="Herinnering sturen")).to_have_count(0)
    shot(page, "disputed")

    page.goto("/settings/reminders/")
    expect(page.get_by_test_id("collection-costs-rule")).to_contain_text("minimum van € 40")
    page.get_by_label("De tekst over wettelijke incassokosten aan de laatste stap").check()
    page.get_by_role("button", name="Voorbeeld").click()
    last = page.get_by_test_id("reminder-step-3")
    last.get_by_text("Voorbeeld met een voorbeeldfactuur").click()
    expect(last).to_contain_text("binnen 14 dagen, te rekenen vanaf de dag na ontvangst")
    shot(page, "settings")

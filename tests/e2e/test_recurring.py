"""A monthly recurring invoice made in the browser: the form shows the period text as it will
read, the hourly run (called here as beat would) makes the invoice of this month as a draft
for review, and the template's page and the invoice's page show it with its period text."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recurring import services
from recurring.periods import fill
from tests.e2e.flows import business_with_customer, choose, fill_line

pytestmark = pytest.mark.e2e


def test_monthly_template_produces_an_invoice_with_the_period_text(page, shot, stack):
    _user, _organization, customer = business_with_customer(page)
    start = timezone.localdate().replace(day=1)
    expected = fill("Onderhoud {maand} {jaar}", start, "nl")  # e.g. "Onderhoud maart 2026"

    page.goto("/invoices/")
    page.get_by_role("link", name="Periodieke facturen").click()
    page.get_by_role("link", name="Nieuwe periodieke factuur").first.click()
    page.get_by_label("Naam").fill("Onderhoudscontract")
    choose(page.get_by_label("Klant"), customer.name)
    page.get_by_label("Frequentie").select_option(label="Maandelijks")
    page.get_by_label("Datum eerste factuur").fill(start.isoformat())
    fill_line(page, 0, "Onderhoud {maand} {jaar}", "1", "95,00", "21")
    example = page.locator("[data-example-list]")
    expect(example).to_contain_text(expected)
    page.get_by_label("Opmerking op de factuur").fill("Periode {maand")
    expect(example).to_contain_text("onbekende plaatshouder")
    page.get_by_label("Opmerking op de factuur").fill("Periode {maand} {jaar}")
    shot(page, "form")
    page.get_by_role("button", name="Opslaan", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Onderhoudscontract")
    expect(page.get_by_test_id("upcoming")).to_contain_text(start.strftime("%d-%m-%Y"))
    assert services.generate_due() == 1  # the hourly beat run
    page.reload()
    made = page.get_by_test_id("generated-invoices")
    expect(made).to_contain_text(start.strftime("%d-%m-%Y"))
    shot(page, "detail")

    page.get_by_role("link", name="Periodieke facturen").first.click()
    expect(page.get_by_test_id("waiting-for-review")).to_contain_text("Onderhoudscontract")
    shot(page, "list")
    page.get_by_test_id("waiting-for-review").get_by_role("link").first.click()
    expect(page.get_by_role("cell", name=expected)).to_be_visible()
    history = page.get_by_role("listitem").filter(
        has_text=re.compile(r"Gemaakt door periodieke factuur Onderhoudscontract, periode "))
    expect(history).to_contain_text(fill("{maand} {jaar}", start, "nl"))
    expect(page.locator(".badge").filter(has_text="Te controleren").first).to_be_visible()
    shot(page, "invoice")
    assert services.generate_due() == 0  # the next hour: nothing again

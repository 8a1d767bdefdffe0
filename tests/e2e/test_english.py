"""The whole send flow in English: the user switches the language under Instellingen > Mijn
account, then every screen of the flow speaks English (badges included)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    choose,
    connect_with_services,
    exact,
    fill_line,
    reload_until,
)

pytestmark = pytest.mark.e2e


def test_send_flow_in_english(page, shot, stack, sandbox):
    _user, organization, customer = business_with_customer(page)
    connect_with_services(organization, sandbox)

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Instellingen").click()
    page.get_by_role("link", name="Mijn account").click()
    page.get_by_label(exact("Taal")).select_option("en")
    shot(page, "my-account")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Invoices").click()
    expect(page.get_by_role("heading", name="Invoices", level=1)).to_be_visible()
    shot(page, "invoice-list")
    page.get_by_role("link", name="New invoice").click()
    choose(page.get_by_label("Customer"), customer.name)
    if page.locator("[data-lines] [data-line]:visible").count() == 0:
        page.get_by_role("button", name="Add line").click()
    fill_line(page, 0, "Painting the living room", "8", "55.00", "21")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, 1, "Book on colours", "2", "24.50", "9")
    expect(page.locator("[data-invoice-total]")).to_have_text("489.00")
    shot(page, "invoice-form")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".message-success")).to_have_text("The draft was saved.")

    page.get_by_role("link", name="Finalize and send").click()
    expect(page.get_by_label("Email the invoice to the customer")).to_be_checked()
    shot(page, "finalize")
    page.get_by_role("button", name=exact("Finalize")).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Invoice \d{4}-\d{4} Finalized"))
    number = re.search(r"\d{4}-\d{4}", heading.inner_text())[0]
    expect(page.locator(".message-success")).to_have_text(f"Invoice {number} was finalized.")
    expect(page.locator(".totals-table tfoot")).to_contain_text("Total incl. VAT")
    expect(page.locator(".totals-table tfoot")).to_contain_text("€ 585.81")
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()

    reload_until(page, lambda: page.locator(".badge").filter(has_text=re.compile(
        r"^booked #\d+$")))
    expect(booked_badge(page)).to_have_count(0)  # no Dutch badge left
    expect(page.get_by_role("row").filter(has_text=customer.email)).to_contain_text("Sent")
    shot(page, "sent")
    assert number in stack.wait_for(customer.email)["Subject"]

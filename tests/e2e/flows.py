"""Steps several scenarios share, written the way a user does them in the browser."""

from __future__ import annotations

import itertools
import re
import time

from playwright.sync_api import Page, expect

from connections import services as connection_services
from tests.factories import PASSWORD, make_organization, make_user
from tests.invoicing.factories import make_customer

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}{int(time.time() * 1000) % 100000}"


def exact(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$", re.IGNORECASE)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def business_with_customer(page: Page, *, log_in_now: bool = True):
    """An owner with complete business details and one customer (logged in, unless not)."""
    email = f"{unique('owner')}@example.test"
    user = make_user(email, full_name="Olga Owner")
    organization = make_organization(f"Schilder {unique('')} B.V.", owner=user,
                                     email="facturen@schilder.test")
    customer = make_customer(organization, name="Bakkerij Brood & Zo",
                             email=f"{unique('klant')}@example.test")
    if log_in_now:
        log_in(page, email)
    return user, organization, customer


def connect_with_services(organization, sandbox) -> dict:
    """Connect and configure through the services (scenarios that test other screens)."""
    account = sandbox.add_account(unique("e2e"))
    connection = connection_services.connection_connect(
        organization=organization, username=account["username"],
        security_code_1=account["security_code_1"], security_code_2=account["security_code_2"],
    )
    choices = connection_services.connection_load_choices(connection=connection)
    connection_services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000",
    )
    return account


def choose(select, text: str) -> None:
    """Pick the option whose text contains ``text`` (options may carry a code too)."""
    value = select.locator("option").filter(has_text=text).first.get_attribute("value")
    select.select_option(value)


def fill_line(page: Page, index: int, description: str, quantity: str, price: str,
              rate: str) -> None:
    row = page.locator("[data-lines] [data-line]").nth(index)
    row.locator("[name$='-description']").fill(description)
    row.locator("[name$='-quantity']").fill(quantity)
    row.locator("[name$='-unit_price']").fill(price)
    row.locator("[name$='-vat_rate']").select_option(rate)


def write_invoice(page: Page, customer_name: str) -> None:
    """Invoice list → new invoice with a 21% and a 9% line → saved draft."""
    page.goto("/invoices/")
    page.get_by_role("link", name="Nieuwe factuur").click()
    choose(page.get_by_label("Klant"), customer_name)
    rows = page.locator("[data-lines] [data-line]:visible")
    if rows.count() == 0:
        page.get_by_role("button", name="Regel toevoegen").click()
    fill_line(page, 0, "Schilderwerk woonkamer", "8", "55,00", "21")
    page.get_by_role("button", name="Regel toevoegen").click()
    fill_line(page, 1, "Boek over kleurgebruik", "2", "24,50", "9")
    expect(page.locator("[data-invoice-total]")).to_have_text("489,00")


def reload_until(page: Page, locator_factory, timeout: float = 30) -> None:
    """Server-rendered state changes (a booking): reload until the locator shows."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            expect(locator_factory()).to_be_visible(timeout=1000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def booked_badge(page: Page):
    return page.locator(".badge").filter(has_text=re.compile(r"geboekt #\d+"))


def finalize_draft(page: Page, draft, *, email: bool = True) -> str:
    """Open a draft, finalize it (and email it); returns the invoice number."""
    page.goto(f"/invoices/{draft.pk}/")
    page.get_by_role("link", name="Definitief maken en versturen").click()
    checkbox = page.get_by_label("De factuur naar de klant mailen")
    if not email:
        checkbox.uncheck()
    page.get_by_role("button", name=exact("Definitief maken")).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Factuur \d{4}-\d{4}"))
    return re.search(r"\d{4}-\d{4}", heading.inner_text())[0]


def open_connections(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Instellingen").click()
    page.get_by_role("link", name="Verbindingen").click()
    expect(page.get_by_role("heading", name="e-Boekhouden.nl")).to_be_visible()


def connection_status(page: Page):
    return page.get_by_test_id("connection-status")

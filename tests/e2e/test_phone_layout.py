"""On a phone (390 px): the navigation folds behind a Menu button, the line editors stack each
line as a card with every field under its own visible name, and the lists show number,
customer, total and status of every row without scrolling sideways."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MOBILE
from tests.e2e.flows import business_with_customer, choose, exact
from tests.invoicing.factories import (
    line,
    make_customer,
    make_draft,
    make_product,
    make_sent,
    make_supplier,
)
from tests.workorders.factories import make_work_order

pytestmark = pytest.mark.e2e

# Per field of a line card: its visible name (the cell's ::before text) and where it sits.
CARD_FIELDS = """(row) => [...row.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden'))
  .map((el) => {
    const cell = el.closest('td');
    const box = el.getBoundingClientRect();
    return {name: el.name.replace(/^.*-/, ''),
            label: getComputedStyle(cell, '::before').content.replace(/^"|"$/g, ''),
            left: box.left, right: box.right, width: box.width};
  })"""


def menu_button(page):
    return page.get_by_role("button", name="Menu")


def main_menu(page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def on_screen(page, locator) -> None:
    """Visible and within the phone's width: seen without scrolling sideways."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], (locator, box)


def card_fields(row) -> dict:
    return {field["name"]: field for field in row.evaluate(CARD_FIELDS)}


def assert_full_card(page, row, expected: dict) -> None:
    """Every field of the line shows under its name, within the screen, at a usable width."""
    fields = card_fields(row)
    assert {name: field["label"] for name, field in fields.items()} == expected
    for field in fields.values():
        assert field["left"] >= 0 and field["right"] <= MOBILE["width"], field
        assert field["width"] >= 140, field  # at least half the card, not a squeezed column
    on_screen(page, row.get_by_role("button", name="Verwijderen"))


def test_menu_invoice_cards_and_lists_on_a_phone(page, shot, stack):
    user, organization, customer = business_with_customer(page)
    make_product(organization, description="Muurverf wit", unit="liter",
                 unit_price=Decimal("12.50"))
    other = make_customer(
        organization, name="Woningcorporatie Het Groene Dak en Zonen", email="dak@example.test")
    sent = make_sent(organization, user, customer=customer,
                     lines=[line("Schilderwerk", "10", "55.00")])
    make_draft(organization, customer=other, lines=[line("Kozijnen", "1", "250.00")])
    page.set_viewport_size(MOBILE)
    page.goto("/invoices/")

    # The navigation is folded: one Menu button, which the keyboard opens and Escape closes.
    expect(main_menu(page)).to_be_hidden()
    expect(menu_button(page)).to_have_attribute("aria-expanded", "false")
    menu_button(page).focus()
    page.keyboard.press("Enter")
    expect(menu_button(page)).to_have_attribute("aria-expanded", "true")
    on_screen(page, main_menu(page).get_by_role("link", name="Werkbonnen"))
    on_screen(page, page.get_by_text(organization.name))
    on_screen(page, page.get_by_role("button", name="Uitloggen"))
    shot(page, "menu-open")
    page.set_viewport_size(MOBILE)
    page.keyboard.press("Escape")
    expect(main_menu(page)).to_be_hidden()
    expect(menu_button(page)).to_be_focused()
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu_button(page)).to_be_hidden()  # a desktop shows the navigation itself
    expect(main_menu(page).get_by_role("link", name="Werkbonnen")).to_be_visible()
    page.set_viewport_size(MOBILE)

    # The invoice list: number, customer, total and status of every row, on the screen.
    rows = page.locator("table.table-cards tbody tr")
    expect(rows).to_have_count(2)
    final = rows.filter(has_text=sent.number)
    for text in (sent.number, "Bakkerij Brood & Zo", "€ 665,50"):
        on_screen(page, final.get_by_text(text, exact=True))
    on_screen(page, final.locator(".badge").first)
    draft = rows.filter(has_text="Het Groene Dak")
    for text in ("Concept", "Woningcorporatie Het Groene Dak en Zonen", "€ 302,50"):
        on_screen(page, draft.get_by_text(text, exact=True).first)
    on_screen(page, draft.locator("td[data-label] .badge").first)
    shot(page, "invoice-list")
    page.set_viewport_size(MOBILE)

    # Through the menu to a new invoice: a line is a card with every field under its name.
    menu_button(page).click()
    main_menu(page).get_by_role("link", name="Facturen").click()
    expect(page).to_have_url(re.compile(r"/invoices/$"))
    expect(menu_button(page)).to_have_attribute("aria-expanded", "false")
    page.get_by_role("link", name="Nieuwe factuur").click()
    choose(page.get_by_label(exact("Klant")), "Bakkerij")
    rows = page.locator("[data-lines] [data-line]:visible")
    if rows.count() == 0:
        page.get_by_role("button", name="Regel toevoegen").click()
    card = rows.first
    assert_full_card(page, card, {
        "product": "Product", "description": "Omschrijving", "quantity": "Aantal",
        "unit": "Eenheid", "unit_price": "Prijs per eenheid", "discount_percent": "Korting %",
        "vat_rate": "Btw",
    })
    choose(card.locator("[name$='-product']"), "Muurverf wit")
    expect(card.locator("[name$='-unit']")).to_have_value("liter")
    card.locator("[name$='-description']").fill("Muurverf wit, twee lagen")
    card.locator("[name$='-quantity']").fill("4")
    card.locator("[name$='-unit']").fill("emmer")
    card.locator("[name$='-unit_price']").fill("60,00")
    card.locator("[name$='-discount_percent']").fill("10")
    card.locator("[name$='-vat_rate']").select_option("9")
    expect(card.locator("[data-line-total]")).to_have_text("216,00")
    on_screen(page, card.locator("[data-line-total]"))

    # A second line is a card of its own; removing it leaves the first.
    page.get_by_role("button", name="Regel toevoegen").click()
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_role("button", name="Verwijderen").click()
    expect(rows).to_have_count(1)
    shot(page, "invoice-form")
    page.get_by_role("button", name="Concept opslaan").click()
    lines = page.get_by_role("table").filter(has_text="Muurverf wit, twee lagen")
    expect(lines).to_contain_text("emmer")
    expect(lines).to_contain_text("€ 216,00")


def test_work_order_and_purchase_line_cards_on_a_phone(page, shot, stack):
    _user, organization, customer = business_with_customer(page)
    make_product(organization, description="Grondverf grijs", unit="blik",
                 unit_price=Decimal("34.95"))
    make_supplier(organization, name="Verfgroothandel Kleur B.V.")
    make_work_order(organization, customer=customer,
                    planned_date=datetime.date.today(), description="Dakgoten schilderen")
    page.set_viewport_size(MOBILE)
    page.goto("/workorders/")

    row = page.locator("table.table-cards tbody tr").first
    for text in ("Bakkerij Brood & Zo", "Open"):
        on_screen(page, row.get_by_text(text, exact=True))
    on_screen(page, row.get_by_role("link", name=re.compile(r"W\d{4}")))
    shot(page, "workorder-list")
    page.set_viewport_size(MOBILE)

    # A field worker adds hours and material on the phone.
    page.get_by_role("link", name="Nieuwe werkbon").click()
    choose(page.get_by_label(exact("Klant")), "Bakkerij")
    page.get_by_label(exact("Geplande datum")).fill(datetime.date.today().isoformat())
    page.get_by_label(exact("Uit te voeren werk")).fill("Kozijnen achtergevel")
    rows = page.locator("[data-lines] [data-line]:visible")
    expect(rows).to_have_count(1)  # a new work order starts with a line of hours
    page.get_by_role("button", name="Materiaal toevoegen").click()
    expect(rows).to_have_count(2)
    expected = {"kind": "Soort", "product": "Product", "description": "Omschrijving",
                "quantity": "Uren of aantal", "unit": "Eenheid",
                "unit_price": "Tarief of prijs", "vat_rate": "Btw"}
    hours, material = rows.nth(0), rows.nth(1)
    assert_full_card(page, hours, expected)
    hours.locator("[name$='-description']").fill("Schilderwerk kozijnen")
    hours.locator("[name$='-quantity']").fill("3")
    hours.locator("[name$='-unit_price']").fill("52,50")
    assert_full_card(page, material, expected)
    choose(material.locator("[name$='-product']"), "Grondverf grijs")
    material.locator("[name$='-quantity']").fill("2")
    expect(page.locator("[data-order-total]")).to_have_text("227,40")
    shot(page, "workorder-form")
    page.get_by_role("button", name="Werkbon opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Werkbon W\d{4}"))
    expect(page.get_by_role("table").last).to_contain_text("Grondverf grijs")

    # A purchase invoice's lines are cards too.
    page.set_viewport_size(MOBILE)
    page.goto("/purchases/new/")
    rows = page.locator("[data-lines] [data-line]:visible")
    if rows.count() == 0:
        page.get_by_role("button", name="Regel toevoegen").click()
    fields = card_fields(rows.first)
    assert fields["description"]["label"] == "Omschrijving"
    assert fields["net_amount"]["label"] == "Bedrag excl. btw"
    assert all(f["right"] <= MOBILE["width"] for f in fields.values()), fields
    on_screen(page, rows.first.get_by_role("button", name="Verwijderen"))
    choose(page.get_by_label(exact("Leverancier")), "Verfgroothandel")
    page.get_by_label(exact("Factuurnummer van de leverancier")).fill("VK-2026-118")
    page.get_by_label(exact("Factuurdatum")).fill(datetime.date.today().isoformat())
    page.get_by_label(exact("Vervaldatum")).fill(datetime.date.today().isoformat())
    rows.first.locator("[name$='-description']").fill("Verf en kwasten")
    rows.first.locator("[name$='-net_amount']").fill("100,00")
    expect(page.locator("[data-invoice-total]")).to_have_text("100,00")
    shot(page, "purchase-form")
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VK-2026-118")

    # The purchase list: supplier, number, total and status on the screen.
    page.set_viewport_size(MOBILE)
    page.goto("/purchases/")
    row = page.locator("table.table-cards tbody tr").filter(has_text="VK-2026-118")
    for text in ("Verfgroothandel Kleur B.V.", "VK-2026-118", "€ 121,00"):
        on_screen(page, row.get_by_text(text, exact=True))
    on_screen(page, row.locator(".badge").first)

    for url in ("/purchases/", "/customers/", "/suppliers/", "/products/"):
        page.goto(url)
        shot(page, url.strip("/") + "-list")

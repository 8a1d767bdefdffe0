"""The booking preview as a user meets it: a draft shows how it will be booked, the finalize
step shows it again with nothing in the way, the booking that arrives in e-Boekhouden is the
one shown, and a draft in a period e-Boekhouden closed is warned above the button, all
without one call to e-Boekhouden for the pages themselves."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoicing.services import LineData
from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    connect_with_services,
    exact,
    finalize_draft,
    reload_until,
)
from tests.invoicing.factories import make_draft

pytestmark = pytest.mark.e2e

# Three products on revenue accounts of their own (the sandbox's chart) and a 9 % book.
PRODUCTS = [("Kwast", "11.50", "8100"), ("Roller", "13.50", "8140"),
            ("Afplaktape", "15.50", "8010"), ("Verf", "17.50", "8000")]


def product_lines() -> list[LineData]:
    lines = [LineData(description=name, quantity=Decimal(1), unit_price=Decimal(price),
                      vat_rate="21", ledger_account=account)
             for name, price, account in PRODUCTS]
    return [*lines, LineData(description="Boek over kleur", quantity=Decimal(2),
                             unit_price=Decimal("24.50"), vat_rate="9")]


def shown_lines(page) -> list[tuple[str, str, str, str]]:
    """(contra account, excl, VAT, incl) per row of the booking table, as the page shows."""
    rows = page.get_by_test_id("booking-lines").locator("tbody tr")
    result = []
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        result.append((rows.nth(index).get_attribute("data-account"), *(
            cells.nth(i).inner_text().strip() for i in (2, 3, 4))))
    return sorted(result)


def booked_lines(mutation: dict) -> list[tuple[str, str, str, str]]:
    def money(value) -> str:
        return "€ " + f"{Decimal(str(value)):.2f}".replace(".", ",")

    return sorted((row["tegenrekening"], money(row["excl"]), money(row["btw"]),
                   money(row["incl"])) for row in mutation["lines"])


def test_draft_and_finalize_show_the_booking_that_arrives(page, shot, stack, sandbox):
    _user, organization, customer = business_with_customer(page)
    account = connect_with_services(organization, sandbox)
    guid = account["administrations"][0]
    draft = make_draft(organization, customer=customer, issue_date=datetime.date.today(),
                       lines=product_lines())

    page.goto(f"/invoices/{draft.pk}/")
    preview = page.get_by_test_id("booking-preview")
    expect(preview).to_be_visible()
    expect(page.get_by_test_id("booking-problems")).to_have_count(0)
    expect(page.get_by_test_id("booking-kind")).to_have_text("FactuurVerstuurd")
    expect(page.get_by_test_id("booking-account")).to_have_text("1300")
    relation = page.get_by_test_id("booking-relation")
    expect(relation).to_have_attribute("data-exists", "false")
    expect(relation).to_contain_text(customer.code)
    expect(page.get_by_test_id("booking-gross")).to_have_text("€ 123,59")
    shot(page, "draft")
    on_the_draft = shown_lines(page)
    assert {row[0] for row in on_the_draft} == {"8000", "8010", "8100", "8140"}

    page.get_by_role("link", name="Definitief maken en versturen").click()
    expect(page.get_by_test_id("booking-preview")).to_be_visible()
    expect(page.get_by_test_id("booking-problems")).to_have_count(0)
    assert shown_lines(page) == on_the_draft
    shot(page, "finalize")

    number = finalize_draft(page, draft, email=False)
    reload_until(page, lambda: booked_badge(page))
    expect(page.get_by_test_id("booking-preview")).to_have_count(0)  # booked, not previewed
    [mutation] = [m for m in sandbox.mutations(guid) if m["factuurnummer"] == number]
    assert booked_lines(mutation) == on_the_draft


def test_closed_period_is_warned_above_the_finalize_button(page, shot, stack, sandbox):
    _user, organization, customer = business_with_customer(page)
    account = connect_with_services(organization, sandbox)
    guid = account["administrations"][0]
    sandbox.set_settings(closed_until="2025-12-31")
    refused = make_draft(organization, customer=customer, issue_date=datetime.date(2025, 12, 30))
    finalize_draft(page, refused, email=False)
    reload_until(page, lambda: page.locator(".badge").filter(has_text=exact("mislukt")))

    earlier = make_draft(organization, customer=customer, issue_date=datetime.date(2025, 11, 3))
    calls_before = sandbox.stats()["administrations"][guid]
    page.goto(f"/invoices/{earlier.pk}/finalize/")
    problems = page.get_by_test_id("booking-problems")
    expect(problems).to_be_visible()
    expect(problems.locator("[data-problem=closed_period]")).to_contain_text("30-12-2025")
    # The problem sits above the button, visible without opening anything.
    button = page.get_by_role("button", name=exact("Definitief maken"))
    assert problems.bounding_box()["y"] < button.bounding_box()["y"]
    # The relation was created by the refused booking's AddRelatie: it is known now.
    expect(page.get_by_test_id("booking-relation")).to_have_attribute("data-exists", "true")
    shot(page, "closed-period")

    page.goto(f"/invoices/{earlier.pk}/")
    expect(page.get_by_test_id("booking-problems")).to_be_visible()
    shot(page, "draft-closed-period")
    assert sandbox.stats()["administrations"][guid] == calls_before

"""A registered purchase invoice is corrected the way e-Boekhouden needs it: a reversal booking
under a number of its own and a new registration, never an edit in place. The user registers
one with the VAT as printed, corrects it, sees the reversal and the new draft, fixes the draft
and registers it; e-Boekhouden then holds three bookings."""

import datetime
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    choose,
    connect_with_services,
    exact,
    reload_until,
)
from tests.invoicing.factories import make_supplier

pytestmark = pytest.mark.e2e


def nl(text: str, **values) -> str:
    """The page's Dutch for an English text (the catalogue the live server uses)."""
    with translation.override("nl"):
        translated = translation.gettext(text)
    return translated % values if values else translated


def _cost_account(row, code: str) -> None:
    """A choice from the connected chart when the accounting side offers one, else typed."""
    field = row.locator("[name$='-ledger_account']")
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(code)
    else:
        field.fill(code)


def _line(page, index: int, description: str, account: str, rate: str, amount: str) -> None:
    if index >= page.locator("[data-lines] [data-line]").count():
        page.get_by_role("button", name=nl("Add line")).click()
    row = page.locator("[data-lines] [data-line]").nth(index)
    row.locator("[name$='-description']").fill(description)
    _cost_account(row, account)
    row.locator("[name$='-vat_rate']").select_option(rate)
    row.locator("[name$='-net_amount']").fill(amount)


def _register_original(page) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inkoop").click()
    page.get_by_role("link", name=re.compile("registreren", re.I)).first.click()
    choose(page.get_by_label(exact("Leverancier")), "Verfgroothandel De Kwast")
    page.get_by_label(exact("Factuurnummer van de leverancier")).fill("VK-2026-204")
    today = datetime.date.today()
    page.get_by_label(exact("Factuurdatum")).fill(today.isoformat())
    page.get_by_label(exact("Vervaldatum")).fill((today + datetime.timedelta(days=30)).isoformat())
    _line(page, 0, "Muurverf wit 10 liter", "4100", "21", "100,10")
    _line(page, 1, "Kwast", "4000", "21", "0,05")
    _line(page, 2, "Vakboek schilderen", "4000", "9", "20,00")
    printed_21 = page.get_by_label(nl("VAT %(percentage)s%% as printed", percentage="21"))
    printed_9 = page.get_by_label(nl("VAT %(percentage)s%% as printed", percentage="9"))
    # Prefilled with the VAT on each rate's total; the supplier printed one cent more at 21%.
    expect(printed_21).to_have_value("21,03")
    expect(printed_9).to_have_value("1,80")
    printed_21.fill("21,04")
    expect(page.locator("[data-gross-total]")).to_have_text("142,99")


def test_correct_a_registered_purchase_invoice(page, shot, stack, sandbox):
    _user, organization, _customer = business_with_customer(page)
    make_supplier(organization, name="Verfgroothandel De Kwast")
    account = connect_with_services(organization, sandbox)

    _register_original(page)
    shot(page, "purchase-form")
    page.get_by_role("button", name=exact("Registreren")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VK-2026-204")
    expect(page.locator(".totals-table tfoot")).to_contain_text("€ 142,99")
    reload_until(page, lambda: booked_badge(page))
    original_url = page.url

    page.get_by_role("link", name=exact(nl("Correct"))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        nl("Correct purchase invoice %(number)s", number="VK-2026-204"))
    expect(page.locator("main")).to_contain_text("VK-2026-204-CORR")
    expect(page.locator("main")).to_contain_text("VK-2026-204-2")
    shot(page, "correction-confirm")
    page.get_by_role("button", name=exact(nl("Correct"))).click()

    # The new draft opens in the form, with the original's lines and printed VAT.
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        nl("Draft purchase invoice %(number)s", number="VK-2026-204-2"))
    expect(page.get_by_label(exact("Factuurnummer van de leverancier"))).to_have_value(
        "VK-2026-204-2")
    first = page.locator("[data-lines] [data-line]").first
    expect(first.locator("[name$='-description']")).to_have_value("Muurverf wit 10 liter")
    printed_21 = page.get_by_label(nl("VAT %(percentage)s%% as printed", percentage="21"))
    expect(printed_21).to_have_value("21,04")
    first.locator("[name$='-net_amount']").fill("90,00")
    printed_21.fill("18,91")
    expect(page.locator("[data-gross-total]")).to_have_text("130,76")
    shot(page, "draft-form")
    page.get_by_role("button", name=exact("Registreren")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VK-2026-204-2")
    expect(page.locator(".totals-table tfoot")).to_contain_text("€ 130,76")
    reload_until(page, lambda: booked_badge(page))

    # The original shows it was corrected, by which reversal and which new invoice.
    page.goto(original_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(nl("Corrected"))
    expect(page.get_by_role("link", name=exact(nl("Correct")))).to_have_count(0)
    page.get_by_role("link", name="VK-2026-204-CORR").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(nl("Reversal"))
    expect(page.locator(".totals-table tfoot")).to_contain_text("-142,99")
    reload_until(page, lambda: booked_badge(page))
    shot(page, "reversal")

    page.goto("/purchases/")
    for number in ("VK-2026-204", "VK-2026-204-CORR", "VK-2026-204-2"):
        expect(page.get_by_role("link", name=exact(number))).to_be_visible()
    numbers = sorted(m["factuurnummer"] for m in sandbox.mutations(account["administrations"][0]))
    assert numbers == ["VK-2026-204", "VK-2026-204-2", "VK-2026-204-CORR"]

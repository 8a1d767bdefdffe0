"""The send flow with the keyboard alone: Tab, Shift+Tab, Enter, Space and typing, from the
login page and the invoice list to a sent invoice. No mouse click anywhere."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AUDIT_LOG
from tests.e2e.flows import business_with_customer
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
          text: (el.innerText || '').trim(), value: el.value || '',
          visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
                   || style.boxShadow !== 'none'};
}"""


def tab_to(page, *, name: str = "", text: str = "", backwards: bool = False, limit: int = 80):
    """Press Tab (or Shift+Tab) until the element with that name or text has the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused["name"] or focused["text"][:30])
        if (name and focused["name"] == name) or (text and focused["text"] == text):
            if not focused["visible"]:
                with AUDIT_LOG.open("a") as log:
                    log.write(f"keyboard {page.url}: no visible focus on {focused}\n")
            return focused
    raise AssertionError(f"never reached {name or text!r} with the keyboard; passed {seen}")


def type_into(page, value: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(value)


def test_send_flow_with_the_keyboard_alone(page, shot, stack):
    _user, _organization, customer = business_with_customer(page, log_in_now=False)
    page.goto("/login/")
    tab_to(page, name="username")
    page.keyboard.type(_user.email)
    tab_to(page, name="password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()

    tab_to(page, text="Nieuwe factuur")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nieuwe factuur")).to_be_visible()

    tab_to(page, name="customer")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Klant")).to_have_value(str(customer.pk))

    tab_to(page, name="lines-0-description")
    page.keyboard.type("Trappenhuis schilderen")
    tab_to(page, name="lines-0-quantity")
    type_into(page, "6")
    tab_to(page, name="lines-0-unit_price")
    type_into(page, "52,50")

    tab_to(page, text="Regel toevoegen")
    page.keyboard.press("Space")
    tab_to(page, name="lines-1-description")
    page.keyboard.type("Kleurenwaaier")
    tab_to(page, name="lines-1-quantity")
    type_into(page, "1")
    tab_to(page, name="lines-1-unit_price")
    type_into(page, "15")
    tab_to(page, name="lines-1-vat_rate")
    page.keyboard.type("9")
    expect(page.locator("[name=lines-1-vat_rate]")).to_have_value("9")
    # One step back and forth: Shift+Tab returns to the price without changing anything.
    tab_to(page, name="lines-1-unit_price", backwards=True)
    expect(page.locator("[data-invoice-total]")).to_have_text("330,00")

    tab_to(page, text="Concept opslaan")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/invoices/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("concept")

    tab_to(page, text="Definitief maken en versturen")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/finalize/$"))
    focused = tab_to(page, name="send_email")
    expect(page.get_by_label("De factuur naar de klant mailen")).to_be_checked()
    assert focused["tag"] == "input"
    tab_to(page, text="Definitief maken")
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Factuur \d{4}-\d{4} Definitief"))
    number = re.search(r"\d{4}-\d{4}", heading.inner_text())[0]
    shot(page, "sent")
    assert number in stack.wait_for(customer.email)["Subject"]

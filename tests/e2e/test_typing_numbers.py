"""Typing numbers as a person does: "1.234,56" and a negative discount line in the Dutch
editor give the right live total and the same saved amounts; an ambiguous "12.50" is marked
and refused with an example; the English editor reads "1,234.56"."""

import re

import pytest
from playwright.sync_api import expect

from invoicing.models import SalesInvoice
from tests.e2e.flows import business_with_customer, choose, fill_line

pytestmark = pytest.mark.e2e


def _new_invoice(page, customer, *, add="Regel toevoegen", new="Nieuwe factuur",
                 label="Klant"):
    page.goto("/invoices/")
    page.get_by_role("link", name=new).click()
    choose(page.get_by_label(label), customer.name)
    if page.locator("[data-lines] [data-line]:visible").count() == 0:
        page.get_by_role("button", name=add).click()


def test_dutch_editor_reads_grouped_amounts_and_a_discount_line(page, shot, stack):
    _user, _organization, customer = business_with_customer(page)
    _new_invoice(page, customer)
    fill_line(page, 0, "Schilderwerk gevel", "1", "1.234,56", "21")
    expect(page.locator("[data-line-total]").nth(0)).to_have_text("1.234,56")
    page.get_by_role("button", name="Regel toevoegen").click()
    fill_line(page, 1, "Verf", "1.000", "0,1234", "21")  # one thousand at 0,1234
    expect(page.locator("[data-line-total]").nth(1)).to_have_text("123,40")
    page.get_by_role("button", name="Regel toevoegen").click()
    fill_line(page, 2, "Korting vaste klant", "1", "-12,50", "21")
    expect(page.locator("[data-line-total]").nth(2)).to_have_text("-12,50")
    expect(page.locator("[data-invoice-total]")).to_have_text("1.345,46")
    shot(page, "dutch-editor")

    # "12.50" on a Dutch page is no number: marked at once, refused with an example on save.
    price = page.locator("[data-lines] [data-line]").nth(2).locator("[name$='-unit_price']")
    price.fill("12.50")
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-invoice-total]")).to_have_text("\u2014")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.get_by_text("Vul een getal in, zoals 1.234,56.")).to_be_visible()
    shot(page, "ambiguous-refused")
    assert not SalesInvoice.objects.exists()

    price = page.locator("[data-lines] [data-line]").nth(2).locator("[name$='-unit_price']")
    price.fill("-12,50")
    expect(page.locator("[data-invoice-total]")).to_have_text("1.345,46")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator(".message-success")).to_have_text("Het concept is opgeslagen.")
    invoice = SalesInvoice.objects.get()
    assert [str(ln.unit_price) for ln in invoice.lines.all()] == ["1234.5600", "0.1234",
                                                                  "-12.5000"]
    assert [str(ln.net_amount) for ln in invoice.lines.all()] == ["1234.56", "123.40", "-12.50"]
    assert str(invoice.net_total) == "1345.46"
    totals = page.locator(".totals-table")
    expect(totals).to_contain_text("€ 1.345,46")
    expect(page.locator("main")).to_contain_text("€ 0,1234")  # its own decimals
    shot(page, "dutch-saved")

    # Back in the editor the amounts read as they were typed (no grouping in the inputs).
    page.get_by_role("link", name="Bewerken").click()
    first = page.locator("[data-lines] [data-line]").nth(0)
    expect(first.locator("[name$='-unit_price']")).to_have_value("1234,56")
    expect(page.locator("[data-line]").nth(1).locator("[name$='-quantity']")).to_have_value(
        "1000")
    expect(page.locator("[data-invoice-total]")).to_have_text("1.345,46")


def test_a_negative_invoice_is_refused_in_words(page, shot, stack):
    _user, _organization, customer = business_with_customer(page)
    _new_invoice(page, customer)
    fill_line(page, 0, "Schilderwerk", "1", "100", "21")
    page.get_by_role("button", name="Regel toevoegen").click()
    fill_line(page, 1, "Voorschot", "-1", "250", "21")
    expect(page.locator("[data-invoice-total]")).to_have_text("-150,00")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator(".message-error")).to_contain_text(
        "Het totaal van de factuur is € -181,50: een factuur kan niet negatief zijn.")
    shot(page, "negative-refused")
    assert not SalesInvoice.objects.exists()


def test_english_editor_reads_english_numbers(page, shot, stack):
    user, _organization, customer = business_with_customer(page)
    user.language = "en"
    user.save(update_fields=["language"])
    _new_invoice(page, customer, add="Add line", new="New invoice", label="Customer")
    fill_line(page, 0, "Painting the front", "1", "1,234.56", "21")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, 1, "Discount", "1", "-34.56", "21")
    expect(page.locator("[data-invoice-total]")).to_have_text("1,200.00")
    shot(page, "english-editor")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".message-success")).to_have_text("The draft was saved.")
    assert str(SalesInvoice.objects.get().net_total) == "1200.00"
    expect(page.locator(".totals-table")).to_contain_text("€ 1,452.00")


def test_numbering_offers_examples(page, shot, stack):
    business_with_customer(page)
    page.goto("/settings/numbering/")
    page.get_by_role("radio", name=re.compile(r"F\d{4}-001")).check()
    shot(page, "numbering")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("De nummering is opgeslagen.")
    expect(page.locator("main")).to_contain_text(
        re.compile(r"De volgende factuur krijgt nummer F\d{4}-001"))

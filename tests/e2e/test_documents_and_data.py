"""Documents and data a Dutch business can trust: a customer is entered with the country
chosen by name, a postcode typed 1234ab is shown as 1234 AB, a bad IBAN is refused with a
visible message, and the downloaded PDF prints the seller's name with every character."""

from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from invoicing.models import Customer
from tests.e2e.flows import choose, exact, finalize_draft, log_in, unique
from tests.factories import make_organization, make_user
from tests.invoicing.factories import line, make_draft

pytestmark = pytest.mark.e2e
SELLER = "Schilder- & Klusbedrijf 'De Vries-Müller' <Kleur=Leven>"


def _new_customer(page, shot):
    page.goto("/customers/")
    page.get_by_role("link", name="Nieuwe klant").click()
    page.get_by_label(exact("Naam")).fill("Café 🌷 De Hoek & Zn.")
    page.get_by_label(exact("Adres")).fill("Oudegracht 12")
    page.get_by_label(exact("Postcode")).fill("3511ab")
    page.get_by_label(exact("Plaats")).fill("Utrecht")
    choose(page.get_by_label(exact("Land")), "Nederland")
    page.get_by_label(exact("E-mail")).fill(f"{unique('hoek')}@example.test")
    page.get_by_label(exact("IBAN")).fill("NL00 ABNA 0417 1643 00")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Dit is geen geldig IBAN")).to_be_visible()
    shot(page, "customer-bad-iban")
    page.get_by_label(exact("IBAN")).fill("NL91 ABNA 0417 1643 00")
    page.get_by_role("button", name="Opslaan", exact=True).click()


def test_customer_by_country_name_and_pdf_prints_every_character(page, shot, stack):
    email = f"{unique('owner')}@example.test"
    organization = make_organization(SELLER, owner=make_user(email), vat_id="NL004495445B01",
                                     email="facturen@vries.test")
    log_in(page, email)
    _new_customer(page, shot)

    details = page.locator("dl")
    expect(details).to_contain_text("Oudegracht 12, 3511 AB Utrecht, Nederland")
    expect(details).to_contain_text("NL91 ABNA 0417 1643 00")
    shot(page, "customer-detail")

    customer = Customer.objects.get(organization=organization)
    draft = make_draft(organization, customer=customer,
                       lines=[line("Kozijnen geverfd 🎨 - 2 lagen & <wit>")])
    finalize_draft(page, draft, email=False)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pdf downloaden").click()
    with open(download_info.value.path(), "rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert f"{SELLER} · KvK 12345678 · Btw-id NL004495445B01" in text
    assert "Café 🌷 De Hoek & Zn." in text and "3511 AB Utrecht" in text
    assert "Kozijnen geverfd 🎨 - 2 lagen & <wit>" in text


def test_postcode_and_vat_id_refused_for_nl_and_france_chosen_on_a_phone(page, shot, stack):
    email = f"{unique('owner')}@example.test"
    make_organization(f"Schilder {unique('')}", owner=make_user(email))
    log_in(page, email)  # on a desktop: on a phone "Uitloggen" sits behind the menu
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/customers/new/")
    country = page.get_by_label(exact("Land"))
    expect(country.locator("option:checked")).to_have_text("Nederland")
    page.get_by_label(exact("Naam")).fill("Boulangerie Paul")
    page.get_by_label(exact("Adres")).fill("Rue de Rivoli 1")
    page.get_by_label(exact("Plaats")).fill("Paris")
    page.get_by_label(exact("Postcode")).fill("12345")
    page.get_by_label(exact("Btw-id")).fill("NL123")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Een Nederlandse postcode bestaat uit vier cijfers")).to_be_visible()
    expect(page.get_by_text("Dit is geen geldig btw-id voor Nederland")).to_be_visible()
    shot(page, "customer-form-errors")
    choose(country, "Frankrijk")
    expect(country).to_have_value("FR")
    page.get_by_label(exact("Btw-id")).fill("")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator("dl")).to_contain_text("Rue de Rivoli 1, 12345 Paris, Frankrijk")

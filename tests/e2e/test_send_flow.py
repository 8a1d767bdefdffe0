"""The main road: sign up, fill in the business, add a customer, write an invoice at two VAT
rates, finalize and email it, download the PDF, watch it get booked in e-Boekhouden.nl and
find the booking in the sandbox's own view."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Organization
from tests.e2e.flows import (
    booked_badge,
    connect_with_services,
    exact,
    reload_until,
    unique,
    write_invoice,
)

pytestmark = pytest.mark.e2e


def sign_up(page, shot) -> str:
    email = f"{unique('nieuw')}@example.test"
    page.goto("/signup/")
    expect(page.get_by_role("heading", name="Account aanmaken")).to_be_visible()
    page.get_by_label("Uw naam").fill("Sanne Schilder")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("Kwast-En-Verf-2026")
    page.get_by_label("Naam van uw bedrijf").fill("Schildersbedrijf Kwast")
    shot(page, "signup")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    return email


def confirm_email(page, shot, stack, email: str) -> None:
    """Nothing is emailed for a new account before its address is proven: open the link of
    the confirmation mail that really went out."""
    expect(page.get_by_role("heading", name="Kijk in uw inbox")).to_be_visible()
    body = stack.wait_for(email).get_payload(decode=True).decode()
    page.goto(re.search(r"https?://[^/\s]+(/confirm-email/\S+/)", body)[1])
    page.get_by_role("button", name="E-mailadres bevestigen").click()
    expect(page.locator(".message-success")).to_contain_text("is bevestigd")


def fill_business_details(page, shot) -> None:
    page.get_by_role("link", name="Instellingen").click()
    expect(page.get_by_role("link", name="Bedrijfsgegevens")).to_be_visible()
    page.get_by_label(exact("Adres")).fill("Verfstraat 12")
    page.get_by_label(exact("Postcode")).fill("3511 AB")
    page.get_by_label(exact("Plaats")).fill("Utrecht")
    page.get_by_label(exact("KvK-nummer")).fill("12345678")
    page.get_by_label(exact("Btw-id")).fill("NL123456782B01")
    page.get_by_label(exact("IBAN")).fill("NL91ABNA0417164300")
    shot(page, "business-details")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".message-success")).to_be_visible()


def create_customer(page, shot, name: str, email: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Klanten").click()
    page.get_by_role("link", name="Nieuwe klant").click()
    page.get_by_label(exact("Naam")).fill(name)
    page.get_by_label(exact("Adres")).fill("Dorpsstraat 1")
    page.get_by_label(exact("Postcode")).fill("1234 AB")
    page.get_by_label(exact("Plaats")).fill("Amersfoort")
    page.get_by_label(exact("E-mail")).fill(email)
    shot(page, "customer-form")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(name)))).to_be_visible()
    shot(page, "customer")


def test_sign_up_invoice_send_pdf_and_booking(page, shot, stack, sandbox):
    confirm_email(page, shot, stack, sign_up(page, shot))
    fill_business_details(page, shot)
    customer_email = f"{unique('bakker')}@example.test"
    create_customer(page, shot, "Bakkerij Brood & Zo", customer_email)

    write_invoice(page, "Bakkerij Brood & Zo")
    shot(page, "invoice-form")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator(".message-success")).to_be_visible()
    shot(page, "draft")

    organization = Organization.objects.get(name="Schildersbedrijf Kwast")
    account = connect_with_services(organization, sandbox)

    page.get_by_role("link", name="Definitief maken en versturen").click()
    expect(page.get_by_label("De factuur naar de klant mailen")).to_be_checked()
    shot(page, "finalize")
    page.get_by_role("button", name=exact("Definitief maken")).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Factuur \d{4}-\d{4}"))
    number = re.search(r"\d{4}-\d{4}", heading.inner_text())[0]

    # The totals per VAT rate: 440,00 at 21% and 49,00 at 9%.
    totals = page.locator(".totals-table")
    expect(totals).to_contain_text("€ 92,40")
    expect(totals).to_contain_text("€ 4,41")
    expect(totals.locator("tfoot")).to_contain_text("€ 585,81")

    email = stack.wait_for(customer_email)
    assert number in email["Subject"]
    attachments = [part for part in email.walk() if part.get_content_type() == "application/pdf"]
    assert attachments and attachments[0].get_payload(decode=True).startswith(b"%PDF")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pdf downloaden").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    reload_until(page, lambda: booked_badge(page))
    mutation = re.search(r"#(\d+)", booked_badge(page).inner_text())[1]
    expect(page.get_by_role("row").filter(has_text=customer_email)).to_contain_text("Verstuurd")
    shot(page, "booked")

    page.goto("/invoices/")
    row = page.get_by_role("row").filter(has_text=number)
    expect(row.locator(".badge").filter(has_text=f"geboekt #{mutation}")).to_be_visible()
    shot(page, "invoice-list")

    # The booking in e-Boekhouden's own screen (Boekhouden > Overzichten > Mutaties).
    page.goto(sandbox.url)
    page.get_by_role("row").filter(has_text=account["username"]).get_by_role("link").click()
    booking = page.locator("#mutaties + table > tbody > tr").filter(has_text=number)
    expect(booking).to_have_count(1)
    expect(booking.locator("td").first).to_have_text(mutation)
    expect(booking.locator("> td").nth(-2)).to_have_text("585.81")  # Totaal, then Via
    expect(booking.locator("> td").last).to_have_text("SOAP")
    expect(booking.locator("table.lines")).to_contain_text("HOOG_VERK_21")
    expect(booking.locator("table.lines")).to_contain_text("LAAG_VERK_9")
    shot(page, "sandbox-mutations", audit=False)  # the sandbox is a test tool, not our UI

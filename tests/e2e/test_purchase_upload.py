"""A received purchase invoice with the supplier's PDF attached: registered, booked, and the
attachment downloads as it was uploaded."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import (
    business_with_customer,
    choose,
    connect_with_services,
    exact,
    reload_until,
)
from tests.invoicing.factories import make_supplier

pytestmark = pytest.mark.e2e

SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def test_purchase_invoice_with_an_upload(page, shot, stack, sandbox, tmp_path):
    _user, organization, _customer = business_with_customer(page)
    make_supplier(organization, name="Verfgroothandel De Kwast")
    connect_with_services(organization, sandbox)
    upload = tmp_path / "factuur-verf-2026-117.pdf"
    upload.write_bytes(SMALL_PDF)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inkoop").click()
    page.get_by_role("link", name=re.compile("registreren", re.I)).first.click()
    choose(page.get_by_label(exact("Leverancier")), "Verfgroothandel De Kwast")
    page.get_by_label(exact("Factuurnummer van de leverancier")).fill("VK-2026-117")
    today = datetime.date.today()
    page.get_by_label(exact("Factuurdatum")).fill(today.isoformat())
    page.get_by_label(exact("Vervaldatum")).fill(
        (today + datetime.timedelta(days=30)).isoformat())
    page.get_by_label(exact("Omschrijving")).first.fill("Verf en kwasten")
    page.get_by_label(re.compile("Pdf of afbeelding van de leverancier")).set_input_files(upload)
    row = page.locator("[data-lines] [data-line]").first
    row.locator("[name$='-description']").fill("Muurverf wit 10 liter")
    row.locator("[name$='-vat_rate']").select_option("21")
    row.locator("[name$='-net_amount']").fill("123,45")
    expect(page.locator("[data-invoice-total]")).to_have_text("123,45")
    shot(page, "purchase-form")
    page.get_by_role("button", name=exact("Registreren")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("VK-2026-117")
    expect(page.locator("dl.details").first).to_contain_text("factuur-verf-2026-117.pdf")
    expect(page.locator(".totals-table tfoot")).to_contain_text("€ 149,37")
    reload_until(page, lambda: page.locator(".badge").filter(
        has_text=re.compile(r"geboekt #\d+")))
    shot(page, "purchase")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Bijlage downloaden").click()
    with open(download_info.value.path(), "rb") as downloaded:
        assert downloaded.read() == SMALL_PDF

    page.goto("/purchases/")
    expect(page.get_by_role("row").filter(has_text="VK-2026-117")).to_contain_text("149,37")
    shot(page, "purchase-list")

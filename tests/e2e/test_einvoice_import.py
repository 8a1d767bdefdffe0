"""A supplier's UBL e-invoice becomes a purchase invoice: a wrong file is refused with its
message, a sound one fills in the form (with the supplier proposed as new), the user
registers it, and it is booked like any purchase with the file kept as its attachment."""

import re

import pytest
from playwright.sync_api import expect

from invoicing.models import Supplier
from tests.e2e.flows import business_with_customer, connect_with_services, exact, reload_until
from tests.einvoice.builders import ubl

pytestmark = pytest.mark.e2e


def test_purchase_invoice_from_an_e_invoice(page, shot, stack, sandbox, tmp_path):
    _user, organization, _customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    letter, einvoice = tmp_path / "brief.xml", tmp_path / "VF-2026-0042.xml"
    letter.write_bytes(b"Beste klant, hierbij onze factuur.")
    einvoice.write_bytes(ubl())

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inkoop").click()
    shot(page, "purchase-list")
    page.get_by_role("link", name="Importeren uit e-factuur (UBL)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importeren uit e-factuur (UBL)")
    shot(page, "upload")

    page.get_by_label(re.compile("E-factuur van de leverancier")).set_input_files(letter)
    page.get_by_role("button", name=exact("E-factuur inlezen")).click()
    expect(page.get_by_role("alert").first).to_contain_text("is geen XML-bestand")
    shot(page, "refused")

    page.get_by_label(re.compile("E-factuur van de leverancier")).set_input_files(einvoice)
    page.get_by_role("button", name=exact("E-factuur inlezen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inkoopfactuur controleren")
    expect(page.get_by_label(exact("Factuurnummer van de leverancier"))).to_have_value(
        "VF-2026-0042")
    expect(page.locator("[name=supplier-name]")).to_have_value("Verfhandel De Kwast B.V.")
    expect(page.get_by_label("De nieuwe leverancier hieronder aanmaken")).to_be_checked()
    expect(page.locator("[data-gross-total]")).to_contain_text("201,37")
    expect(page.locator(".einvoice-read tbody tr").first).to_contain_text("3 € 41,15")
    shot(page, "prefilled")
    assert not Supplier.objects.filter(organization=organization).exists()

    page.get_by_role("button", name=exact("Registreren")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VF-2026-0042")
    expect(page.locator("dl.details").first).to_contain_text("VF-2026-0042.xml")
    expect(page.locator(".totals-table tfoot")).to_contain_text("€ 201,37")
    reload_until(page, lambda: page.locator(".badge").filter(
        has_text=re.compile(r"geboekt #\d+")))
    shot(page, "registered")
    supplier = Supplier.objects.get(organization=organization)
    assert (supplier.vat_id, supplier.kvk_number) == ("NL004495445B01", "34567890")

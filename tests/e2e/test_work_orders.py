"""Work orders (werkbonnen) and what e-Boekhouden.nl makes of them: planned, done, checked and
booked as our own invoice; checked in the invoice-module mode, where e-Boekhouden.nl makes the
invoice; and Relaties ophalen, which turns a relation of e-Boekhouden.nl into a customer."""

import datetime
import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from connections.models import Connection
from connections.services import connection_session
from ebh_sync.models import SyncJob
from eboekhouden.client import RelationData
from tests.e2e.conftest import DESKTOP, MOBILE
from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    choose,
    connect_with_services,
    exact,
    fill_line,
    open_connections,
    reload_until,
)
from tests.workorders.factories import hours, make_done, material
from workorders.models import WorkOrder

pytestmark = pytest.mark.e2e


def main_menu(page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def state_badge(page, text: str):
    return page.get_by_role("heading", level=1).locator(".badge").filter(has_text=exact(text))


def write_work_order(page, customer_name: str, day: datetime.date) -> None:
    """Werkbonnen → new work order with an hours line and a material line (not saved)."""
    main_menu(page).get_by_role("link", name="Werkbonnen").click()
    page.get_by_role("link", name="Nieuwe werkbon").click()
    expect(page.locator("[data-order-total]")).to_have_text("0,00")  # the editor's script runs
    choose(page.get_by_label(exact("Klant")), customer_name)
    page.get_by_label(exact("Geplande datum")).fill(day.isoformat())
    page.get_by_label(exact("Begintijd")).fill("09:30")
    page.get_by_label(exact("Uit te voeren werk")).fill("Kozijnen voorgevel schilderen")
    # The work address follows the customer's.
    expect(page.get_by_label(exact("Straat en huisnummer"))).to_have_value("Dorpsstraat 1")
    fill_line(page, 0, "Schilderwerk kozijnen", "6", "52,50", "21")
    page.get_by_role("button", name="Materiaal toevoegen").click()
    fill_line(page, 1, "Grondverf wit", "2", "34,95", "21")
    page.locator("[data-lines] [data-line]").nth(1).locator("[name$='-unit']").fill("blik")
    expect(page.locator("[data-order-total]")).to_have_text("384,90")


def test_work_order_from_planning_to_booked_invoice(page, shot, stack, sandbox):
    _user, organization, _customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    page.on("dialog", lambda dialog: dialog.accept())  # "Gecontroleerd: factureren" asks first
    today = datetime.date.today()

    write_work_order(page, "Bakkerij Brood & Zo", today)
    shot(page, "form")
    page.get_by_role("button", name="Werkbon opslaan").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Werkbon W\d{4}"))
    number = re.search(r"W\d{4}", heading.inner_text())[0]
    expect(state_badge(page, "Open")).to_be_visible()
    lines = page.get_by_role("table").last
    expect(lines.get_by_role("row").filter(has_text="Grondverf wit")).to_contain_text("€ 69,90")
    expect(lines.locator("tfoot")).to_contain_text("€ 384,90")
    shot(page, "open")

    page.get_by_role("navigation", name="Werkbonnen").get_by_role("link", name="Week").click()
    item = page.locator(".planning-item").filter(has_text=number)
    expect(item).to_contain_text("09:30")
    expect(item).to_contain_text("Bakkerij Brood & Zo")
    expect(page.locator("tfoot")).to_contain_text("1 werkbon deze week")
    shot(page, "week")
    page.set_viewport_size(MOBILE)  # a phone lists the week per person: no sideways scrolling
    table = page.locator(".planning-week")
    assert table.evaluate("el => el.parentElement.scrollWidth <= el.parentElement.clientWidth")
    expect(table.locator("td").filter(has=item)).to_have_attribute(
        "data-day", re.compile(rf"{today:%d-%m}$"))
    expect(table.locator("td.planning-empty").first).to_be_hidden()
    page.set_viewport_size(DESKTOP)

    item.click()
    page.get_by_label(exact("Afgetekend door")).fill("Petra de Bakker")
    page.get_by_role("button", name="Markeren als uitgevoerd").click()
    expect(state_badge(page, "Uitgevoerd")).to_be_visible()
    expect(page.locator("dl.details")).to_contain_text("Petra de Bakker")
    shot(page, "done")

    page.get_by_role("button", name="Gecontroleerd: factureren").click()
    expect(page.locator(".message-success")).to_contain_text("conceptfactuur")
    expect(state_badge(page, "Gecontroleerd")).to_be_visible()
    # The draft is reviewed and finalized by the user; then the work order is invoiced.
    page.get_by_role("link", name="Factuur (concept) openen").click()
    page.get_by_role("link", name="Definitief maken en versturen").click()
    page.get_by_role("button", name=exact("Definitief maken")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Factuur \d{4}"))
    work_order = WorkOrder.objects.get(organization=organization, number=number)
    page.goto(f"/workorders/{work_order.pk}/")
    expect(state_badge(page, "Gefactureerd")).to_be_visible()
    # Booked from our own invoice: the work order itself carries no e-Boekhouden badge.
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_count(1)
    expect(page.get_by_role("button", name="Gecontroleerd: factureren")).to_have_count(0)
    expect(page.get_by_role("link", name="Bewerken")).to_have_count(0)
    shot(page, "invoiced")

    page.locator("dl.details").get_by_role("link", name=re.compile(r"\d{4}-\d{4}")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Factuur \d{4}-\d{4}"))
    expect(page.locator(".totals-table tfoot")).to_contain_text("€ 465,73")  # 384,90 + 21%
    reload_until(page, lambda: booked_badge(page))
    shot(page, "invoice")


def test_invoice_module_mode(page, shot, stack, sandbox):
    user, organization, customer = business_with_customer(page)
    account = connect_with_services(organization, sandbox)
    page.on("dialog", lambda dialog: dialog.accept())

    open_connections(page)
    page.get_by_role("link", name="Configureer koppeling").click()
    page.get_by_label("Als factuur in de factuurmodule van e-Boekhouden.nl").check()
    page.get_by_label(exact("Factuursjabloon")).fill("Standaard")
    shot(page, "configure")
    page.get_by_role("button", name="Koppeling opslaan").click()
    expect(page.locator(".message-success")).to_be_visible()
    connection = Connection.objects.get(organization=organization)
    assert (connection.invoice_mode, connection.invoice_template) == (
        "invoice_module", "Standaard")

    work_order = make_done(organization, user, customer=customer,
                           lines=[hours("3", "55.00", "Heg snoeien"), material()])
    page.goto(f"/workorders/{work_order.pk}/")
    expect(state_badge(page, "Uitgevoerd")).to_be_visible()
    page.get_by_role("button", name="Gecontroleerd: factureren").click()
    expect(page.locator(".message-success")).to_contain_text(
        "doorgezet naar de boekhoudkoppeling")
    reload_until(page, lambda: state_badge(page, "Gefactureerd"))
    invoice_number = SyncJob.objects.get(work_order=work_order).invoice_number
    expect(page.get_by_role("heading", level=1).locator(".badge").filter(
        has_text=f"factuur {invoice_number} in e-Boekhouden")).to_be_visible()
    details = page.locator("dl.details")
    expect(details.locator("dt").filter(has_text="Factuur in e-Boekhouden.nl")).to_be_visible()
    expect(details).to_contain_text(invoice_number)
    shot(page, "invoiced")

    invoices = sandbox.invoices_per_number(account["administrations"][0])
    assert invoices == Counter({invoice_number: 1})


def test_fetch_relations(page, shot, stack, sandbox):
    _user, organization, _customer = business_with_customer(page)
    connect_with_services(organization, sandbox)

    # Connecting fetches relations and articles once; let those runs finish first.
    open_connections(page)
    page.get_by_role("link", name="Ophalen en verschillen").click()
    reload_until(page, lambda: page.get_by_role("row").filter(has_text="Klaar").nth(1))
    shot(page, "imports")

    # Meanwhile a debtor is added in e-Boekhouden.nl.
    connection = Connection.objects.get(organization=organization)
    with connection_session(connection=connection) as (client, session):
        client.add_relatie(session, RelationData(
            code="D7001", name="Hoveniersbedrijf Groen", address="Tuinlaan 4",
            postcode="3811 AA", city="Amersfoort", email="info@groen.test"))

    open_connections(page)
    page.get_by_role("button", name="Relaties ophalen").click()
    expect(page.get_by_role("heading", name="Relaties uit e-Boekhouden.nl")).to_be_visible()
    progress = page.locator("#import-progress")
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(progress.locator("[data-field=state]")).to_have_text("Klaar")
    expect(page.get_by_test_id("import-result")).to_have_text(
        "Ophalen klaar: 1 gevonden in e-Boekhouden.nl.")
    expect(page.get_by_test_id("import-created")).to_have_text("1")
    shot(page, "import")

    main_menu(page).get_by_role("link", name="Klanten").click()
    expect(page.get_by_role("row").filter(has_text="Hoveniersbedrijf Groen")).to_contain_text(
        "Amersfoort")
    expect(page.get_by_role("row").filter(has_text="Bakkerij Brood & Zo")).to_be_visible()
    shot(page, "customers")

"""States that say what happened: a finalized invoice is "Definitief" and "Nog niet gemaild"
until it is emailed ("Gemaild op <date> aan <address>"); a half credit shows "Deels
gecrediteerd" on the original; a checked work order becomes a DRAFT invoice that names the work
order ("Werkbon W0001") and the day the work was done, which the user then finalizes."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from connections import services as connection_services
from connections.models import Connection, InvoiceMode
from ebh_sync.models import SyncJob
from tests.e2e.flows import (
    business_with_customer,
    connect_with_services,
    exact,
    finalize_draft,
    reload_until,
)
from tests.invoicing.factories import line, make_draft
from tests.workorders.factories import hours, make_done
from workorders import services as workorders

pytestmark = pytest.mark.e2e


def heading_badges(page):
    return page.get_by_role("heading", level=1).locator(".badge")


def email_fact(page):
    return page.get_by_test_id("email-fact").first


def test_finalized_emailed_and_partly_credited(page, shot, stack):
    _user, organization, customer = business_with_customer(page)
    draft = make_draft(organization, customer=customer, issue_date=datetime.date.today(),
                       lines=[line("Schilderwerk gevel", quantity="2", price="100")])

    number = finalize_draft(page, draft, email=False)
    expect(heading_badges(page).filter(has_text=exact("Definitief"))).to_be_visible()
    expect(heading_badges(page).filter(has_text=exact("Openstaand"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Verstuurd")
    expect(email_fact(page)).to_have_text("Nog niet gemaild")
    shot(page, "finalized-not-emailed")

    page.get_by_role("button", name="E-mail versturen").click()
    stack.wait_for(customer.email)
    reload_until(page, lambda: email_fact(page).filter(has_text="Gemaild op"))
    today = datetime.date.today().strftime("%d-%m-%Y")
    expect(email_fact(page)).to_have_text(
        re.compile(rf"Gemaild op {today} \d\d:\d\d aan {re.escape(customer.email)}"))
    shot(page, "emailed")

    page.get_by_role("link", name="Crediteren").click()
    page.get_by_label("Schilderwerk gevel").fill("1")
    page.get_by_role("button", name="Conceptcreditnota maken").click()
    page.get_by_role("link", name="Definitief maken en versturen").click()
    page.get_by_label("De creditnota naar de klant mailen").uncheck()
    page.get_by_role("button", name=exact("Definitief maken")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Creditnota")
    page.get_by_role("link", name=number).first.click()
    expect(heading_badges(page).filter(has_text=exact("Deels gecrediteerd"))).to_be_visible()
    shot(page, "partly-credited")

    page.goto("/invoices/")
    row = page.get_by_role("row").filter(has_text=number).filter(has_text="Deels gecrediteerd")
    expect(row).to_contain_text(f"Gemaild op {today}")
    page.get_by_label("Status").select_option(label="Nog niet gemaild")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row").filter(has_text=number)).to_have_count(0)  # emailed
    expect(page.get_by_role("row").filter(has_text="Creditnota")).to_have_count(1)
    page.get_by_label("Status").select_option(label="Alle")
    page.get_by_role("button", name="Filter").click()
    shot(page, "invoice-list")


def test_checked_work_order_becomes_a_draft_invoice(page, shot, stack):
    user, organization, customer = business_with_customer(page)
    worked = datetime.date.today() - datetime.timedelta(days=2)
    work_order = make_done(organization, user, customer=customer, planned_date=worked,
                           lines=[hours("3", "52.50", "Schilderwerk kozijnen")])
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"/workorders/{work_order.pk}/")
    page.get_by_role("button", name="Gecontroleerd: factureren").click()
    expect(page.locator(".message-success")).to_contain_text("conceptfactuur")
    expect(heading_badges(page).filter(has_text=exact("Gecontroleerd"))).to_be_visible()
    shot(page, "work-order-checked")

    page.get_by_role("link", name="Factuur (concept) openen").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Factuur (concept)")
    expect(heading_badges(page).filter(has_text=exact("Concept"))).to_be_visible()
    details = page.locator("dl.details")
    expect(details).to_contain_text(f"Leverdatum{worked:%d-%m-%Y}")
    expect(details).not_to_contain_text("Uw referentie")
    expect(page.get_by_text(f"Werkbon {work_order.number}, werkadres")).to_be_visible()
    shot(page, "draft-invoice")

    page.get_by_role("link", name="Definitief maken en versturen").click()
    page.get_by_label("De factuur naar de klant mailen").uncheck()
    page.get_by_role("button", name=exact("Definitief maken")).click()
    expect(heading).to_contain_text(re.compile(r"Factuur \d{4}-\d{4}"))
    expect(heading_badges(page).filter(has_text=exact("Definitief"))).to_be_visible()

    page.goto(f"/workorders/{work_order.pk}/")
    expect(heading_badges(page).filter(has_text=exact("Gefactureerd"))).to_be_visible()
    shot(page, "work-order-invoiced")


def use_invoice_module(organization) -> None:
    connection = Connection.objects.get(organization=organization)
    choices = connection_services.connection_load_choices(connection=connection)
    connection_services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000",
        invoicing=connection_services.InvoiceSettings(
            invoice_mode=InvoiceMode.INVOICE_MODULE, invoice_template="Standaard"),
    )


def test_invoice_made_in_e_boekhouden_is_in_the_list(page, shot, stack, sandbox):
    user, organization, customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    use_invoice_module(organization)
    work_order = make_done(organization, user, customer=customer,
                           lines=[hours("2", "55.00", "Heg snoeien")])
    workorders.work_order_mark_checked(work_order=work_order, user=user)
    number = SyncJob.objects.get(work_order=work_order).invoice_number

    page.goto("/invoices/")
    row = page.get_by_test_id("external-invoice").filter(has_text=number)
    expect(row).to_contain_text("in e-Boekhouden.nl")
    reload_until(page, lambda: page.get_by_test_id("external-invoice").filter(
        has_text="aangemaakt"))
    expect(row).to_contain_text(f"Werkbon {work_order.number}")
    expect(row).to_contain_text("€ 133,10")  # 110,00 + 21%
    pdf = row.get_by_role("link", name="PDF in e-Boekhouden.nl")
    expect(pdf).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/"))
    expect(row.get_by_role("link", name=number)).to_be_visible()
    shot(page, "invoice-list")
    row.get_by_role("link", name=f"Werkbon {work_order.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Werkbon {work_order.number}")

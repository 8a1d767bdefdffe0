"""States of the booking a user can trust: invoices finalized before connecting are announced
and booked through the preselected export; a refused booking retried from the invoice page
shows as queued again in Foutmeldingen until it is booked."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from ebh_sync.models import SyncJob
from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    connect_with_services,
    exact,
    finalize_draft,
    open_connections,
    reload_until,
)
from tests.invoicing.factories import line, make_draft, make_sent

pytestmark = pytest.mark.e2e


def test_invoices_finalized_before_connecting_are_booked_through_the_export(
    page, shot, stack, sandbox
):
    user, organization, customer = business_with_customer(page)
    numbers = [make_sent(organization, user, customer=customer,
                         issue_date=datetime.date(2026, 3, day),
                         lines=[line("Schilderwerk", "1", f"{day}0.00", "21")]).number
               for day in (2, 9, 16)]
    account = connect_with_services(organization, sandbox)
    assert not SyncJob.objects.exists()

    open_connections(page)
    notice = page.get_by_test_id("never-sent")
    expect(notice).to_contain_text("3 facturen nog niet geboekt")
    shot(page, "never-sent-connections")
    page.goto("/invoices/")
    expect(page.get_by_test_id("never-sent")).to_contain_text("3 facturen nog niet geboekt")
    shot(page, "never-sent-invoice-list")

    page.get_by_test_id("never-sent").get_by_role("link", name="Nu boeken").click()
    expect(page.get_by_label("Van")).to_have_value("2026-03-02")
    expect(page.get_by_label("Tot en met")).to_have_value("2026-03-16")
    for number in numbers:
        expect(page.get_by_role("checkbox", name=number)).to_be_checked()
    shot(page, "export-preselected")
    page.get_by_role("button", name=exact("Exporteren")).click()

    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100",
                                                              timeout=30_000)
    expect(page.locator("[data-field=booked]")).to_have_text("3")
    shot(page, "export-booked")
    booked = sandbox.bookings_per_invoice(account["administrations"][0])
    assert {number: booked.get(number) for number in numbers} == dict.fromkeys(numbers, 1)
    open_connections(page)
    expect(page.get_by_test_id("never-sent")).to_have_count(0)


def test_a_refused_booking_retried_from_the_invoice_page_is_queued_again(
    page, shot, stack, sandbox
):
    _user, organization, customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    sandbox.set_settings(closed_until="2026-12-31")
    draft = make_draft(organization, customer=customer, issue_date=datetime.date(2026, 11, 2))
    number = finalize_draft(page, draft, email=False)
    reload_until(page, lambda: page.locator(".badge").filter(has_text=exact("mislukt")))
    nav_count = page.get_by_test_id("nav-error-count")
    expect(nav_count).to_contain_text("1")
    shot(page, "invoice-refused")

    # The user reopens the period in e-Boekhouden and retries from the invoice itself; the
    # service answers slowly, so the retried booking is seen waiting in Foutmeldingen.
    sandbox.set_settings(closed_until="")
    sandbox.set_faults(latency_ms=10_000, operations=["AddMutatie"])
    try:
        page.get_by_role("button", name="Opnieuw boeken").click()
        expect(page.locator(".message-success")).to_be_visible()
        expect(page).to_have_url(re.compile(rf"/invoices/{draft.pk}/$"))
        page.goto("/settings/connections/errors/")
        row = page.get_by_role("row").filter(has_text=number)
        expect(row.get_by_test_id("requeued")).to_have_text("opnieuw in de wachtrij")
        expect(page.locator(".empty")).to_have_count(0)
        shot(page, "errors-queued-again")
    finally:
        sandbox.set_faults()
    reload_until(page, lambda: page.locator(".empty"), timeout=40)
    expect(page.locator(".empty")).to_have_text("Geen foutmeldingen. Alle boekingen zijn gelukt.")
    page.goto(f"/invoices/{draft.pk}/")
    reload_until(page, lambda: booked_badge(page))
    expect(page.get_by_test_id("nav-error-count")).to_have_count(0)


def test_configure_errors_are_summarized_at_the_top_with_links_to_the_fields(
    page, shot, stack, sandbox
):
    _user, organization, _customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    open_connections(page)
    page.get_by_role("link", name="Configureer koppeling").click()
    page.get_by_label("Als factuur in de factuurmodule van e-Boekhouden.nl").check()
    page.get_by_label("Factuursjabloon").fill("")
    page.get_by_role("button", name="Koppeling opslaan").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("De koppeling is niet opgeslagen")
    expect(summary).to_be_in_viewport()  # the reloaded page starts at the summary
    shot(page, "configure-error-summary")
    summary.get_by_role("link", name=re.compile("Factuursjabloon")).click()
    expect(page).to_have_url(re.compile("#id_invoice_template$"))
    expect(page.get_by_label("Factuursjabloon")).to_be_in_viewport()

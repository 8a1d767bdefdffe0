"""The sync badge on invoice pages: not linked, queued, booked with its number, failed."""

import datetime

import pytest
from django.urls import reverse

from ebh_sync.engine import drain_connection
from ebh_sync.models import SyncJob
from invoicing import services as invoicing
from tests.invoicing.factories import make_draft


def send(org, user, customer, **fields):
    return invoicing.invoice_finalize(
        invoice=make_draft(org, customer=customer, **fields), send_email=False, user=user
    )


@pytest.mark.django_db
def test_invoice_pages_show_the_booking_state(linked, org_a, user_a, customer, client_a):
    invoice = send(org_a, user_a, customer)
    detail = reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert "in wachtrij" in client_a.get(detail).content.decode()

    drain_connection(linked.connection.pk)
    number = SyncJob.objects.get(sales_invoice=invoice).mutation_number
    assert f"geboekt #{number}" in client_a.get(detail).content.decode()
    listing = client_a.get(reverse("invoicing:invoice_list")).content.decode()
    assert f"geboekt #{number}" in listing


@pytest.mark.django_db
def test_failed_booking_shows_its_reason(linked, org_a, user_a, customer, client_a):
    invoice = send(org_a, user_a, customer, issue_date=datetime.date(2025, 12, 30))
    linked.sandbox.set_settings(closed_until="2025-12-31")
    drain_connection(linked.connection.pk)
    page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "mislukt" in page and "CMUT020" in page


@pytest.mark.django_db
def test_without_a_connection_invoices_are_not_linked_and_drafts_have_no_badge(
    org_a, user_a, customer, client_a
):
    sent = send(org_a, user_a, customer)
    draft = make_draft(org_a, customer=customer)
    sent_page = client_a.get(reverse("invoicing:invoice_detail", args=[sent.pk]))
    badge = ">niet gekoppeld</span>"
    assert badge in sent_page.content.decode()
    draft_page = client_a.get(reverse("invoicing:invoice_detail", args=[draft.pk]))
    assert badge not in draft_page.content.decode()


@pytest.mark.django_db
def test_badges_cost_the_same_queries_whatever_the_page_holds(
    linked, org_a, user_a, customer, client_a
):
    for _index in range(5):
        send(org_a, user_a, customer)
    drain_connection(linked.connection.pk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_a.get(reverse("invoicing:invoice_list"))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as five:
        client_a.get(reverse("invoicing:invoice_list"))
    for _index in range(5):
        send(org_a, user_a, customer)
    drain_connection(linked.connection.pk)
    with CaptureQueriesContext(connection) as ten:
        client_a.get(reverse("invoicing:invoice_list"))
    assert len(ten.captured_queries) == len(five.captured_queries)


@pytest.mark.django_db
def test_paused_bookings_show_the_banner_on_every_page(linked, org_a, user_a, customer,
                                                       client_a):
    invoice = send(org_a, user_a, customer)
    linked.sandbox.change_password(linked.account["username"])
    drain_connection(linked.connection.pk)
    for url in (reverse("invoicing:invoice_list"),
                reverse("invoicing:invoice_detail", args=[invoice.pk]),
                reverse("accounts:organization_settings")):
        page = client_a.get(url).content.decode()
        assert 'id="connection-banner"' in page, url
    detail = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content
    assert "wacht" in detail.decode()

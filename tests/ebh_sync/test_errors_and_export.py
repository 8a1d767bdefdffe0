"""The error list with retry, the export module with its progress, isolation between orgs."""

import datetime

import pytest
from django.urls import reverse

from ebh_sync.models import ExportBatch, SyncJob
from invoicing import services as invoicing
from tests.invoicing.factories import make_draft


def send(org, user, customer, **fields):
    return invoicing.invoice_finalize(
        invoice=make_draft(org, customer=customer, **fields), send_email=False, user=user
    )


def failed_job(linked, org, user, customer) -> SyncJob:
    from ebh_sync.engine import drain_connection

    invoice = send(org, user, customer, issue_date=datetime.date(2025, 12, 30))
    linked.sandbox.set_settings(closed_until="2025-12-31")
    drain_connection(linked.connection.pk)
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert job.state == SyncJob.State.FAILED
    return job


@pytest.mark.django_db
def test_error_list_shows_code_description_and_hint_and_retry_books(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks
):
    job = failed_job(linked, org_a, user_a, customer)
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert "CMUT020" in page
    assert job.invoice_number in page
    assert "Heropen de periode daar" in page  # the hint, in Dutch
    overview = client_a.get(reverse("connections:overview")).content.decode()
    assert "Foutmeldingen (1)" in overview

    linked.sandbox.set_settings(closed_until="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("ebh_sync:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED
    assert linked.bookings()[job.invoice_number] == 1
    assert "Foutmeldingen (0)" in client_a.get(reverse("connections:overview")).content.decode()


@pytest.mark.django_db
def test_retry_goes_back_to_the_page_it_came_from_but_never_to_another_site(
    linked, org_a, user_a, customer, client_a
):
    job = failed_job(linked, org_a, user_a, customer)
    url = reverse("ebh_sync:retry", args=[job.pk])
    own_page = reverse("invoicing:invoice_detail", args=[job.sales_invoice_id])
    assert client_a.post(url, {"next": own_page}).url == own_page
    for elsewhere in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        assert client_a.post(url, {"next": elsewhere}).url == reverse("ebh_sync:errors")


@pytest.mark.django_db
def test_error_list_shows_only_the_own_organizations_failures(
    linked, org_a, user_a, customer, client_b
):
    job = failed_job(linked, org_a, user_a, customer)
    page = client_b.get(reverse("ebh_sync:errors")).content.decode()
    assert job.invoice_number not in page
    assert "Geen foutmeldingen" in page


@pytest.mark.django_db
def test_bulk_retry_requeues_the_selected_jobs(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks
):
    first = failed_job(linked, org_a, user_a, customer)
    second = failed_job(linked, org_a, user_a, customer)
    linked.sandbox.set_settings(closed_until="")
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("ebh_sync:retry_bulk"), {"job": [first.pk, second.pk]})
    assert set(SyncJob.objects.values_list("state", flat=True)) == {SyncJob.State.BOOKED}


@pytest.mark.django_db
def test_export_books_a_period_skipping_booked_ones_with_progress(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks
):
    from connections.services import connection_disconnect

    booked = send(org_a, user_a, customer, issue_date=datetime.date(2026, 2, 2))
    from ebh_sync.engine import drain_connection

    drain_connection(linked.connection.pk)
    assert SyncJob.objects.get(sales_invoice=booked).state == SyncJob.State.BOOKED
    # Invoices finalized while not connected have no job yet: the export books them.
    connection_disconnect(connection=linked.connection)
    later = [send(org_a, user_a, customer, issue_date=datetime.date(2026, 2, 10 + i))
             for i in range(3)]
    from tests.ebh_sync.conftest import connect

    connect(org_a, linked.sandbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("ebh_sync:export"), {
            "date_from": "2026-02-01", "date_to": "2026-02-28", "kind": "all",
        })
    batch = ExportBatch.objects.get()
    assert response["Location"] == reverse("ebh_sync:export_detail", args=[batch.pk])
    progress = client_a.get(reverse("ebh_sync:export_progress", args=[batch.pk])).json()
    assert progress["selected"] == 4 and progress["skipped"] == 1
    assert progress["booked"] == 3 and progress["finished"] and progress["percent"] == 100
    for invoice in later:
        assert SyncJob.objects.get(sales_invoice=invoice).state == SyncJob.State.BOOKED
    page = client_a.get(reverse("ebh_sync:export_detail", args=[batch.pk])).content.decode()
    assert 'role="progressbar"' in page


@pytest.mark.django_db
def test_export_rejects_a_reversed_period(linked, client_a):
    response = client_a.post(reverse("ebh_sync:export"), {
        "date_from": "2026-03-01", "date_to": "2026-02-01", "kind": "all",
    })
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ExportBatch.objects.exists()


@pytest.mark.django_db
def test_export_without_a_connection_says_so(client_a):
    response = client_a.post(reverse("ebh_sync:export"), {
        "date_from": "2026-02-01", "date_to": "2026-02-28", "kind": "all",
    }, follow=True)
    assert not ExportBatch.objects.exists()
    assert "e-Boekhouden.nl" in response.content.decode()


@pytest.mark.django_db
def test_disconnect_stops_pending_jobs_they_stay_visible_as_not_booked(
    linked, org_a, user_a, customer
):
    from connections.services import connection_disconnect

    invoice = send(org_a, user_a, customer)  # queued, its task not run
    connection_disconnect(connection=linked.connection)
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert job.state == SyncJob.State.CANCELLED
    from ebh_sync.selectors import badge_for_job

    assert badge_for_job(job).css == "badge-muted"


@pytest.mark.django_db
def test_invoices_stopped_by_a_disconnect_are_listed_and_book_after_reconnecting(
    linked, org_a, user_a, customer, client_a, ebh, django_capture_on_commit_callbacks
):
    from connections.services import connection_disconnect
    from tests.ebh_sync.conftest import connect

    invoice = send(org_a, user_a, customer)  # queued, its task not run
    connection_disconnect(connection=linked.connection)
    job = SyncJob.objects.get(sales_invoice=invoice)
    detail = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Verbind e-Boekhouden.nl opnieuw en probeer het dan opnieuw." in detail
    assert reverse("ebh_sync:errors") in detail
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert invoice.number in page
    assert "De verbinding met e-Boekhouden.nl werd verbroken voordat" in page

    response = client_a.post(reverse("ebh_sync:retry", args=[job.pk]), follow=True)
    assert "verbind eerst met e-Boekhouden.nl" in response.content.decode()
    job.refresh_from_db()
    assert job.state == SyncJob.State.CANCELLED  # nothing to send it to yet

    again = connect(org_a, ebh)
    assert "Foutmeldingen (1)" in client_a.get(reverse("connections:overview")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("ebh_sync:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED
    assert again.bookings() == {invoice.number: 1}
    assert "Foutmeldingen (0)" in client_a.get(reverse("connections:overview")).content.decode()

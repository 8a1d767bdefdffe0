"""Foutmeldingen keeps a retried booking as "opnieuw in de wachtrij" until it is booked or
fails again, shows the latest attempt's time, and the invoice itself offers the retry."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from ebh_sync.engine import drain_connection
from ebh_sync.models import SyncEvent, SyncJob
from tests.ebh_sync.test_errors_and_export import failed_job


@pytest.mark.django_db
def test_a_retried_booking_stays_listed_as_queued_again_until_it_is_booked(
    linked, org_a, user_a, customer, client_a
):
    job = failed_job(linked, org_a, user_a, customer)
    client_a.post(reverse("ebh_sync:retry", args=[job.pk]))  # not drained: still queued
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert 'data-testid="requeued">opnieuw in de wachtrij<' in page
    assert job.invoice_number in page
    assert "Alle boekingen zijn gelukt" not in page
    assert "Selectie opnieuw proberen" not in page  # nothing in the list to retry

    linked.sandbox.set_settings(closed_until="")
    drain_connection(linked.connection.pk)
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert job.invoice_number not in page
    assert "Alle boekingen zijn gelukt" in page


@pytest.mark.django_db
def test_a_retried_booking_that_fails_again_is_a_failure_again(
    linked, org_a, user_a, customer, client_a
):
    job = failed_job(linked, org_a, user_a, customer)
    client_a.post(reverse("ebh_sync:retry", args=[job.pk]))
    drain_connection(linked.connection.pk)  # the period is still closed
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert 'data-testid="requeued"' not in page
    assert "CMUT020" in page and f'value="{job.pk}"' in page


@pytest.mark.django_db
def test_the_error_list_shows_the_latest_attempts_time(
    linked, org_a, user_a, customer, client_a
):
    job = failed_job(linked, org_a, user_a, customer)
    long_ago = timezone.now() - datetime.timedelta(days=40)
    SyncEvent.objects.filter(job=job).update(at=long_ago)
    SyncJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    client_a.post(reverse("ebh_sync:retry", args=[job.pk]))
    drain_connection(linked.connection.pk)  # fails again, today
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    with translation.override("nl"):
        today = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
        then = date_format(timezone.localtime(long_ago).date(), "SHORT_DATE_FORMAT")
    assert today in page
    assert then not in page


@pytest.mark.django_db
def test_the_invoice_page_offers_the_retry_of_its_failed_booking(
    linked, org_a, user_a, customer, client_a
):
    job = failed_job(linked, org_a, user_a, customer)
    detail = reverse("invoicing:invoice_detail", args=[job.sales_invoice_id])
    page = client_a.get(detail).content.decode()
    retry = reverse("ebh_sync:retry", args=[job.pk])
    assert f'action="{retry}"' in page
    assert f'name="next" value="{detail}"' in page
    response = client_a.post(retry, {"next": detail})
    assert response.url == detail
    job.refresh_from_db()
    assert job.state == SyncJob.State.PENDING


@pytest.mark.django_db
def test_another_organization_cannot_retry_the_booking(
    linked, org_a, user_a, customer, client_b
):
    job = failed_job(linked, org_a, user_a, customer)
    assert client_b.post(reverse("ebh_sync:retry", args=[job.pk])).status_code == 404

"""Invoices finalized before connecting: announced after connecting, booked through the export
with just those preselected; the export lets the user pick single invoices."""

import datetime

import pytest
from django.urls import reverse

from ebh_sync.models import ExportBatch, SyncJob
from tests.ebh_sync.conftest import connect
from tests.ebh_sync.test_errors_and_export import send

EXPORT = reverse("ebh_sync:export")


@pytest.fixture
def before_connecting(org_a, user_a, customer):
    return [send(org_a, user_a, customer, issue_date=datetime.date(2026, 3, 2 + i))
            for i in range(3)]


@pytest.mark.django_db
def test_nothing_is_announced_while_not_connected(before_connecting, client_a):
    assert not SyncJob.objects.exists()
    page = client_a.get(reverse("connections:overview")).content.decode()
    assert 'data-testid="never-sent"' not in page


@pytest.mark.django_db
def test_after_connecting_the_pages_say_how_many_were_never_booked(
    before_connecting, org_a, ebh, client_a
):
    connect(org_a, ebh)
    for url in (reverse("connections:overview"), reverse("invoicing:invoice_list")):
        page = client_a.get(url).content.decode()
        assert "3 facturen nog niet geboekt" in page
        assert f'href="{EXPORT}?unbooked=1"' in page


@pytest.mark.django_db
def test_book_them_preselects_those_invoices_and_their_period(
    before_connecting, org_a, user_a, customer, ebh, client_a
):
    connect(org_a, ebh)
    queued_later = send(org_a, user_a, customer, issue_date=datetime.date(2026, 3, 3))
    page = client_a.get(EXPORT, {"unbooked": "1"}).content.decode()
    assert 'value="2026-03-02"' in page and 'value="2026-03-04"' in page
    for invoice in before_connecting:
        assert f'value="s{invoice.pk}" id="pick-s{invoice.pk}" checked' in page
    assert f'value="s{queued_later.pk}"' not in page  # already on its way


@pytest.mark.django_db
def test_the_export_books_only_the_ticked_invoices(
    before_connecting, org_a, ebh, client_a, django_capture_on_commit_callbacks
):
    linked = connect(org_a, ebh)
    first, second, third = before_connecting
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(EXPORT, {
            "date_from": "2026-03-01", "date_to": "2026-03-31", "kind": "all", "picked": "1",
            "invoices": [f"s{first.pk}", f"s{third.pk}"],
        })
    batch = ExportBatch.objects.get()
    assert response["Location"] == reverse("ebh_sync:export_detail", args=[batch.pk])
    assert batch.selected == 2
    assert set(linked.bookings()) == {first.number, third.number}
    assert not SyncJob.objects.filter(sales_invoice=second).exists()
    page = client_a.get(reverse("connections:overview")).content.decode()
    assert "1 factuur nog niet geboekt" in page


@pytest.mark.django_db
def test_show_invoices_lists_the_period_all_ticked(before_connecting, org_a, ebh, client_a):
    connect(org_a, ebh)
    page = client_a.get(EXPORT, {"date_from": "2026-03-03", "date_to": "2026-03-31",
                                 "kind": "all", "show": "1"}).content.decode()
    first, second, third = before_connecting
    assert f'value="s{first.pk}"' not in page
    for invoice in (second, third):
        assert f'value="s{invoice.pk}" id="pick-s{invoice.pk}" checked' in page


@pytest.mark.django_db
def test_nothing_ticked_is_refused(before_connecting, org_a, ebh, client_a):
    connect(org_a, ebh)
    response = client_a.post(EXPORT, {"date_from": "2026-03-01", "date_to": "2026-03-31",
                                      "kind": "all", "picked": "1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ExportBatch.objects.exists()


@pytest.mark.django_db
def test_another_organizations_invoices_are_neither_listed_nor_exported(
    before_connecting, org_a, org_b, ebh, client_b
):
    connect(org_b, ebh)
    page = client_b.get(EXPORT, {"unbooked": "1"}).content.decode()
    assert 'data-testid="export-candidates"' not in page
    response = client_b.post(EXPORT, {
        "date_from": "2026-03-01", "date_to": "2026-03-31", "kind": "all", "picked": "1",
        "invoices": [f"s{before_connecting[0].pk}"],
    })
    assert response.status_code == 200 and not ExportBatch.objects.exists()

"""Invoice-module mode: a work order's invoice exists only in e-Boekhouden, and still shows in
our invoice list (read-only, marked "in e-Boekhouden.nl") with its state there and its PDF."""

import pytest
from django.urls import reverse

from ebh_sync.engine import drain_connection
from ebh_sync.models import SyncJob
from tests.ebh_sync.test_invoice_module import check, job_of, use_module
from tests.invoicing.factories import make_sent

LIST = reverse("invoicing:invoice_list")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def external_rows(client, **params) -> list:
    rows = client.get(LIST, params).context["rows"]
    return [row for kind, row in rows if kind == "external"]


@pytest.mark.django_db
def test_created_invoice_is_listed_with_its_pdf_in_e_boekhouden(
        linked, client_a, org_a, user_a, customer):
    use_module(linked)
    work_order = check(org_a, user_a, customer)
    [queued] = external_rows(client_a)
    assert queued.badge.label == "in wachtrij" and queued.pdf_url == ""

    result = drain_connection(linked.connection.pk)
    # AddFactuur answers with the number only: one GetFacturen for the PDF address.
    assert result.calls["AddFactuur"] == 1 and result.calls["GetFacturen"] == 1
    job = job_of(work_order)
    assert job.pdf_url.startswith("http://127.0.0.1:")
    assert job.events.filter(action="looked_up").count() == 1  # counted in the call budget

    page = client_a.get(LIST).content.decode()
    assert "in e-Boekhouden.nl" in page and job.invoice_number in page
    assert job.pdf_url in page and "aangemaakt" in page
    assert f"Werkbon {work_order.number}" in page
    [row] = external_rows(client_a)
    assert row.net_total == work_order.net_total() and row.customer_name == customer.name


@pytest.mark.django_db
def test_rows_follow_the_filters_and_sit_among_our_own_invoices(
        linked, client_a, org_a, user_a, customer):
    use_module(linked)
    ours = make_sent(org_a, user_a, customer=customer)  # dated 2026-03-02, before the work
    work_order = check(org_a, user_a, customer)
    number = job_of(work_order).invoice_number
    assert [r.number for r in external_rows(client_a, q=number)] == [number]
    assert external_rows(client_a, q="niet-bestaand") == []
    assert external_rows(client_a, status="open") == []  # no payment state of ours
    kinds = [kind for kind, _row in client_a.get(LIST).context["rows"]]
    assert kinds == ["external", "own"]  # newest first
    assert client_a.get(LIST).context["totals"]["count"] == 2
    assert ours.number != number


@pytest.mark.django_db
def test_a_failed_invoice_shows_failed(linked, client_a, org_a, user_a, customer):
    use_module(linked)
    work_order = check(org_a, user_a, customer)
    SyncJob.objects.filter(work_order=work_order).update(
        state=SyncJob.State.FAILED, last_error_code="CFACT014", last_error="Betalingstermijn")
    [row] = external_rows(client_a)
    assert row.badge.label == "mislukt" and "CFACT014" in row.badge.title

"""What the accounting link adds to the start page and the connections page: bookings waiting
and failed (with links), the first step "connect", and what the imports on connect brought in."""

import pytest
from django.urls import reverse

from ebh_sync.models import ImportRun, SyncJob
from tests.ebh_sync.conftest import connect
from tests.invoicing.factories import make_sent

START = reverse("invoicing:start")


@pytest.mark.django_db
def test_connecting_announces_the_imported_articles_with_a_link_to_the_products(
    client_a, org_a, ebh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        connect(org_a, ebh)
    assert ImportRun.objects.get(kind="articles").created == 3
    for url in (START, reverse("connections:overview")):
        page = client_a.get(url).content.decode()
        assert "3 artikelen uit e-Boekhouden overgenomen" in page
        assert reverse("invoicing:product_list") in page
    start = client_a.get(START).content.decode()
    assert 'Koppel e-Boekhouden.nl <span class="visually-hidden">(gereed)' in start


@pytest.mark.django_db
def test_imported_relations_are_announced_and_a_running_import_says_so(client_a, org_a, linked):
    runs = ImportRun.objects.filter(connection=linked.connection)
    runs.filter(kind="relations").update(state="done", created=11, updated=1)
    runs.filter(kind="articles").update(state="running")
    page = client_a.get(START).content.decode()
    assert "12 relaties uit e-Boekhouden overgenomen" in page
    assert reverse("invoicing:customer_list") in page
    assert "Artikelen worden uit e-Boekhouden opgehaald" in page


@pytest.mark.django_db
def test_an_import_that_brought_nothing_or_failed_is_not_announced(client_a, org_a, linked):
    ImportRun.objects.filter(kind="articles").update(state="failed")
    ImportRun.objects.filter(kind="relations").update(state="done", created=0, updated=0)
    page = client_a.get(START).content.decode()
    assert "overgenomen" not in page and "opgehaald" not in page


@pytest.mark.django_db
def test_waiting_and_failed_bookings_are_counted_with_links(client_a, org_a, user_a, linked):
    first, second = make_sent(org_a, user_a), make_sent(org_a, user_a)
    SyncJob.objects.filter(sales_invoice=first).update(state="failed", last_error="x")
    SyncJob.objects.filter(sales_invoice=second).update(state="pending")
    page = client_a.get(START).content.decode()
    waiting = page.split("Wacht op boeking")[1].split("</a>")[0]
    failed = page.split("Mislukte boekingen")[1].split("</a>")[0]
    assert ">1<" in waiting and ">1<" in failed
    assert reverse("ebh_sync:errors") in page.split("Mislukte boekingen")[0].rsplit("<a", 1)[1]


@pytest.mark.django_db
def test_not_connected_the_step_says_connect_and_no_booking_counts(client_a, org_a):
    page = client_a.get(START).content.decode()
    assert "Koppel e-Boekhouden.nl" in page and reverse("connections:overview") in page
    assert "Wacht op boeking" not in page


@pytest.mark.django_db
def test_another_organizations_import_is_not_announced(client_b, org_a, linked):
    ImportRun.objects.filter(kind="articles").update(state="done", created=3)
    assert "overgenomen" not in client_b.get(START).content.decode()

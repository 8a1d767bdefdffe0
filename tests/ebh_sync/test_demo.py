import pytest

from ebh_sync import demo
from ebh_sync.engine import drain_connection
from ebh_sync.models import SyncJob
from tests.invoicing.factories import make_sent


@pytest.mark.django_db
def test_demo_queues_existing_invoices_once_and_they_get_booked(linked, org_a, user_a, customer):
    # Invoices finalized before the connection existed have no job yet.
    from connections.services import connection_disconnect

    connection_disconnect(connection=linked.connection)
    invoices = [make_sent(org_a, user_a, customer=customer) for _ in range(2)]
    from tests.ebh_sync.conftest import connect

    connect(org_a, linked.sandbox)
    assert "2 invoices" in demo.load(org_a)
    assert demo.load(org_a) == "bookings already queued or made"
    drain_connection(linked.connection.pk)
    assert all(SyncJob.objects.get(sales_invoice=i).state == "booked" for i in invoices)


@pytest.mark.django_db
def test_demo_without_a_connection_does_nothing(org_a):
    assert demo.load(org_a) == ""

"""The sync over REST (an API token): the same bookings and the same exactly-once rules as
over SOAP, a refused token pauses the connection, and a SOAP connection switches to REST
without booking anything again."""

import pytest

from connections import services as connection_services
from connections.models import Connection, Transport
from ebh_sync.engine import drain_connection
from ebh_sync.models import RelationLink, SyncJob
from eboekhouden.client import RelationData
from tests.ebh_sync.test_faults import assert_booked_exactly_once, job_of, send


@pytest.mark.django_db
def test_rest_books_each_invoice_once_and_reuses_the_relation(rest_linked, org_a, user_a,
                                                               customer):
    assert rest_linked.connection.transport == Transport.REST
    invoices = send(org_a, user_a, customer, count=2)
    drain_connection(rest_linked.connection.pk)
    assert_booked_exactly_once(rest_linked, invoices)
    assert [r["code"] for r in rest_linked.sandbox.relations(rest_linked.guid)] == [customer.code]
    link = RelationLink.objects.get(connection=rest_linked.connection)
    assert link.relation_id > 0 and link.created_by_us


@pytest.mark.django_db
def test_rest_apply_then_drop_is_settled_by_the_lookup(rest_linked, org_a, user_a, customer):
    invoices = send(org_a, user_a, customer, count=2)
    rest_linked.sandbox.set_faults(drop_after_apply_rate=1.0, operations=["AddMutatie"], seed=1)
    drain_connection(rest_linked.connection.pk)
    assert job_of(invoices[0]).in_doubt
    rest_linked.sandbox.set_faults()
    drain_connection(rest_linked.connection.pk)
    assert_booked_exactly_once(rest_linked, invoices)
    assert job_of(invoices[0]).events.filter(action="reconciled").exists()


@pytest.mark.django_db
def test_revoked_token_pauses_and_a_new_token_resumes(rest_linked, org_a, user_a, customer,
                                                       django_capture_on_commit_callbacks):
    [first] = send(org_a, user_a, customer)
    rest_linked.sandbox.revoke_api_token(rest_linked.account["api_token"])
    drain_connection(rest_linked.connection.pk)
    connection = Connection.objects.get(pk=rest_linked.connection.pk)
    assert connection.status == Connection.Status.ACTION_NEEDED
    assert "API-token" in connection.status_reason or "API token" in connection.status_reason
    assert rest_linked.bookings()[first.number] == 0

    new_token = rest_linked.sandbox.add_api_token(rest_linked.guid)
    with django_capture_on_commit_callbacks(execute=True):
        connection_services.connection_use_api_token(connection=connection, api_token=new_token)
    drain_connection(connection.pk)
    assert Connection.objects.get(pk=connection.pk).status == Connection.Status.CONNECTED
    assert_booked_exactly_once(rest_linked, [first])


@pytest.mark.django_db
def test_switch_from_soap_to_rest_books_nothing_again(linked, rest, org_a, user_a, customer):
    [first] = send(org_a, user_a, customer)
    drain_connection(linked.connection.pk)
    assert job_of(first).state == SyncJob.State.BOOKED

    token = linked.sandbox.add_api_token(linked.guid)
    connection = connection_services.connection_use_api_token(
        connection=linked.connection, api_token=token)
    assert connection.transport == Transport.REST and connection.can_sync
    assert not connection.security_code_1_encrypted
    [second] = send(org_a, user_a, customer)
    drain_connection(connection.pk)
    assert_booked_exactly_once(linked, [first, second])
    assert [r["code"] for r in linked.sandbox.relations(linked.guid)] == [customer.code]
    assert RelationLink.objects.filter(connection=connection).count() == 1


@pytest.mark.django_db
def test_a_token_of_another_administration_is_refused(linked, rest, org_a):
    other = linked.sandbox.add_account("restother")
    with pytest.raises(connection_services.OtherAdministration):
        connection_services.connection_use_api_token(
            connection=linked.connection, api_token=other["api_token"])
    connection = Connection.objects.get(pk=linked.connection.pk)
    assert connection.transport == Transport.SOAP and not connection.api_token_encrypted


@pytest.mark.django_db
def test_rest_codes_taken_are_confirmed_by_a_lookup(rest_linked, org_a, user_a, customer):
    """REL_049 (relation code taken) reads the existing relation; MUT_019 (invoice number
    taken) is confirmed by the look-up by invoice number, not booked twice."""
    with connection_services.connection_session(connection=rest_linked.connection) as (
        client, session
    ):
        existing = client.add_relatie(session, RelationData(code=customer.code, name="Oud"))
    [invoice] = send(org_a, user_a, customer)
    drain_connection(rest_linked.connection.pk)
    assert RelationLink.objects.get(code=customer.code).relation_id == existing

    job = job_of(invoice)
    # As if the answer was lost before we recorded it, but without the doubt flag.
    SyncJob.objects.filter(pk=job.pk).update(state=SyncJob.State.PENDING, in_doubt=False,
                                             mutation_number=None, booked_at=None)
    drain_connection(rest_linked.connection.pk)
    assert_booked_exactly_once(rest_linked, [invoice])
    assert job_of(invoice).events.filter(action="reconciled").exists()

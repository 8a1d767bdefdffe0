"""Faults of the service: after recovery every invoice is booked exactly once."""

import datetime

import pytest
from django.utils import timezone

from connections import services as connection_services
from connections.clients import ConfiguredSoapClient
from connections.models import Connection
from ebh_sync.engine import drain_connection
from ebh_sync.models import SyncJob
from eboekhouden.client import RejectedError
from invoicing import services as invoicing
from invoicing.models import SalesInvoice
from tests.invoicing.factories import make_draft


def send(org, user, customer, count=1, **fields) -> list[SalesInvoice]:
    """Finalize invoices without running the commit hooks: their jobs wait in the queue."""
    return [
        invoicing.invoice_finalize(
            invoice=make_draft(org, customer=customer, **fields), send_email=False, user=user
        )
        for _ in range(count)
    ]


def job_of(invoice) -> SyncJob:
    return SyncJob.objects.get(sales_invoice=invoice)


def assert_booked_exactly_once(linked, invoices) -> None:
    bookings = linked.bookings()
    for invoice in invoices:
        job = job_of(invoice)
        assert job.state == SyncJob.State.BOOKED, (job.state, job.last_error)
        assert bookings[invoice.number] == 1


@pytest.mark.django_db
def test_http_500_is_retried_and_books_once(linked, org_a, user_a, customer):
    [invoice] = send(org_a, user_a, customer)
    linked.sandbox.set_faults(http500_rate=1.0, operations=["AddMutatie"], seed=1)
    drain_connection(linked.connection.pk)
    job = job_of(invoice)
    assert job.state == SyncJob.State.PENDING and job.attempts == 1 and job.in_doubt
    assert job.last_error_code == "server_error"

    linked.sandbox.set_faults()
    drain_connection(linked.connection.pk)
    assert_booked_exactly_once(linked, [invoice])


@pytest.mark.django_db
def test_apply_then_drop_is_reconciled_not_booked_twice(linked, org_a, user_a, customer):
    invoices = send(org_a, user_a, customer, count=2)
    linked.sandbox.set_faults(drop_after_apply_rate=1.0, operations=["AddMutatie"], seed=1)
    drain_connection(linked.connection.pk)
    first = job_of(invoices[0])
    assert first.state == SyncJob.State.PENDING and first.in_doubt
    assert linked.bookings()[invoices[0].number] == 1  # stored, answer lost

    linked.sandbox.set_faults()
    drain_connection(linked.connection.pk)
    assert_booked_exactly_once(linked, invoices)
    assert job_of(invoices[0]).mutation_number == linked.mutations()[0]["nr"]
    # The look-up by invoice number is spent only on the job in doubt.
    assert linked.calls("GetMutaties") == 1
    assert job_of(invoices[0]).events.filter(action="reconciled").exists()


@pytest.mark.django_db
def test_timeout_after_the_booking_was_applied(linked, org_a, user_a, customer, settings):
    settings.EBH_READ_TIMEOUT = 1
    [invoice] = send(org_a, user_a, customer)
    linked.sandbox.set_faults(timeout_rate=1.0, hang_seconds=2, timeout_apply=True,
                              operations=["AddMutatie"], seed=1)
    drain_connection(linked.connection.pk)
    job = job_of(invoice)
    assert job.state == SyncJob.State.PENDING and job.in_doubt
    assert job.last_error_code == "timeout"

    linked.sandbox.set_faults()
    drain_connection(linked.connection.pk)
    assert_booked_exactly_once(linked, [invoice])


@pytest.mark.django_db
def test_session_expiry_mid_batch_reopens_the_session(linked, org_a, user_a, customer):
    invoices = send(org_a, user_a, customer, count=5)
    linked.sandbox.set_faults(expire_session_every=2, seed=1)
    result = drain_connection(linked.connection.pk)
    assert result.booked == 5
    assert result.calls["OpenSession"] > 1
    assert_booked_exactly_once(linked, invoices)


@pytest.mark.django_db
def test_password_change_pauses_without_using_attempts_then_resumes(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    invoices = send(org_a, user_a, customer, count=2)
    new_code = linked.sandbox.change_password(linked.account["username"])
    drain_connection(linked.connection.pk)

    linked.connection.refresh_from_db()
    assert linked.connection.status == Connection.Status.ACTION_NEEDED
    for invoice in invoices:
        job = job_of(invoice)
        assert job.state == SyncJob.State.PAUSED and job.attempts == 0
    assert linked.bookings() == {}
    # A drain while action is needed books nothing and does not touch the service.
    assert drain_connection(linked.connection.pk).calls == {}

    with django_capture_on_commit_callbacks(execute=True):
        connection_services.connection_update_security_code_1(
            connection=linked.connection, security_code_1=new_code
        )
    assert_booked_exactly_once(linked, invoices)


@pytest.mark.django_db
def test_a_rejected_booking_fails_with_its_reason_and_the_others_go_through(
    linked, org_a, user_a, customer
):
    old = send(org_a, user_a, customer, issue_date=datetime.date(2025, 12, 30))
    new = send(org_a, user_a, customer, count=2)
    linked.sandbox.set_settings(closed_until="2025-12-31")
    drain_connection(linked.connection.pk)
    job = job_of(old[0])
    assert job.state == SyncJob.State.FAILED
    assert job.last_error_code == "CMUT020"
    assert job.last_error
    assert job.attempts == 0  # a rejection is not retried
    assert_booked_exactly_once(linked, new)


class RefusingClient(ConfiguredSoapClient):
    """The real client, except that the service refuses one relation or one booking,
    as it would refuse bad data of ours (a code it does not accept, a description over 200
    characters)."""

    def __init__(self, *, relation_code: str = "", invoice_number: str = "") -> None:
        super().__init__()
        self.relation_code, self.invoice_number = relation_code, invoice_number

    def add_relatie(self, session, relation):
        if relation.code == self.relation_code:
            raise RejectedError("CREL003", "Relatiecode ongeldig")
        return super().add_relatie(session, relation)

    def add_mutatie(self, session, mutation):
        if mutation.invoice_number == self.invoice_number:
            raise RejectedError("CMUT031", "Omschrijving is langer dan 200 tekens")
        return super().add_mutatie(session, mutation)


@pytest.mark.parametrize("refused", ["relation", "booking"])
@pytest.mark.django_db
def test_bad_data_fails_only_its_own_job_with_the_reason(
    linked, org_a, user_a, customer, refused
):
    from tests.invoicing.factories import make_customer

    other = make_customer(org_a, name="Tweede klant")
    [bad] = send(org_a, user_a, other)
    good = send(org_a, user_a, customer, count=2)
    client = (RefusingClient(relation_code=other.code) if refused == "relation"
              else RefusingClient(invoice_number=bad.number))
    drain_connection(linked.connection.pk, client=client)
    job = job_of(bad)
    assert job.state == SyncJob.State.FAILED
    assert job.last_error_code == ("CREL003" if refused == "relation" else "CMUT031")
    assert job.last_error in ("Relatiecode ongeldig", "Omschrijving is langer dan 200 tekens")
    assert_booked_exactly_once(linked, good)


def test_a_long_description_is_cut_to_what_the_service_accepts():
    from ebh_sync.mapping import DESCRIPTION_MAX, _description

    text = _description(["Factuur", "2026-0001", "x" * 500])
    assert len(text) == DESCRIPTION_MAX and text.endswith("…")


@pytest.mark.django_db
def test_transient_failures_give_up_after_the_attempt_cap(linked, org_a, user_a, customer,
                                                          settings):
    settings.EBH_SYNC_MAX_ATTEMPTS = 3
    [invoice] = send(org_a, user_a, customer)
    linked.sandbox.set_faults(http500_rate=1.0, operations=["AddMutatie"], seed=1)
    for _attempt in range(3):
        drain_connection(linked.connection.pk)
    job = job_of(invoice)
    assert job.state == SyncJob.State.FAILED and job.attempts == 3
    assert "3" in job.last_error


@pytest.mark.django_db
def test_backoff_grows_and_is_stored_in_the_row(linked, org_a, user_a, customer, settings):
    settings.EBH_SYNC_BACKOFF_BASE_SECONDS = 30
    [invoice] = send(org_a, user_a, customer)
    linked.sandbox.set_faults(http500_rate=1.0, operations=["AddMutatie"], seed=1)
    before = timezone.now()
    result = drain_connection(linked.connection.pk)
    job = job_of(invoice)
    # The task comes back by itself when the backoff has passed.
    assert result.stopped == "server_error" and result.resume_at == job.next_attempt_at
    assert before + datetime.timedelta(seconds=14) <= job.next_attempt_at
    assert job.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=31)
    # Not due yet: a drain now leaves it alone.
    assert drain_connection(linked.connection.pk).calls == {}


@pytest.mark.django_db
def test_a_job_left_sending_by_a_dead_worker_is_reconciled_by_the_next_drain(
    linked, org_a, user_a, customer
):
    from connections.services import connection_session
    from ebh_sync.engine import Runner

    [invoice] = send(org_a, user_a, customer)
    job = job_of(invoice)
    # The dead worker got as far as AddMutatie: the booking exists, our row says "sending".
    runner = Runner(linked.connection, ConfiguredSoapClient())
    runner.ensure_relation(job)
    with connection_session(connection=linked.connection) as (client, session):
        number = client.add_mutatie(session, runner.build(job))
    runner.close()
    SyncJob.objects.filter(pk=job.pk).update(state=SyncJob.State.SENDING, in_doubt=True)

    result = drain_connection(linked.connection.pk)
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED and job.mutation_number == number
    assert result.calls.get("AddMutatie", 0) == 0
    assert linked.bookings()[invoice.number] == 1


@pytest.mark.django_db
def test_a_job_cancelled_by_a_disconnect_is_not_sent(linked, org_a, user_a, customer):
    from connections.services import connection_disconnect
    from ebh_sync.engine import Runner

    [invoice] = send(org_a, user_a, customer)
    job = job_of(invoice)
    runner = Runner(linked.connection, ConfiguredSoapClient())
    connection_disconnect(connection=linked.connection)  # while the job is being processed
    runner.process(job)
    runner.close()
    job.refresh_from_db()
    assert job.state == SyncJob.State.CANCELLED
    assert linked.bookings() == {}

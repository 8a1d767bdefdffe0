"""After a lost answer, GetMutaties must prove a booking is missing before it is sent again.

e-Boekhouden's GetMutaties searches only the newest 500 mutations of the administration. When
more than that were booked between the lost answer and the retry, "not found" proves nothing:
the job waits for a person, who books it or records it as already there. Codes and invoice
numbers count regardless of case."""

import datetime
from decimal import Decimal

import pytest

from connections.clients import get_client
from ebh_sync import selectors
from ebh_sync.engine import drain_connection
from ebh_sync.mapping import relation_from_snapshot
from ebh_sync.models import RelationLink, SyncJob
from eboekhouden.client import Credentials, MutationData, MutationLine
from tests.ebh_sync.test_faults import job_of, send
from tests.invoicing.factories import make_customer

OTHER_BOOKINGS = 600


def session_of(linked):
    account = linked.account
    credentials = Credentials(account["username"], account["security_code_1"],
                              account["security_code_2"])
    client = get_client()
    return client, client.session(credentials)


def book_elsewhere(linked, count: int) -> None:
    """Another program books ``count`` cash receipts in the same administration."""
    line = MutationLine(Decimal("10.00"), Decimal("2.10"), Decimal("12.10"), "HOOG_VERK_21",
                        Decimal("21"), "8000")
    client, opened = session_of(linked)
    with opened as session:
        for number in range(count):
            client.add_mutatie(session, MutationData(
                kind="GeldOntvangen", date=datetime.date(2026, 3, 2), account="1010",
                relation_code="", invoice_number="", description=f"Kassa {number}",
                payment_term_days=0, lines=(line,)))


def lose_the_answer(linked, org_a, user_a, customer, *, applied: bool):
    """One invoice booked normally, then one whose AddMutatie answer is lost."""
    send(org_a, user_a, customer)
    drain_connection(linked.connection.pk)
    [invoice] = send(org_a, user_a, customer)
    # booked but the answer dropped, or refused with an HTTP 500 (which may have booked too)
    fault = "drop_after_apply_rate" if applied else "http500_rate"
    linked.sandbox.set_faults(**{fault: 1.0}, operations=["AddMutatie"], seed=1)
    drain_connection(linked.connection.pk)
    linked.sandbox.set_faults()
    job = job_of(invoice)
    assert job.in_doubt and job.state == SyncJob.State.PENDING
    return invoice, job


@pytest.mark.slow
@pytest.mark.django_db
def test_600_bookings_after_a_lost_answer_leave_the_decision_to_a_person(
    linked, org_a, user_a, customer, client_a
):
    invoice, job = lose_the_answer(linked, org_a, user_a, customer, applied=True)
    book_elsewhere(linked, OTHER_BOOKINGS)

    result = drain_connection(linked.connection.pk)
    job.refresh_from_db()
    assert result.doubt == 1
    assert job.state == SyncJob.State.DOUBT
    assert linked.bookings()[invoice.number] == 1  # never resent blindly
    assert "500" in job.last_error and invoice.number in job.last_error
    assert selectors.badge_for_job(job).label == "controle nodig"

    errors = client_a.get("/settings/connections/errors/").content.decode()
    assert invoice.number in errors and f"/sync/jobs/{job.pk}/decide/" in errors
    page = client_a.get(f"/sync/jobs/{job.pk}/decide/").content.decode()
    assert "Nu boeken" in page and "Al geboekt" in page

    number = next(m["nr"] for m in linked.mutations() if m["factuurnummer"] == invoice.number)
    response = client_a.post(f"/sync/jobs/{job.pk}/decide/",
                             {"decision": "booked", "mutation_number": number})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.mutation_number, job.in_doubt) == (SyncJob.State.BOOKED, number, False)
    drain_connection(linked.connection.pk)
    assert linked.bookings()[invoice.number] == 1


@pytest.mark.slow
@pytest.mark.django_db
def test_a_person_who_finds_nothing_books_it_once(linked, org_a, user_a, customer, client_a):
    invoice, job = lose_the_answer(linked, org_a, user_a, customer, applied=False)
    book_elsewhere(linked, OTHER_BOOKINGS)
    drain_connection(linked.connection.pk)
    job.refresh_from_db()
    assert job.state == SyncJob.State.DOUBT
    assert linked.bookings()[invoice.number] == 0

    client_a.post(f"/sync/jobs/{job.pk}/decide/", {"decision": "book"})
    job.refresh_from_db()
    assert job.state == SyncJob.State.PENDING and not job.in_doubt
    drain_connection(linked.connection.pk)
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED
    assert linked.bookings()[invoice.number] == 1


@pytest.mark.django_db
def test_a_lost_request_is_sent_again_when_getmutaties_reaches_back(
    linked, org_a, user_a, customer
):
    invoice, job = lose_the_answer(linked, org_a, user_a, customer, applied=False)
    assert job.sent_after_number == linked.mutations()[0]["nr"]
    book_elsewhere(linked, 5)
    drain_connection(linked.connection.pk)
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED
    assert linked.bookings()[invoice.number] == 1
    # one look-up by invoice number, one by mutation number from the last known booking
    assert linked.calls("GetMutaties") == 2


@pytest.mark.django_db
def test_a_decision_is_only_taken_for_a_job_in_doubt(linked, org_a, user_a, customer, client_a):
    [invoice] = send(org_a, user_a, customer)
    drain_connection(linked.connection.pk)
    job = job_of(invoice)
    response = client_a.post(f"/sync/jobs/{job.pk}/decide/", {"decision": "book"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED
    assert linked.bookings()[invoice.number] == 1


@pytest.mark.django_db
def test_a_relation_code_in_another_case_is_the_same_relation(linked, org_a, user_a):
    client, opened = session_of(linked)
    with opened as session:  # made in e-Boekhouden by someone else
        client.add_relatie(session, relation_from_snapshot({"code": "JANS01", "name": "Jansen"}))
    customer = make_customer(org_a, name="Schildersbedrijf Jansen")
    customer.code = "jans01"  # as an imported relation may carry it
    customer.save(update_fields=["code"])
    [invoice] = send(org_a, user_a, customer)
    drain_connection(linked.connection.pk)
    assert job_of(invoice).state == SyncJob.State.BOOKED, job_of(invoice).last_error
    [relation] = [r for r in linked.sandbox.relations(linked.guid)
                  if r["code"].casefold() == "jans01"]
    assert relation["code"] == "JANS01"  # answered CREL001, not created twice
    assert RelationLink.objects.get(code="jans01").relation_id == relation["id"]
    [booked] = linked.mutations()
    assert booked["relatie_code"].casefold() == "jans01"

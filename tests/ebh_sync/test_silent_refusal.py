"""A description over 200 characters: e-Boekhouden answers Mutatienummer 0 without an error
code and books nothing (as public clients report). The product reads that as a refusal."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from connections.clients import ConfiguredSoapClient, get_client
from ebh_sync.engine import drain_connection
from ebh_sync.models import SyncJob
from eboekhouden.client import (
    Credentials,
    MutationData,
    MutationLine,
    RejectedError,
)
from tests.ebh_sync.test_faults import job_of, send


def booking(description: str) -> MutationData:
    line = MutationLine(Decimal("100.00"), Decimal("21.00"), Decimal("121.00"), "HOOG_VERK_21",
                        Decimal("21"), "8000")
    return MutationData(kind="GeldOntvangen", date=datetime.date(2026, 3, 2), account="1010",
                        relation_code="", invoice_number="", description=description,
                        payment_term_days=0, lines=(line,))


def test_a_description_of_201_characters_is_refused_and_nothing_is_booked(ebh):
    account = ebh.add_account("longtext")
    guid = account["administrations"][0]
    client = get_client()
    credentials = Credentials(account["username"], account["security_code_1"],
                              account["security_code_2"])
    with client.session(credentials) as session:
        assert client.add_mutatie(session, booking("x" * 200)) > 0
        with pytest.raises(RejectedError) as refused:
            client.add_mutatie(session, booking("x" * 201))
    assert refused.value.code == "MUT0"
    assert [len(m["omschrijving"]) for m in ebh.mutations(guid)] == [200]


class LongDescriptions(ConfiguredSoapClient):
    """A client that (wrongly) sends the full text: what the service does with it."""

    def add_mutatie(self, session, mutation):
        longer = dataclasses.replace(mutation, description=mutation.description.ljust(201, "."))
        return super().add_mutatie(session, longer)


@pytest.mark.django_db
def test_the_job_fails_visibly_with_a_hint_instead_of_being_booked(
    linked, org_a, user_a, customer
):
    [invoice] = send(org_a, user_a, customer)
    result = drain_connection(linked.connection.pk, client=LongDescriptions())
    job = job_of(invoice)
    assert (result.failed, job.state, job.last_error_code) == (1, SyncJob.State.FAILED, "MUT0")
    assert linked.bookings()[invoice.number] == 0

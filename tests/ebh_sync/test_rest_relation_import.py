"""Relaties ophalen over REST: the relation list once, in pages of 2,000, not the keyword walk
SOAP needs to get past GetRelaties' cap."""

import pytest

from ebh_sync.models import ImportRun
from invoicing.models import Customer
from tests.ebh_sync.import_helpers import run_import


@pytest.mark.django_db
def test_rest_reads_the_relation_list_once(rest_linked, settings,
                                           django_capture_on_commit_callbacks):
    ImportRun.objects.filter(connection=rest_linked.connection).delete()
    settings.EBH_GETRELATIES_CAP = 5  # would make the SOAP walk take many calls
    rest_linked.sandbox.seed_relations(rest_linked.guid, 12, prefix="R")

    run = run_import(rest_linked, django_capture_on_commit_callbacks)

    assert run.calls == 1
    assert (run.total, run.created) == (12, 12)
    customers = Customer.objects.for_organization(rest_linked.connection.organization)
    assert customers.count() == 12

import pytest

from invoicing import demo
from invoicing.models import PurchaseInvoice, SalesInvoice


@pytest.mark.django_db
def test_demo_data_is_complete_and_idempotent(org_a):
    summary = demo.load(org_a)
    assert "customers" in summary
    statuses = set(SalesInvoice.objects.values_list("status", flat=True))
    assert {"draft", "sent", "paid", "credited"} <= statuses
    assert SalesInvoice.objects.filter(kind="credit_note").count() == 1
    assert PurchaseInvoice.objects.count() == 1
    assert demo.load(org_a) == "already there"
    assert SalesInvoice.objects.count() == 5

import pytest

from invoicing import demo as invoicing_demo
from workorders import demo
from workorders.models import WorkOrder


@pytest.mark.django_db
def test_demo_work_orders_are_varied_and_idempotent(org_a):
    invoicing_demo.load(org_a)
    summary = demo.load(org_a)
    assert "4 work orders" in summary
    states = sorted(WorkOrder.objects.values_list("state", flat=True))
    assert states == ["checked", "done", "invoiced", "open"]
    assert demo.load(org_a) == "already there"
    assert WorkOrder.objects.count() == 4


@pytest.mark.django_db
def test_demo_works_without_invoicing_demo(org_a):
    demo.load(org_a)
    assert WorkOrder.objects.filter(organization=org_a).count() == 4

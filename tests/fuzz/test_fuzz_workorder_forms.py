"""Work orders (header + line formset) and their sign-off under hostile POSTs: never a
server error, nothing written on a refusal, and a saved work order holds what was posted."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import strategies as fz
from tests.workorders.factories import make_work_order
from workorders.forms import LineFormSet, WorkOrderForm
from workorders.models import WorkOrder, WorkOrderLine

MODELS = (WorkOrder, WorkOrderLine)
TIMES = st.sampled_from(["08:00", "7:30", "23:59", "24:00", "12:60", "-1:00", "noon", ""])


WORK_ORDER_LINE = {**fz.LINE, "kind": fz.choice(["hours", "material"])}


@st.composite
def work_order_posts(draw, customer_pk: int):
    return fz.with_lines(draw, {
        "customer": fz.choice(str(customer_pk)),
        "planned_date": fz.date("2026-11-23"),
        "planned_start": fz.field("08:00", TIMES | fz.hostile_text),
        "planned_end": fz.field("", TIMES | fz.hostile_text),
        "assigned_to": fz.choice(""),
        "work_street": fz.text(""),
        "work_postcode": fz.text(""),
        "work_city": fz.text(""),
        "description": fz.text(),
        "notes": fz.text(""),
    }, WORK_ORDER_LINE)


def _assert_saved_as_posted(work_order, post, organization) -> None:
    form = WorkOrderForm(post, organization=organization)
    formset = LineFormSet(post, prefix="lines", form_kwargs={"organization": organization})
    assert form.is_valid() and formset.is_valid()
    assert work_order.description == form.cleaned_data["description"]
    assert work_order.planned_date == form.cleaned_data["planned_date"]
    saved = list(work_order.lines.order_by("position"))
    expected = formset.line_data()
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in saved] == [
        (ln.description, ln.quantity, ln.unit_price) for ln in expected]


@pytest.fixture
def work_order(org_a, customer):
    return make_work_order(org_a, customer=customer)


def _post_work_order(client, url, post, organization, work_order=None) -> None:
    def check_saved(_before) -> None:
        saved = work_order or WorkOrder.objects.latest("pk")
        saved.refresh_from_db()
        _assert_saved_as_posted(saved, post, organization)

    fz.post_checked(client, url, post, MODELS, check_saved)


@pytest.mark.django_db
@fz.FUZZ_LINES
@given(data=st.data())
def test_fuzz_work_order_create(client_a, org_a, customer, data):
    post = data.draw(work_order_posts(customer.pk))
    _post_work_order(client_a, reverse("workorders:workorder_create"), post, org_a)


@pytest.mark.django_db
@fz.FUZZ_LINES
@given(data=st.data())
def test_fuzz_work_order_edit(client_a, org_a, customer, work_order, data):
    post = data.draw(work_order_posts(customer.pk))
    url = reverse("workorders:workorder_edit", args=[work_order.pk])
    _post_work_order(client_a, url, post, org_a, work_order)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"signed_off_by": fz.text()}))
def test_fuzz_sign_off(client_a, work_order, post):
    with fz.rolled_back():
        response = client_a.post(reverse("workorders:workorder_done", args=[work_order.pk]),
                                 post)
        assert response.status_code == 302
        work_order.refresh_from_db()
        if work_order.state == "done":
            assert work_order.signed_off_by == post["signed_off_by"].strip()
        else:
            assert not work_order.signed_off_by

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from invoicing import services as invoicing
from invoicing.models import SalesInvoice
from tests.workorders.factories import hours, make_done, make_invoiced, make_work_order
from workorders import services
from workorders.models import WorkOrder, WorkOrderError, WorkOrderState


def _messages(caught) -> str:
    return " ".join(caught.value.messages)


@pytest.mark.django_db
def test_numbers_follow_a_sequence_per_organization(org_a, org_b):
    first, second = make_work_order(org_a), make_work_order(org_a)
    other = make_work_order(org_b)
    assert (first.number, second.number, other.number) == ("W0001", "W0002", "W0001")


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_number(org_a):
    work_order = make_work_order(org_a)
    copy = WorkOrder(organization=org_a, number=work_order.number,
                     customer=work_order.customer, planned_date=work_order.planned_date,
                     planned_start=work_order.planned_start, description="Dubbel")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.django_db
def test_the_normal_path_open_done_checked_invoiced(org_a, user_a):
    work_order = make_work_order(org_a)
    assert work_order.state == WorkOrderState.OPEN
    work_order = services.work_order_mark_done(work_order=work_order, signed_off_by=" P. Klant ",
                                               user=user_a)
    assert work_order.state == WorkOrderState.DONE
    assert work_order.signed_off_by == "P. Klant" and work_order.signed_off_at is not None
    outcome = services.work_order_mark_checked(work_order=work_order, user=user_a)
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.CHECKED
    assert work_order.checked_by == user_a and work_order.invoice.status == "draft"
    invoicing.invoice_finalize(invoice=outcome.invoice, send_email=False, user=user_a)
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.INVOICED


@pytest.mark.django_db
def test_no_skipping_from_open_to_checked_or_invoiced(org_a, user_a):
    work_order = make_work_order(org_a)
    with translation.override("en"):
        with pytest.raises(WorkOrderError) as caught:
            services.work_order_mark_checked(work_order=work_order, user=user_a)
        assert "Only a work order that is done can be checked" in _messages(caught)
        with pytest.raises(WorkOrderError) as caught:
            work_order.move_to(WorkOrderState.INVOICED)
        assert "cannot go from “Open” to “Invoiced”" in _messages(caught)
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.OPEN
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_the_accounting_link_cannot_invoice_an_open_work_order(org_a):
    work_order = make_work_order(org_a)
    with pytest.raises(WorkOrderError):
        services.work_order_invoice_externally_created(work_order=work_order,
                                                       invoice_number="F-1")
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.OPEN and work_order.external_invoice_number == ""


@pytest.mark.django_db
def test_mark_done_needs_an_open_work_order_and_a_name(org_a, user_a):
    work_order = make_work_order(org_a)
    with translation.override("en"), pytest.raises(WorkOrderError) as caught:
        services.work_order_mark_done(work_order=work_order, signed_off_by="  ", user=user_a)
    assert "name of the customer who signed off" in _messages(caught)
    done = services.work_order_mark_done(work_order=work_order, signed_off_by="X", user=user_a)
    with pytest.raises(WorkOrderError):
        services.work_order_mark_done(work_order=done, signed_off_by="Y", user=user_a)
    done.refresh_from_db()
    assert done.signed_off_by == "X"


@pytest.mark.django_db
def test_reopen_only_from_done_and_it_clears_the_sign_off(org_a, user_a):
    done = make_done(org_a, user_a)
    reopened = services.work_order_reopen(work_order=done, user=user_a)
    assert reopened.state == WorkOrderState.OPEN
    assert reopened.signed_off_by == "" and reopened.signed_off_at is None
    with pytest.raises(WorkOrderError):
        services.work_order_reopen(work_order=reopened, user=user_a)


@pytest.mark.django_db
def test_never_reopened_or_edited_after_checked(org_a, user_a):
    invoiced = make_invoiced(org_a, user_a)
    with translation.override("en"), pytest.raises(WorkOrderError) as caught:
        services.work_order_reopen(work_order=invoiced, user=user_a)
    assert "once checked" in _messages(caught)
    invoiced.description = "Iets anders"
    with translation.override("en"), pytest.raises(WorkOrderError) as caught:
        services.work_order_save(work_order=invoiced, organization=org_a, lines=[hours("99")])
    assert "can no longer be changed" in _messages(caught)
    invoiced.refresh_from_db()
    assert invoiced.description == "Kozijnen schilderen"
    assert [line.quantity for line in invoiced.lines.all()] == [4]


@pytest.mark.django_db
def test_checking_twice_makes_no_second_invoice(org_a, user_a):
    done = make_done(org_a, user_a)
    services.work_order_mark_checked(work_order=done, user=user_a)
    with translation.override("en"), pytest.raises(WorkOrderError) as caught:
        services.work_order_mark_checked(work_order=done, user=user_a)
    assert "already been checked" in _messages(caught)
    again = services.work_order_create_invoice(work_order=done, user=user_a)
    assert again.invoice.pk == SalesInvoice.objects.get().pk


@pytest.mark.django_db
def test_one_invoice_per_work_order_is_a_database_rule(org_a, user_a):
    first = make_invoiced(org_a, user_a)
    second = make_done(org_a, user_a, customer=first.customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.filter(pk=second.pk).update(invoice=first.invoice)


@pytest.mark.django_db
def test_checking_needs_lines(org_a, user_a):
    work_order = make_work_order(org_a, lines=[])
    done = services.work_order_mark_done(work_order=work_order, signed_off_by="X", user=user_a)
    with translation.override("en"), pytest.raises(WorkOrderError) as caught:
        services.work_order_mark_checked(work_order=done, user=user_a)
    assert "without lines" in _messages(caught)
    done.refresh_from_db()
    assert done.state == WorkOrderState.DONE


@pytest.mark.django_db
def test_lines_can_be_edited_while_done(org_a, user_a):
    done = make_done(org_a, user_a)
    services.work_order_save(work_order=done, organization=org_a, lines=[hours("5"), hours("1")])
    done.refresh_from_db()
    assert done.state == WorkOrderState.DONE and done.lines.count() == 2


@pytest.mark.django_db
def test_only_members_can_be_assigned(org_a, user_b, org_b):
    with translation.override("en"), pytest.raises(WorkOrderError) as caught:
        make_work_order(org_a, assigned_to=user_b)
    assert "member of your organization" in _messages(caught)
    assert not WorkOrder.objects.filter(organization=org_a).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_make_exactly_one_invoice(org_a, user_a):
    done = make_done(org_a, user_a)
    barrier = threading.Barrier(2)
    results = []

    def check():
        try:
            barrier.wait(timeout=10)
            outcome = services.work_order_mark_checked(work_order=done, user=user_a)
            results.append(("ok", outcome.invoice.pk))
        except WorkOrderError as error:
            results.append(("refused", error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _value in results) == ["ok", "refused"]
    assert SalesInvoice.objects.count() == 1
    done.refresh_from_db()
    assert done.state == WorkOrderState.CHECKED and done.invoice is not None


@pytest.mark.django_db
def test_saving_an_older_copy_keeps_a_sign_off_made_meanwhile(org_a, user_a):
    work_order = make_work_order(org_a)
    older_copy = WorkOrder.objects.get(pk=work_order.pk)
    services.work_order_mark_done(work_order=work_order, signed_off_by="P. Klant", user=user_a)
    older_copy.notes = "Hond aanwezig"
    services.work_order_save(work_order=older_copy, organization=org_a, lines=[hours("5")])
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.DONE and work_order.signed_off_by == "P. Klant"
    assert work_order.notes == "Hond aanwezig"


@pytest.mark.django_db
def test_the_service_refuses_a_date_outside_the_bookkeeping_years(org_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        make_work_order(org_a, planned_date=datetime.date(1900, 5, 1))
    assert "planned_date" in caught.value.message_dict
    assert not WorkOrder.objects.exists()

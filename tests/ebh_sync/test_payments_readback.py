"""Payments read back from e-Boekhouden: GetOpenPosten in the sandbox (over real HTTP), one
call per connection per run under the lease, paid and partly paid invoices with their source,
no payment counted twice, differences listed and never applied, failures in Foutmeldingen."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from connections.services import connection_session
from ebh_sync import demo, payments, selectors, tasks
from ebh_sync.engine import lease_claim, lease_release
from ebh_sync.models import PaymentDifference, PaymentRun, SyncJob
from ebh_sync.services import payments_start
from invoicing import services as invoicing
from invoicing.history import invoice_history
from invoicing.models import InvoiceStatus, Payment
from invoicing.services import PurchaseData, PurchaseLineData
from tests.ebh_sync.conftest import connect
from tests.invoicing.factories import line, make_draft, make_sent, make_supplier

pytestmark = pytest.mark.django_db


def finalize(capture, invoice, user):
    with capture(execute=True):
        return invoicing.invoice_finalize(invoice=invoice, send_email=False, user=user)


@pytest.fixture
def booked(linked, org_a, user_a, customer, django_capture_on_commit_callbacks):
    """Finalize (and so book) an invoice of 121.00 (or of the lines given)."""
    def make(lines=None):
        draft = make_draft(org_a, customer=customer, lines=lines)
        invoice = finalize(django_capture_on_commit_callbacks, draft, user_a)
        assert SyncJob.objects.get(sales_invoice=invoice).state == SyncJob.State.BOOKED
        return invoice
    return make


@pytest.fixture
def fetch(linked, user_a, django_capture_on_commit_callbacks):
    """One read-back run of the connection, as "Betalingen ophalen" starts it."""
    def run() -> PaymentRun:
        with django_capture_on_commit_callbacks(execute=True):
            started = payments_start(connection=linked.connection,
                                     trigger=PaymentRun.Trigger.MANUAL, user=user_a)
        return PaymentRun.objects.get(pk=started.pk)
    return run


def refreshed(invoice):
    invoice.refresh_from_db()
    return invoice


# --- the sandbox and the client --------------------------------------------------------------


def test_open_items_follow_partial_and_full_payments_over_http(linked, booked):
    first, second = booked(), booked([line("Advies", "2", "50.00")])
    linked.sandbox.pay_invoice(linked.guid, first.number, Decimal("21.00"))
    with connection_session(connection=linked.connection) as (client, session):
        items = {item.invoice_number: item for item in client.get_open_posten(session)}
    assert set(items) == {first.number, second.number}
    assert (items[first.number].amount, items[first.number].paid,
            items[first.number].open_amount) == (Decimal("121.00"), Decimal("21.00"),
                                                 Decimal("100.00"))
    assert items[second.number].open_amount == Decimal("121.00")
    assert items[first.number].relation_code == first.customer.code
    assert isinstance(items[first.number].date, datetime.date)

    linked.sandbox.pay_invoice(linked.guid, first.number)  # the rest
    with connection_session(connection=linked.connection) as (client, session):
        numbers = [item.invoice_number for item in client.get_open_posten(session)]
    assert numbers == [second.number]
    kinds = [m["soort"] for m in linked.mutations() if m["factuurnummer"] == first.number]
    assert kinds == ["FactuurVerstuurd", "FactuurbetalingOntvangen", "FactuurbetalingOntvangen"]


def test_creditor_open_items_and_purchase_payments(
    linked, org_a, user_a, django_capture_on_commit_callbacks
):
    supplier = make_supplier(org_a, name="Groothandel Verf")
    data = PurchaseData(
        supplier=supplier, supplier_invoice_number="INK-77",
        invoice_date=datetime.date(2026, 3, 4), due_date=datetime.date(2026, 4, 3),
        lines=[PurchaseLineData(description="Verf", vat_rate="21", net_amount=Decimal("200.00"))])
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.purchase_invoice_register(organization=org_a, data=data, attachment=None,
                                            user=user_a)
    linked.sandbox.pay_invoice(linked.guid, "INK-77", "42.00", purchase=True)
    with connection_session(connection=linked.connection) as (client, session):
        [item] = client.get_open_posten(session, "Crediteuren")
        debtors = client.get_open_posten(session, "Debiteuren")
    assert (item.invoice_number, item.amount, item.open_amount) == (
        "INK-77", Decimal("242.00"), Decimal("200.00"))
    assert debtors == []


# --- a run -----------------------------------------------------------------------------------


def test_run_marks_paid_and_partly_paid_with_one_open_items_call(
    linked, booked, fetch, client_a
):
    paid, partly, untouched = booked(), booked(), booked()
    linked.sandbox.pay_invoice(linked.guid, paid.number)
    linked.sandbox.pay_invoice(linked.guid, partly.number, "50.00")
    calls_before = linked.calls("GetOpenPosten")

    run = fetch()

    assert run.state == PaymentRun.State.DONE
    assert (run.paid, run.partly_paid, run.differences, run.checked) == (1, 1, 0, 3)
    assert linked.calls("GetOpenPosten") == calls_before + 1  # one call, not one per invoice
    assert run.calls["GetOpenPosten"] == 1
    assert refreshed(paid).status == InvoiceStatus.PAID
    assert refreshed(partly).status == InvoiceStatus.SENT
    assert partly.amount_paid == Decimal("50.00")
    assert partly.display_status() in ("partly_paid", "overdue")
    assert refreshed(untouched).amount_paid == 0
    payment = Payment.objects.get(invoice=paid)
    assert (payment.source, payment.amount) == (Payment.Source.EBH, Decimal("121.00"))
    assert payment.date == timezone.localdate() and payment.seen_at is not None
    assert any("via e-Boekhouden" in text for text in [
        entry.text for entry in invoice_history(paid)])
    page = client_a.get(reverse("invoicing:invoice_detail", args=[paid.pk])).content.decode()
    assert 'data-testid="payment-source"' in page and "via e-Boekhouden" in page


def test_a_second_run_records_nothing_new(linked, booked, fetch):
    invoice = booked()
    linked.sandbox.pay_invoice(linked.guid, invoice.number, "21.00")
    fetch()
    second = fetch()
    assert second.state == PaymentRun.State.DONE
    assert (second.paid, second.partly_paid) == (0, 0)
    assert list(Payment.objects.filter(invoice=invoice).values_list("amount", flat=True)) == [
        Decimal("21.00")]


def test_manual_payment_is_not_counted_twice(linked, booked, fetch, user_a):
    invoice = booked()
    invoicing.payment_register(invoice=invoice, amount=Decimal("21.00"),
                               date=datetime.date(2026, 3, 10), user=user_a)
    linked.sandbox.pay_invoice(linked.guid, invoice.number, "21.00")  # the same payment
    fetch()
    assert refreshed(invoice).amount_paid == Decimal("21.00")
    assert Payment.objects.filter(invoice=invoice).count() == 1

    linked.sandbox.pay_invoice(linked.guid, invoice.number)  # the remaining 100.00
    run = fetch()
    assert run.paid == 1
    assert refreshed(invoice).status == InvoiceStatus.PAID
    sources = sorted(Payment.objects.filter(invoice=invoice).values_list("source", "amount"))
    assert sources == [("ebh", Decimal("100.00")), ("manual", Decimal("21.00"))]


def test_lease_held_means_nothing_is_done_until_it_is_free(linked, booked, fetch):
    invoice = booked()
    linked.sandbox.pay_invoice(linked.guid, invoice.number)
    calls_before = linked.calls("GetOpenPosten")
    assert lease_claim(linked.connection.pk, "someone-else")
    try:
        run = fetch()
    finally:
        lease_release(linked.connection.pk, "someone-else")
    assert (run.state, run.waits) == (PaymentRun.State.QUEUED, 1)
    assert linked.calls("GetOpenPosten") == calls_before
    assert refreshed(invoice).status == InvoiceStatus.SENT

    tasks.payments_task(run.pk)  # its retry, once the lease is free
    run.refresh_from_db()
    assert run.state == PaymentRun.State.DONE
    assert refreshed(invoice).status == InvoiceStatus.PAID


def test_more_paid_than_the_total_is_listed_not_applied(linked, booked, fetch, client_a):
    invoice = booked()
    linked.sandbox.pay_invoice(linked.guid, invoice.number, "200.00")
    run = fetch()
    assert run.differences == 1
    assert refreshed(invoice).amount_paid == 0 and invoice.status == InvoiceStatus.SENT
    difference = PaymentDifference.objects.get(invoice=invoice)
    assert difference.kind == PaymentDifference.Kind.OVERPAID
    assert difference.open_amount == Decimal("-79.00")
    page = client_a.get(reverse("ebh_sync:payments")).content.decode()
    assert '<span data-testid="difference-count">1</span>' in page and invoice.number in page
    detail = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content
    assert b'badge-warning' in detail and reverse("ebh_sync:payments").encode() in detail
    fetch()  # seen again: still one row
    assert PaymentDifference.objects.filter(invoice=invoice, resolved_at__isnull=True).count() == 1

    linked.sandbox.pay_invoice(linked.guid, invoice.number, "-79.00")  # a refund, as matched
    fetch()
    assert not PaymentDifference.objects.filter(invoice=invoice, resolved_at__isnull=True)
    assert refreshed(invoice).status == InvoiceStatus.PAID


def test_total_paid_there_counts_what_was_registered_here(linked, booked, fetch, user_a):
    invoice = booked()
    invoicing.payment_register(invoice=invoice, amount=Decimal("100.00"),
                               date=datetime.date(2026, 3, 10), user=user_a)
    linked.sandbox.pay_invoice(linked.guid, invoice.number)  # paid in full there
    fetch()
    assert refreshed(invoice).status == InvoiceStatus.PAID
    assert Payment.objects.get(invoice=invoice, source="ebh").amount == Decimal("21.00")


def test_invoice_gone_from_open_items_and_mutations_is_listed(
    linked, org_a, user_a, customer, fetch, client_a
):
    # Booked here (the user confirmed it), but e-Boekhouden holds no such booking.
    invoice = make_sent(org_a, user_a, customer=customer)  # on-commit task never runs
    SyncJob.objects.filter(sales_invoice=invoice).update(
        state=SyncJob.State.BOOKED, mutation_number=9999, booked_at=timezone.now())
    calls_before = linked.calls("GetMutaties")
    run = fetch()
    assert run.differences == 1
    assert linked.calls("GetMutaties") == calls_before + 1
    difference = PaymentDifference.objects.get(invoice=invoice)
    assert difference.kind == PaymentDifference.Kind.VANISHED
    assert refreshed(invoice).status == InvoiceStatus.SENT
    assert not Payment.objects.filter(invoice=invoice).exists()
    page = client_a.get(reverse("ebh_sync:payments")).content.decode()
    assert 'data-kind="vanished"' in page and invoice.number in page


def test_credited_invoices_and_credit_notes_are_skipped(
    linked, booked, fetch, user_a, django_capture_on_commit_callbacks
):
    invoice = booked()
    credit = invoicing.credit_note_create(invoice=invoice, user=user_a)
    credit = finalize(django_capture_on_commit_callbacks, credit, user_a)
    run = fetch()
    assert run.checked == 0 and run.differences == 0
    assert refreshed(invoice).status == InvoiceStatus.CREDITED
    assert not Payment.objects.exists()


def test_failure_shows_in_foutmeldingen_and_can_be_retried(
    linked, booked, fetch, client_a, django_capture_on_commit_callbacks
):
    invoice = booked()
    linked.sandbox.pay_invoice(linked.guid, invoice.number)
    linked.sandbox.set_faults(http500_rate=1.0, operations=["GetOpenPosten"], seed=1)
    run = fetch()
    linked.sandbox.set_faults()
    assert run.state == PaymentRun.State.FAILED and run.error_code == "server_error"
    assert refreshed(invoice).status == InvoiceStatus.SENT
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert 'data-testid="payment-failures"' in page and "server_error" in page
    assert selectors.error_count(invoice.organization) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("ebh_sync:payments_fetch"))  # the Retry button
    assert response.status_code == 302
    assert refreshed(invoice).status == InvoiceStatus.PAID
    page = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert 'data-testid="payment-failures"' not in page


def test_daily_task_reads_back_every_connection(
    linked, booked, django_capture_on_commit_callbacks
):
    invoice = booked()
    linked.sandbox.pay_invoice(linked.guid, invoice.number)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.periodic_payments_task() == 1
    assert PaymentRun.objects.get().trigger == PaymentRun.Trigger.DAILY
    assert refreshed(invoice).status == InvoiceStatus.PAID


def test_beat_runs_the_read_back_daily(settings):
    tasks_scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "ebh_sync.tasks.periodic_payments_task" in tasks_scheduled


# --- pages -----------------------------------------------------------------------------------


def test_fetch_button_needs_csrf(linked, user_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_a)
    assert client.post(reverse("ebh_sync:payments_fetch")).status_code == 403
    assert not PaymentRun.objects.exists()


def test_fetch_without_connection_says_so(client_b):
    response = client_b.post(reverse("ebh_sync:payments_fetch"), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not PaymentRun.objects.exists()


def test_other_organization_sees_none_of_the_differences(linked, booked, fetch, client_b):
    invoice = booked()
    linked.sandbox.pay_invoice(linked.guid, invoice.number, "200.00")
    fetch()
    page = client_b.get(reverse("ebh_sync:payments")).content.decode()
    assert invoice.number not in page
    assert '<span data-testid="difference-count">0</span>' in page
    assert payments.open_differences(invoice.organization).count() == 1


# --- make run --------------------------------------------------------------------------------


def test_demo_books_and_pays_one_invoice_in_the_sandbox(
    ebh, org_a, user_a, customer, settings, tmp_path, monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.EBH_SYNC_BACKOFF_BASE_SECONDS = 0
    invoices = [make_sent(org_a, user_a, customer=customer) for _ in range(2)]  # not linked yet
    linked_now = connect(org_a, ebh)
    account_file = tmp_path / "account.json"
    account_file.write_text(json.dumps(linked_now.account) + "\n")
    monkeypatch.setenv("EBH_DEMO_SANDBOX_URL", ebh.url)
    monkeypatch.setenv("EBH_DEMO_ACCOUNT_FILE", str(account_file))

    summary = demo.load(org_a)

    assert f"{invoices[0].number} paid in the sandbox" in summary
    assert demo.load(org_a) == "bookings already queued or made"
    with django_capture_on_commit_callbacks(execute=True):
        run = payments_start(connection=linked_now.connection,
                             trigger=PaymentRun.Trigger.MANUAL)
    run.refresh_from_db()
    assert (run.paid, run.partly_paid) == (1, 0)
    assert refreshed(invoices[0]).status == InvoiceStatus.PAID
    assert refreshed(invoices[1]).status == InvoiceStatus.SENT

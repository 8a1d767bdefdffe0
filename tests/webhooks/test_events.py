"""Each event is fired once, from where it happens: a finalize through the invoicing
services, a payment by hand or read back from e-Boekhouden, a booking made (or refused) in
the sandbox over real HTTP."""

import datetime
import json
from decimal import Decimal

import pytest

from connections import services as connection_services
from ebh_sync.engine import drain_connection
from ebh_sync.models import PaymentRun, SyncJob
from ebh_sync.services import job_mark_booked, payments_start
from invoicing import services as invoicing
from tests.ebh_sync.conftest import connect
from tests.ebh_sync.test_faults import RefusingClient
from tests.invoicing.factories import line, make_customer, make_draft
from tests.webhooks.conftest import make_endpoint

pytestmark = pytest.mark.django_db


def events(receiver) -> list[dict]:
    return [json.loads(request.body) for request in receiver.requests]


def finalize(capture, invoice, user):
    with capture(execute=True):
        return invoicing.invoice_finalize(invoice=invoice, send_email=False, user=user)


def test_finalize_fires_invoice_finalized_once(org_a, user_a, receiver,
                                               django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url, events=["invoice.finalized", "invoice.paid"])
    draft = make_draft(org_a, lines=[line("Advies", "3", "33.333")])
    invoice = finalize(django_capture_on_commit_callbacks, draft, user_a)

    [event] = events(receiver)
    assert event["event"] == "invoice.finalized"
    data = event["data"]["invoice"]
    assert (data["id"], data["number"], data["status"]) == (invoice.pk, invoice.number, "sent")
    # 3 x 33.333 = 100.00 (rounded per line), 21 % VAT: amounts as strings, two decimals.
    assert (data["net_total"], data["vat_total"], data["gross_total"]) == (
        "100.00", "21.00", "121.00")
    assert (data["amount_paid"], data["amount_open"]) == ("0.00", "121.00")
    assert data["customer"] == invoice.buyer["name"]
    assert data["issue_date"] == "2026-03-02" and data["due_date"] == "2026-03-16"


def test_a_failed_finalize_sends_nothing(org_a, user_a, receiver,
                                         django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url)
    draft = make_draft(org_a)
    finalize(django_capture_on_commit_callbacks, draft, user_a)
    with pytest.raises(invoicing.InvoicingError):
        finalize(django_capture_on_commit_callbacks, draft, user_a)  # already finalized
    assert [event["event"] for event in events(receiver)] == ["invoice.finalized"]


def test_paid_in_full_by_hand_fires_invoice_paid_once(org_a, user_a, receiver,
                                                      django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url, events=["invoice.paid"])
    invoice = finalize(django_capture_on_commit_callbacks, make_draft(org_a), user_a)
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.payment_register(invoice=invoice, amount=Decimal("21.00"),
                                   date=datetime.date(2026, 3, 10), user=user_a)
    assert events(receiver) == []  # partly paid: not yet
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.payment_register(invoice=invoice, amount=Decimal("100"),
                                   date=datetime.date(2026, 3, 11), user=user_a)
    [event] = events(receiver)
    assert event["event"] == "invoice.paid"
    assert (event["data"]["invoice"]["status"], event["data"]["invoice"]["amount_paid"],
            event["data"]["invoice"]["amount_open"]) == ("paid", "121.00", "0.00")


@pytest.fixture
def linked(org_a, ebh, settings):
    settings.EBH_SYNC_BACKOFF_BASE_SECONDS = 0
    return connect(org_a, ebh)


def test_a_booking_in_e_boekhouden_fires_booking_booked(linked, org_a, user_a, receiver,
                                                        django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url, events=["booking.booked", "booking.failed"])
    invoice = finalize(django_capture_on_commit_callbacks, make_draft(org_a), user_a)
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert job.state == SyncJob.State.BOOKED

    [event] = events(receiver)
    assert event["event"] == "booking.booked"
    booking = event["data"]["booking"]
    assert (booking["id"], booking["state"], booking["mutation_number"]) == (
        job.pk, "booked", job.mutation_number)
    assert booking["mutation_number"] == linked.mutations()[0]["nr"]
    assert booking["document"] == {"kind": "sales", "id": invoice.pk,
                                   "invoice_number": invoice.number, "invoice_date": "2026-03-02"}
    assert event["data"]["invoice"]["gross_total"] == "121.00"


def test_a_refused_booking_fires_booking_failed_with_the_reason(
        linked, org_a, user_a, receiver, django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url, events=["booking.booked", "booking.failed"])
    invoice = invoicing.invoice_finalize(invoice=make_draft(org_a), send_email=False, user=user_a)
    with django_capture_on_commit_callbacks(execute=True):
        drain_connection(linked.connection.pk,
                         client=RefusingClient(invoice_number=invoice.number))
    [event] = events(receiver)
    assert event["event"] == "booking.failed"
    booking = event["data"]["booking"]
    assert (booking["state"], booking["error_code"], booking["mutation_number"]) == (
        "failed", "CMUT031", None)
    assert booking["error"] == "Omschrijving is langer dan 200 tekens"


def test_refused_credentials_fire_booking_failed_then_booked_once_fixed(
        linked, org_a, user_a, receiver, django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url, events=["booking.booked", "booking.failed"])
    invoice = invoicing.invoice_finalize(invoice=make_draft(org_a), send_email=False, user=user_a)
    new_code = linked.sandbox.change_password(linked.account["username"])
    with django_capture_on_commit_callbacks(execute=True):
        drain_connection(linked.connection.pk)
    [paused] = events(receiver)
    assert (paused["event"], paused["data"]["booking"]["state"]) == ("booking.failed", "paused")
    assert paused["data"]["booking"]["error"]
    assert paused["data"]["invoice"]["number"] == invoice.number

    with django_capture_on_commit_callbacks(execute=True):
        connection_services.connection_update_security_code_1(
            connection=linked.connection, security_code_1=new_code)
    assert [event["event"] for event in events(receiver)] == ["booking.failed", "booking.booked"]


def test_a_decision_by_hand_fires_booking_booked(linked, org_a, user_a, receiver,
                                                 django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url, events=["booking.booked"])
    invoice = invoicing.invoice_finalize(invoice=make_draft(org_a), send_email=False, user=user_a)
    job = SyncJob.objects.get(sales_invoice=invoice)
    SyncJob.objects.filter(pk=job.pk).update(state=SyncJob.State.DOUBT)
    with django_capture_on_commit_callbacks(execute=True):
        job_mark_booked(organization=org_a, job_id=job.pk, user=user_a, mutation_number=4711)
    [event] = events(receiver)
    assert (event["event"], event["data"]["booking"]["mutation_number"]) == (
        "booking.booked", 4711)


def test_a_payment_read_back_from_e_boekhouden_fires_invoice_paid(
        linked, org_a, user_a, receiver, django_capture_on_commit_callbacks):
    customer = make_customer(org_a, name="Bakkerij Brood & Zo", kvk_number="11223344")
    invoice = finalize(django_capture_on_commit_callbacks, make_draft(org_a, customer=customer),
                       user_a)
    make_endpoint(org_a, receiver.url, events=["invoice.paid"])
    linked.sandbox.pay_invoice(linked.guid, invoice.number)
    with django_capture_on_commit_callbacks(execute=True):
        run = payments_start(connection=linked.connection, trigger=PaymentRun.Trigger.MANUAL,
                             user=user_a)
    assert PaymentRun.objects.get(pk=run.pk).state == PaymentRun.State.DONE
    [event] = events(receiver)
    assert event["event"] == "invoice.paid"
    assert (event["data"]["invoice"]["number"], event["data"]["invoice"]["amount_paid"]) == (
        invoice.number, "121.00")

"""Deliveries: a row before a task, signed, retried with backoff for a day, then failed;
redirects not followed, answers read only up to a cap, lost tasks picked up by the sweeper."""

import datetime
import io
import json
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import transaction

from config import celery_app
from tests.webhooks.conftest import make_endpoint
from tests.webhooks.receiver import signature_valid
from webhooks import engine, services, tasks
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

EVENT_DATA = {"invoice": {"number": "2026-0001", "gross_total": "121.00"}}


def emit(organization, capture, event="invoice.paid"):
    with capture(execute=True):
        return services.event_emit(organization_id=organization.pk, event=event,
                                   data=lambda: EVENT_DATA)


def test_a_delivery_arrives_signed_with_its_id(org_a, receiver, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(org_a, receiver.url)
    [delivery] = emit(org_a, django_capture_on_commit_callbacks)

    [received] = receiver.requests
    assert received.path == "/hooks/facturen?source=test"
    assert received.headers["X-Facturen-Delivery"] == str(delivery.uuid)
    assert received.headers["X-Facturen-Event"] == "invoice.paid"
    assert received.headers["Content-Type"] == "application/json"
    secret = services.endpoint_secret(endpoint=endpoint)
    assert secret.startswith("whsec_") and signature_valid(received, secret)
    assert not signature_valid(received, secret + "x")
    body = json.loads(received.body)
    assert body["event"] == "invoice.paid" and body["data"] == EVENT_DATA
    assert body["organization"] == {"id": org_a.pk, "name": org_a.name}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (Delivery.State.DELIVERED, 1)
    [attempt] = delivery.attempts_made.all()
    assert (attempt.status_code, attempt.excerpt, attempt.error) == (200, "ok", "")


def test_a_signature_does_not_fit_a_changed_body(org_a, receiver,
                                                 django_capture_on_commit_callbacks):
    endpoint = make_endpoint(org_a, receiver.url)
    emit(org_a, django_capture_on_commit_callbacks)
    [received] = receiver.requests
    received.body = received.body.replace(b"121.00", b"1.00")
    assert not signature_valid(received, services.endpoint_secret(endpoint=endpoint))


def test_the_row_exists_before_the_task_and_a_rollback_leaves_none(org_a, receiver,
                                                                   django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url)
    with django_capture_on_commit_callbacks() as published:
        [delivery] = services.event_emit(organization_id=org_a.pk, event="invoice.paid",
                                         data=lambda: EVENT_DATA)
    # Written, not yet sent: the task is published only once the transaction commits.
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.PENDING
    assert len(published) == 1 and receiver.requests == []

    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        services.event_emit(organization_id=org_a.pk, event="invoice.paid",
                            data=lambda: EVENT_DATA)
        raise RuntimeError("the event's own transaction fails")
    assert Delivery.objects.count() == 1 and receiver.requests == []


def test_only_active_endpoints_that_chose_the_event_get_it(org_a, org_b, receiver,
                                                           django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url, events=["invoice.finalized"])
    make_endpoint(org_a, receiver.url, active=False)
    make_endpoint(org_b, receiver.url)
    assert emit(org_a, django_capture_on_commit_callbacks) == []
    assert receiver.requests == []


def test_a_500_is_retried_with_growing_backoff(org_a, receiver, settings,
                                               django_capture_on_commit_callbacks):
    settings.WEBHOOKS_BACKOFF_BASE_SECONDS = 60
    make_endpoint(org_a, receiver.url)
    receiver.answers = [(500, b"database down", {})] * 3
    [delivery] = emit(org_a, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    first_at = delivery.attempts_made.get().at
    assert (delivery.state, delivery.attempts) == (Delivery.State.PENDING, 1)
    assert delivery.next_attempt_at == first_at + engine.backoff_delay(1)

    tasks.deliver_task(delivery.pk)  # not due yet: nothing is sent
    assert len(receiver.requests) == 1

    engine.deliver(delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    second_at = delivery.attempts_made.first().at
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == second_at + engine.backoff_delay(2)

    engine.deliver(delivery.pk, now=delivery.next_attempt_at)
    engine.deliver(delivery.pk, now=Delivery.objects.get(pk=delivery.pk).next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (Delivery.State.DELIVERED, 4)
    assert len(receiver.requests) == 4
    # Every attempt carries the same delivery id (the receiver's idempotency key).
    assert {r.headers["X-Facturen-Delivery"] for r in receiver.requests} == {str(delivery.uuid)}
    codes = [a.status_code for a in delivery.attempts_made.order_by("at")]
    assert codes == [500, 500, 500, 200]
    assert delivery.attempts_made.order_by("at").first().excerpt == "database down"


def test_it_gives_up_after_a_day(org_a, receiver, settings, django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url)
    receiver.answers = [(503, b"", {})] * 100
    [delivery] = emit(org_a, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    day_ends = delivery.window_started_at + datetime.timedelta(days=1)
    while delivery.state == Delivery.State.PENDING:
        engine.deliver(delivery.pk, now=delivery.next_attempt_at)
        delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    # The attempts keep to the backoff schedule exactly and stop at the last one the day holds:
    # at once, then after 1, 2, 4 ... 128 minutes, then every 3 hours.
    times = list(delivery.attempts_made.order_by("at").values_list("at", flat=True))
    schedule = [times[0]]
    while (following := schedule[-1] + engine.backoff_delay(len(schedule))) <= day_ends:
        schedule.append(following)
    assert times == schedule
    assert delivery.attempts == 15 and len(receiver.requests) == 15


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.WEBHOOKS_BACKOFF_BASE_SECONDS = 60
    settings.WEBHOOKS_BACKOFF_MAX_SECONDS = 3 * 60 * 60
    minutes = [int(engine.backoff_delay(n).total_seconds()) // 60 for n in range(1, 11)]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 180, 180]


def test_a_failed_delivery_is_sent_again_with_the_same_id(org_a, receiver, settings,
                                                          django_capture_on_commit_callbacks):
    settings.WEBHOOKS_RETRY_WINDOW_SECONDS = 0  # the first failure is final
    make_endpoint(org_a, receiver.url)
    receiver.answers = [(500, b"", {})]
    [delivery] = emit(org_a, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (Delivery.State.DELIVERED, 2)
    assert [r.body for r in receiver.requests][0] == receiver.requests[1].body
    with pytest.raises(services.WebhookError):
        services.delivery_resend(delivery=delivery)


def test_a_redirect_is_not_followed(org_a, receiver, settings,
                                    django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url)
    receiver.answers = [(302, b"", {"Location": receiver.url.replace("/hooks", "/elsewhere")})]
    [delivery] = emit(org_a, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert len(receiver.requests) == 1  # the redirect's target was never asked
    assert delivery.state == Delivery.State.PENDING
    assert delivery.attempts_made.get().status_code == 302


def test_a_huge_answer_is_read_only_up_to_the_cap(org_a, receiver, settings,
                                                  django_capture_on_commit_callbacks):
    settings.WEBHOOKS_RESPONSE_READ_BYTES = 64
    make_endpoint(org_a, receiver.url)
    receiver.answers = [(200, b"A" * 5_000_000, {})]
    [delivery] = emit(org_a, django_capture_on_commit_callbacks)
    attempt = Delivery.objects.get(pk=delivery.pk).attempts_made.get()
    assert attempt.status_code == 200 and attempt.excerpt == "A" * 64


def test_no_answer_is_an_error_and_retried(org_a, settings, django_capture_on_commit_callbacks):
    # A port nobody listens on: the connection is refused.
    make_endpoint(org_a, "http://127.0.0.1:9/hook")
    [delivery] = emit(org_a, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    attempt = delivery.attempts_made.get()
    assert delivery.state == Delivery.State.PENDING
    assert attempt.status_code is None and attempt.error


def test_the_sweeper_sends_what_a_lost_task_left(org_a, receiver, settings,
                                                 django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url)
    with django_capture_on_commit_callbacks():  # the task is never published
        [delivery] = services.event_emit(organization_id=org_a.pk, event="invoice.paid",
                                         data=lambda: EVENT_DATA)
    assert tasks.sweep_deliveries_task() == 0  # within the grace period: its task may come
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=delivery.next_attempt_at - datetime.timedelta(minutes=5))
    assert tasks.sweep_deliveries_task() == 1
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.DELIVERED
    assert len(receiver.requests) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_again(
        org_a, receiver, django_capture_on_commit_callbacks):
    make_endpoint(org_a, receiver.url)
    with django_capture_on_commit_callbacks():
        [delivery] = services.event_emit(organization_id=org_a.pk, event="invoice.paid",
                                         data=lambda: EVENT_DATA)
    past = delivery.next_attempt_at - datetime.timedelta(minutes=10)
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.SENDING,
                                                   locked_until=past, next_attempt_at=past)
    assert engine.deliver(delivery.pk) is None  # another worker holds it: not sent twice
    assert tasks.sweep_deliveries_task() == 0  # recovered, due now, within the grace period
    assert engine.deliver(delivery.pk).state == Delivery.State.DELIVERED
    assert len(receiver.requests) == 1


def test_the_secret_reaches_no_log_and_no_message(org_a, receiver, caplog,
                                                  django_capture_on_commit_callbacks):
    endpoint = make_endpoint(org_a, receiver.url)
    secret = services.endpoint_secret(endpoint=endpoint)
    with caplog.at_level(logging.DEBUG):
        [delivery] = emit(org_a, django_capture_on_commit_callbacks)
    assert "deliver_task" in caplog.text  # the worker's log lines were captured
    assert secret not in caplog.text
    assert secret not in delivery.body and secret not in str(receiver.requests[0].headers)
    assert secret not in endpoint.secret_encrypted


def test_secrets_follow_a_key_rotation(org_a, receiver, settings, credential_keys,
                                       django_capture_on_commit_callbacks):
    endpoint = make_endpoint(org_a, receiver.url)
    secret = services.endpoint_secret(endpoint=endpoint)
    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode(), *credential_keys]
    call_command("rotate_webhook_secrets", stdout=io.StringIO())
    settings.EBH_CREDENTIAL_KEYS = settings.EBH_CREDENTIAL_KEYS[:1]  # the old key retired
    endpoint.refresh_from_db()
    assert services.endpoint_secret(endpoint=endpoint) == secret
    emit(org_a, django_capture_on_commit_callbacks)
    assert signature_valid(receiver.requests[0], secret)


def test_beat_runs_the_sweeper_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["webhooks-sweep"]
    assert entry["task"] == tasks.sweep_deliveries_task.name and entry["schedule"] == 60.0
    assert entry["task"] in celery_app.tasks

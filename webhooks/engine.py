"""Sending one delivery: claim it (a conditional UPDATE, so two tasks for the same delivery
never both send), sign the stored body, POST it, record the attempt, and either mark it
delivered, put it back with exponential backoff, or give up once the retry window (a day)
has passed. ``now`` is a parameter so the clock of a retry is the delivery's own next
attempt, not a wall clock a test would have to wait for.

No database transaction is held open across the HTTP call."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from connections import crypto
from webhooks import signing, transport
from webhooks.models import Attempt, Delivery, Endpoint

SECRET_FIELD = "webhook_secret"  # noqa: S105 (the name the ciphertext is bound to)
USER_AGENT = "Facturen-Webhooks/1"


def endpoint_secret(endpoint: Endpoint) -> str:
    return crypto.decrypt(endpoint.secret_encrypted, organization_id=endpoint.organization_id,
                          field=SECRET_FIELD)


def backoff_delay(attempts: int) -> datetime.timedelta:
    """base * 2^(n-1) seconds after the n-th failed attempt, at most the cap."""
    base = settings.WEBHOOKS_BACKOFF_BASE_SECONDS
    seconds = min(settings.WEBHOOKS_BACKOFF_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return datetime.timedelta(seconds=seconds)


def _claim(delivery_id: int, now: datetime.datetime) -> Delivery | None:
    lease = now + datetime.timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    claimed = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=now,
    ).update(state=Delivery.State.SENDING, locked_until=lease)
    if not claimed:
        return None
    return Delivery.objects.select_related("endpoint").get(pk=delivery_id)


@sensitive_variables("secret")
def _headers(delivery: Delivery, secret: str, now: datetime.datetime) -> dict[str, str]:
    body = delivery.body.encode()
    return {
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        signing.SIGNATURE_HEADER: signing.signature_header(secret, int(now.timestamp()), body),
        signing.DELIVERY_HEADER: str(delivery.uuid), signing.EVENT_HEADER: delivery.event,
    }


@sensitive_variables("secret")
def _send(delivery: Delivery, now: datetime.datetime) -> transport.Answer:
    endpoint = delivery.endpoint
    if not endpoint.active:
        return transport.Answer(error=_("The webhook is switched off."))
    try:
        secret = endpoint_secret(endpoint)
    except crypto.CredentialDecryptError:
        return transport.Answer(error=_("The signing secret cannot be read; make a new one."))
    return transport.post(endpoint.url, delivery.body.encode(), _headers(delivery, secret, now))


def _outcome(delivery: Delivery, answer: transport.Answer, now: datetime.datetime) -> dict:
    attempts = delivery.attempts + 1
    if answer.ok:
        return {"state": Delivery.State.DELIVERED, "attempts": attempts, "delivered_at": now}
    retry_at = now + backoff_delay(attempts)
    window = datetime.timedelta(seconds=settings.WEBHOOKS_RETRY_WINDOW_SECONDS)
    if retry_at > delivery.window_started_at + window or not delivery.endpoint.active:
        return {"state": Delivery.State.FAILED, "attempts": attempts}
    return {"state": Delivery.State.PENDING, "attempts": attempts, "next_attempt_at": retry_at}


@transaction.atomic
def _record(delivery: Delivery, answer: transport.Answer, now: datetime.datetime) -> None:
    Attempt.objects.create(delivery=delivery, at=now, status_code=answer.status_code,
                           excerpt=answer.excerpt[:300], error=answer.error[:300])
    fields = _outcome(delivery, answer, now) | {"locked_until": None}
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)


def deliver(delivery_id: int, *, now: datetime.datetime | None = None) -> Delivery | None:
    """One attempt, if the delivery is due (None when it is not, or another task has it)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    _record(delivery, _send(delivery, now), now)
    return delivery


# --- the sweeper -----------------------------------------------------------------------------


def recover_orphans(now: datetime.datetime | None = None) -> int:
    """Deliveries left 'sending' by a worker that died: due again (the receiver may have had
    it already; the delivery id lets it tell)."""
    now = now or timezone.now()
    return Delivery.objects.filter(state=Delivery.State.SENDING, locked_until__lt=now).update(
        state=Delivery.State.PENDING, locked_until=None, next_attempt_at=now)


def overdue_ids(now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Due deliveries whose task should have run by now (it was lost, or never published)."""
    now = now or timezone.now()
    grace = datetime.timedelta(seconds=settings.WEBHOOKS_SWEEP_GRACE_SECONDS)
    return list(Delivery.objects.filter(state=Delivery.State.PENDING,
                                        next_attempt_at__lte=now - grace)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def prune(now: datetime.datetime | None = None) -> int:
    """Finished deliveries older than WEBHOOKS_KEEP_DAYS are forgotten."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    finished = Q(state=Delivery.State.DELIVERED) | Q(state=Delivery.State.FAILED)
    deleted, _rows = Delivery.objects.filter(finished, created_at__lt=cutoff).delete()
    return deleted

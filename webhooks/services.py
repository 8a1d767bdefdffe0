"""Webhook workflows: endpoints (create, change, delete, reveal the secret), events turned
into deliveries, a test ping, and sending a failed delivery again.

Every delivery is written in the transaction of its event and published to a worker only
once that commits; a broker that is down loses nothing (the sweeper publishes it later)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import Organization
from connections import crypto
from webhooks import addresses, engine, payloads, signing
from webhooks.models import PING, Delivery, Endpoint, Event
from webhooks.tasks import deliver_task

logger = logging.getLogger(__name__)


class WebhookError(Exception):
    """A user's change that cannot be made; the message says why, ``field`` what it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class EndpointData:
    url: str
    description: str
    events: list[str]
    active: bool = True


def _check(data: EndpointData) -> None:
    try:
        addresses.check(data.url)
    except addresses.UnsafeAddress as refused:
        raise WebhookError(str(refused), field="url") from None
    if not data.events or set(data.events) - set(Event.values):
        raise WebhookError(_("Choose at least one event."), field="events")


def _fill(endpoint: Endpoint, data: EndpointData) -> None:
    endpoint.url = data.url.strip()
    endpoint.description = data.description.strip()
    endpoint.events = [name for name in Event.values if name in data.events]
    endpoint.active = data.active


@transaction.atomic
def endpoint_create(*, organization: Organization, data: EndpointData, user) -> Endpoint:
    _check(data)
    endpoint = Endpoint(organization=organization, created_by=user)
    _fill(endpoint, data)
    endpoint.secret_encrypted = _encrypted(organization, signing.new_secret())
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint: Endpoint, data: EndpointData) -> Endpoint:
    _check(data)
    _fill(endpoint, data)
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint) -> None:
    endpoint.delete()


@transaction.atomic
def endpoint_new_secret(*, endpoint: Endpoint) -> Endpoint:
    """A new signing secret; the old one stops working at once."""
    endpoint.secret_encrypted = _encrypted(endpoint.organization, signing.new_secret())
    endpoint.save(update_fields=["secret_encrypted", "updated_at"])
    return endpoint


def endpoint_secret(*, endpoint: Endpoint) -> str:
    return engine.endpoint_secret(endpoint)


@sensitive_variables("secret")
def _encrypted(organization: Organization, secret: str) -> str:
    return crypto.encrypt(secret, organization_id=organization.pk, field=engine.SECRET_FIELD)


# --- deliveries ------------------------------------------------------------------------------


def publish(delivery_id: int) -> None:
    """Hand the delivery to a worker once the transaction commits."""
    transaction.on_commit(lambda: _publish_now(delivery_id))


def _publish_now(delivery_id: int) -> None:
    try:
        deliver_task.delay(delivery_id)
    except Exception:  # noqa: BLE001 (any broker failure; the sweeper is the fallback)
        logger.warning("could not publish webhook delivery %s", delivery_id)


def _create(endpoint: Endpoint, event: str, body: str) -> Delivery:
    delivery = Delivery.objects.create(organization_id=endpoint.organization_id,
                                       endpoint=endpoint, event=event, body=body)
    publish(delivery.pk)
    return delivery


@transaction.atomic
def event_emit(*, organization_id: int, event: str,
               data: Callable[[], dict]) -> list[Delivery]:
    """One delivery per active endpoint of the organization that wants this event; ``data``
    is called only when there is one."""
    endpoints = [endpoint for endpoint in
                 Endpoint.objects.filter(organization_id=organization_id, active=True)
                 if event in endpoint.events]
    if not endpoints:
        return []
    organization = Organization.objects.get(pk=organization_id)
    body = payloads.envelope(event=event, organization=organization, data=data())
    return [_create(endpoint, event, body) for endpoint in endpoints]


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint) -> Delivery:
    """"Send a test": a ping to this endpoint alone, whatever events it has chosen."""
    body = payloads.envelope(event=PING, organization=endpoint.organization,
                             data={"message": "Test from Facturen"})
    return _create(endpoint, PING, body)


@transaction.atomic
def delivery_resend(*, delivery: Delivery) -> Delivery:
    """A failed delivery, sent again with the same id and body and a new day of retries."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != Delivery.State.FAILED:
        raise WebhookError(_("Only a failed delivery can be sent again."))
    now = timezone.now()
    delivery.state, delivery.next_attempt_at, delivery.window_started_at = (
        Delivery.State.PENDING, now, now)
    delivery.save(update_fields=["state", "next_attempt_at", "window_started_at"])
    publish(delivery.pk)
    return delivery

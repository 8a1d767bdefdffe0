"""Webhook endpoints of an organization and the deliveries made to them.

A delivery is a row before it is a task (the outbox): it is written in the transaction of
the event it tells about, and the task that sends it takes its id once that commits."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import OrganizationOwnedModel


class Event(models.TextChoices):
    INVOICE_FINALIZED = "invoice.finalized", _("An invoice or credit note was finalized")
    INVOICE_PAID = "invoice.paid", _("An invoice was paid in full")
    BOOKING_BOOKED = "booking.booked", _("A document was booked in e-Boekhouden")
    BOOKING_FAILED = "booking.failed", _("A booking failed or needs a decision")


# "Send a test": a delivery of its own kind, never something an endpoint subscribes to.
PING = "ping"


class Endpoint(OrganizationOwnedModel):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=100, blank=True)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    # The signing secret, encrypted like the e-Boekhouden credentials (connections.crypto).
    secret_encrypted = models.TextField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [labels[name] for name in Event.values if name in self.events]


class Delivery(OrganizationOwnedModel):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # Sent as X-Facturen-Delivery: the receiver's key for idempotency (the same on a retry).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=40)
    # The exact body that is signed and sent, the same on every attempt.
    body = models.TextField(editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While a worker sends: who dies mid-send leaves a lease that the sweeper sees expire.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Retries go on for WEBHOOKS_RETRY_WINDOW_SECONDS from here ("send again" restarts it).
    window_started_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["endpoint", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.uuid}"

    @property
    def event_label(self) -> str:
        if self.event == PING:
            return _("Test")
        return dict(Event.choices).get(self.event, self.event)

    @property
    def state_css(self) -> str:
        return {self.State.DELIVERED: "badge-success", self.State.FAILED: "badge-danger",
                self.State.SENDING: "badge-info"}.get(self.state, "badge-warning")


class Attempt(models.Model):
    """One try to deliver: what the receiver answered, or why there was no answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts_made")
    at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    excerpt = models.CharField(_("response"), max_length=300, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

"""The daily expiry of sent quotes (its own module: the task module imports it, and the
services import the task module)."""

import datetime

from django.utils import timezone

from quotes.models import Quote, QuoteStatus


def quote_expire_due(*, today: datetime.date | None = None) -> int:
    """Sent quotes whose validity date has passed become expired; returns how many. Their
    public link stops working with it (it already did on the date itself)."""
    today = today or timezone.localdate()
    return Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=today).update(
        status=QuoteStatus.EXPIRED, updated_at=timezone.now())

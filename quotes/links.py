"""The public link of a quote: an unguessable token (``secrets.token_urlsafe(32)``) of which
only the SHA-256 is stored. Sending makes a new one (the old one stops working), revoking
clears it, and a link works only while its quote is sent and valid."""

import secrets

from django.conf import settings
from django.urls import reverse

from quotes.models import Quote, token_hash


def quote_new_link(*, quote: Quote) -> str:
    """A new token for the quote's public page; the token itself exists only in the email
    that carries it."""
    token = secrets.token_urlsafe(32)
    quote.token_hash = token_hash(token)
    quote.save(update_fields=["token_hash", "updated_at"])
    return token


def public_url(token: str) -> str:
    return settings.SITE_URL + reverse("quote_public:quote", args=[token])


def quote_for_token(token: str) -> Quote | None:
    """The quote a public link points at (whatever its state), or None."""
    if not token or len(token) > 100:
        return None
    return (Quote.objects.select_related("organization")
            .filter(token_hash=token_hash(token)).first())

"""Builders for quotes, going through the real services."""

import datetime

from django.utils import timezone

from quotes import services
from quotes.links import quote_new_link
from quotes.models import Quote
from tests.invoicing.factories import line, make_customer


def make_quote(organization, customer=None, lines=None, **fields) -> Quote:
    customer = customer or make_customer(organization)
    today = timezone.localdate()
    defaults = {"issue_date": today, "valid_until": today + datetime.timedelta(days=30),
                "language": customer.language}
    quote = Quote(customer=customer, **{**defaults, **fields})
    return services.quote_save_draft(quote=quote, organization=organization,
                                     lines=lines or [line()])


def make_sent_quote(organization, user, **fields) -> tuple[Quote, str]:
    """A sent quote and the token of its live link (as the email would carry it)."""
    quote = make_quote(organization, **fields)
    quote = services.quote_send(quote=quote, to="klant@example.test", message="", user=user)
    return quote, quote_new_link(quote=quote)

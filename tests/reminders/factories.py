"""Overdue invoices for the reminder tests (through invoicing's own services)."""

import datetime

from django.utils import timezone

from tests.invoicing.factories import make_customer, make_sent


def overdue(organization, user, days: int, customer=None, **fields):
    """A finalized invoice whose due date (14-day term) was ``days`` days ago."""
    customer = customer or make_customer(organization)
    issued = timezone.localdate() - datetime.timedelta(days=14 + days)
    return make_sent(organization, user, customer=customer, issue_date=issued,
                     payment_term_days=14, **fields)

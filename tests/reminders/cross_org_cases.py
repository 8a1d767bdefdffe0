"""Every object URL of the reminders app: another organization's user gets 404."""

from django.urls import reverse

from reminders import services
from tests.reminders.factories import overdue


def _url(name, obj, method="get"):
    return method, reverse(name, args=[obj.pk])


def _dispute(org, user):
    return services.dispute_add(invoice=overdue(org, user, 10), text="Niet geleverd", user=user)


CASES = {
    "reminders:send": lambda o, u: _url("reminders:send", overdue(o, u, 10)),
    "reminders:pause": lambda o, u: _url("reminders:pause", overdue(o, u, 10), "post"),
    "reminders:dispute_add": lambda o, u: _url("reminders:dispute_add", overdue(o, u, 10),
                                               "post"),
    "reminders:dispute_resolve": lambda o, u: _url("reminders:dispute_resolve",
                                                   _dispute(o, u), "post"),
}

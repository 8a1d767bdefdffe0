"""Every object URL of the e-invoices: another organization's user gets 404."""

from django.urls import reverse

from tests.invoicing.factories import make_customer, make_sent


def _ubl(organization, user):
    customer = make_customer(organization, kvk_number="87654321")
    return "get", reverse("einvoice:invoice_ubl", args=[make_sent(organization, user,
                                                                  customer=customer).pk])


CASES = {
    "einvoice:invoice_ubl": _ubl,
}

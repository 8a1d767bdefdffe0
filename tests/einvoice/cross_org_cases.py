"""Every object URL of the e-invoices: another organization's user gets 404."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from einvoice.services import einvoice_receive
from tests.einvoice.builders import ubl
from tests.invoicing.factories import make_customer, make_sent


def _ubl(organization, user):
    customer = make_customer(organization, kvk_number="87654321")
    return "get", reverse("einvoice:invoice_ubl", args=[make_sent(organization, user,
                                                                  customer=customer).pk])


def _received(organization, user):
    upload = SimpleUploadedFile("VF-2026-0042.xml", ubl())
    return einvoice_receive(organization=organization, upload=upload, user=user)


CASES = {
    "einvoice:invoice_ubl": _ubl,
    "einvoice:import_check": lambda o, u: (
        "get", reverse("einvoice:import_check", args=[_received(o, u).pk])),
}

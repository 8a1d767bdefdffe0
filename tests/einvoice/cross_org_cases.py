"""Every object URL of einvoice: another organization's user gets 404."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from einvoice.services import einvoice_receive
from tests.einvoice.builders import ubl


def _received(org_a, user_a):
    upload = SimpleUploadedFile("VF-2026-0042.xml", ubl())
    return einvoice_receive(organization=org_a, upload=upload, user=user_a)


CASES = {
    "einvoice:import_check": lambda o, u: (
        "get", reverse("einvoice:import_check", args=[_received(o, u).pk])),
}

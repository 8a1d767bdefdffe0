"""The invoice email comes from the business: its name as the sender, replies to its own
address, and (when it asks) a blind copy to itself."""

from email.headerregistry import Address
from email.policy import default as default_policy

import pytest
from django.core import mail
from django.urls import reverse

from invoicing import services
from tests.invoicing.factories import make_draft


def _from_header(message) -> Address:
    parsed = default_policy.header_factory("From", message.message()["From"])
    return parsed.addresses[0]


@pytest.mark.django_db(transaction=True)
def test_sender_is_the_business_name_at_our_address_and_replies_go_to_the_business(
    org_a, user_a, settings
):
    settings.DEFAULT_FROM_EMAIL = "Facturen <noreply@facturen.test>"
    org_a.name = 'Schilder- & Klusbedrijf "De Vries-Müller"'
    org_a.email = "info@devries.test"
    org_a.save()
    services.invoice_finalize(invoice=make_draft(org_a), send_email=True, user=user_a)
    (message,) = mail.outbox
    sender = _from_header(message)
    assert sender.display_name == 'Schilder- & Klusbedrijf "De Vries-Müller"'
    assert sender.addr_spec == "noreply@facturen.test"
    assert message.reply_to == ["info@devries.test"]
    assert message.bcc == []


@pytest.mark.django_db(transaction=True)
def test_copy_to_self_goes_as_bcc_only_when_asked(org_a, user_a):
    org_a.email_copy_to_self = True
    org_a.save()
    services.invoice_finalize(invoice=make_draft(org_a), send_email=True, user=user_a)
    (message,) = mail.outbox
    assert message.bcc == ["info@acme.test"]
    assert "info@acme.test" in message.recipients()
    assert "Bcc" not in message.message()


@pytest.mark.django_db
def test_settings_page_offers_the_copy_and_needs_an_address_for_it(client_a, org_a):
    url = reverse("accounts:organization_settings")
    page = client_a.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stuur mij een kopie (bcc)" in page
    data = {"name": org_a.name, "country": "NL", "payment_term_days": 14,
            "invoice_number_format": "{year}-{seq:04}", "default_language": "nl",
            "email": "", "email_copy_to_self": "on"}
    response = client_a.post(url, data)
    assert response.status_code == 200
    org_a.refresh_from_db()
    assert org_a.email_copy_to_self is False
    response = client_a.post(url, {**data, "email": "kopie@acme.test"})
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.email_copy_to_self is True and org_a.email == "kopie@acme.test"

"""Issue 17, "open mail relay": a fresh sign-up could email anyone with its own text at once.
Now sign-up mails a signed, expiring link; until it is opened the account sends no invoice,
quote, reminder or invitation, and the organization's automatic emails are held while no owner
is verified. Invited users, email changes, createsuperuser, the demo login and the accounts
made before this count as verified."""

import datetime
import importlib
import re
import time

import pytest
from django.apps import apps
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts import email_change, email_verification
from accounts.demo import ensure_demo_login
from accounts.models import Invitation, Membership, User
from invoicing import services as invoicing
from invoicing.models import EmailLog, SalesInvoice
from quotes.models import Quote, QuoteEmail
from recurring import services as recurring
from recurring.models import Generation, Mode
from reminders import services as reminders
from reminders.models import SentReminder
from tests.factories import make_user
from tests.invoicing.factories import make_customer, make_draft
from tests.quotes.factories import make_quote
from tests.recurring.factories import make_template
from tests.reminders.factories import overdue

pytestmark = pytest.mark.django_db
SIGNUP = reverse("accounts:signup")
REFUSED = "Bevestig eerst uw e-mailadres"
LINK = re.compile(r"http\S+/confirm-email/(\S+)/")


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def signed_up(client, django_capture_on_commit_callbacks) -> User:
    """A new account by the sign-up form: logged in on ``client``, address not yet proven."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, {"full_name": "Sanne de Vries", "email": "sanne@example.test",
                             "password": "Tulpen-in-April-77",
                             "organization_name": "URGENT: your bank account is blocked"})
    return User.objects.get(email="sanne@example.test")


BUSINESS = {"address": "Damrak 1", "postcode": "1012 LG", "city": "Amsterdam",
            "kvk_number": "12345678", "vat_id": "NL123456782B01", "iban": "NL91ABNA0417164300"}


def _organization(user):
    """The signed-up user's organization, its business details filled in (as invoices need)."""
    organization = Membership.objects.get(user=user).organization
    for name, value in BUSINESS.items():
        setattr(organization, name, value)
    organization.save()
    return organization


def _token_in(message) -> str:
    return LINK.search(message.body).group(1)


def test_signup_mails_a_link_and_says_so_on_the_page(client, signed_up):
    assert not signed_up.email_verified
    [message] = mail.outbox
    assert message.to == ["sanne@example.test"]
    assert message.subject == "Bevestig uw e-mailadres voor Facturen"
    assert email_verification.read_token(_token_in(message)).email == "sanne@example.test"
    page = client.get(reverse("accounts:email_verification_sent")).content.decode()
    assert "Kijk in uw inbox" in page and "sanne@example.test" in page
    assert "Stuur de bevestigingsmail opnieuw" in page


def test_unverified_user_cannot_email_an_invoice(client, signed_up):
    organization = _organization(signed_up)
    invoice = invoicing.invoice_finalize(
        invoice=make_draft(organization, make_customer(organization)), send_email=False,
        user=signed_up)
    mail.outbox.clear()
    response = client.post(reverse("invoicing:invoice_email", args=[invoice.pk]),
                           {"to": "victim@example.test", "message": "Your bank is blocked"})
    assert response.status_code == 403
    page = response.content.decode()
    assert REFUSED in page and "sanne@example.test" in page
    assert "victim@example.test" in page  # the form keeps what was typed
    assert "Stuur de bevestigingsmail opnieuw" in page  # the banner's resend button
    assert mail.outbox == [] and not EmailLog.objects.exists()


def test_unverified_user_cannot_finalize_with_the_email(client, signed_up):
    organization = _organization(signed_up)
    draft = make_draft(organization, make_customer(organization, email="klant@example.test"))
    mail.outbox.clear()
    response = client.post(reverse("invoicing:invoice_finalize", args=[draft.pk]),
                           {"send_email": "on", "message": "Hello"})
    assert response.status_code == 403 and REFUSED in response.content.decode()
    assert SalesInvoice.objects.get(pk=draft.pk).is_draft  # nothing half-done
    assert mail.outbox == [] and not EmailLog.objects.exists()


def test_the_service_refuses_an_unverified_sender_too(signed_up):
    organization = _organization(signed_up)
    draft = make_draft(organization, make_customer(organization, email="klant@example.test"))
    with pytest.raises(invoicing.InvoicingError, match=REFUSED):
        invoicing.invoice_finalize(invoice=draft, send_email=True, user=signed_up)
    assert SalesInvoice.objects.get(pk=draft.pk).is_draft and not EmailLog.objects.exists()


def test_unverified_user_cannot_send_an_invitation(client, signed_up):
    mail.outbox.clear()
    response = client.post(reverse("accounts:members"),
                           {"email": "victim@example.test", "role": "member"})
    assert response.status_code == 403
    page = response.content.decode()
    assert REFUSED in page and "victim@example.test" in page
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_unverified_user_cannot_send_a_quote(client, signed_up):
    quote = make_quote(_organization(signed_up))
    mail.outbox.clear()
    response = client.post(reverse("quotes:quote_send", args=[quote.pk]),
                           {"to": "victim@example.test", "message": "Hello"})
    assert response.status_code == 403 and REFUSED in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).is_draft
    assert mail.outbox == [] and not QuoteEmail.objects.exists()


def test_unverified_user_cannot_send_a_reminder(client, signed_up):
    invoice = overdue(_organization(signed_up), signed_up, days=8)
    mail.outbox.clear()
    response = client.post(reverse("reminders:send", args=[invoice.pk]), {"position": "1"})
    assert response.status_code == 403 and REFUSED in response.content.decode()
    assert mail.outbox == [] and not SentReminder.objects.exists()


def test_automatic_emails_are_held_while_no_owner_is_verified(
    signed_up, django_capture_on_commit_callbacks
):
    organization = _organization(signed_up)
    overdue(organization, signed_up, days=8)
    customer = make_customer(organization, email="klant@example.test")
    today = datetime.date.today()
    template = make_template(organization, customer=customer, mode=Mode.SEND, start_date=today)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders() == 0
        recurring.generate_due(today=today)
    generation = Generation.objects.get(template=template)
    assert generation.invoice.is_draft and "Aangehouden" in generation.problem
    assert mail.outbox == [] and not SentReminder.objects.exists()
    # Once the owner proved the address, the next daily run sends the held reminder.
    signed_up.email_verified_at = datetime.datetime.now(datetime.UTC)
    signed_up.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders() == 1
    assert len(mail.outbox) == 1


def test_the_link_verifies_and_then_the_invoice_email_leaves(
    client, signed_up, django_capture_on_commit_callbacks
):
    url = reverse("accounts:email_verify", args=[_token_in(mail.outbox[0])])
    page = client.get(url)
    assert page.status_code == 200 and "E-mailadres bevestigen" in page.content.decode()
    assert not User.objects.get(pk=signed_up.pk).email_verified  # a GET changes nothing
    response = client.post(url, follow=True)
    assert "sanne@example.test is bevestigd" in response.content.decode()
    assert "Stuur de bevestigingsmail opnieuw" not in response.content.decode()  # no banner
    assert User.objects.get(pk=signed_up.pk).email_verified
    organization = _organization(signed_up)
    invoice = invoicing.invoice_finalize(
        invoice=make_draft(organization, make_customer(organization)), send_email=False,
        user=signed_up)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invoicing:invoice_email", args=[invoice.pk]),
                    {"to": "klant@example.test", "message": "Hello"})
    assert [m.to for m in mail.outbox] == [["klant@example.test"]]


def test_the_link_works_without_being_logged_in(signed_up):
    url = reverse("accounts:email_verify", args=[_token_in(mail.outbox[0])])
    response = Client().post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert User.objects.get(pk=signed_up.pk).email_verified


class _Past(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - email_verification.MAX_AGE_SECONDS - 60)


def test_an_expired_link_is_refused(client, signed_up):
    token = _Past(salt=email_verification.SALT).sign_object(
        {"u": signed_up.pk, "e": signed_up.email})
    url = reverse("accounts:email_verify", args=[token])
    assert client.get(url).status_code == 410
    response = client.post(url)
    assert response.status_code == 410
    assert "ongeldig of verlopen" in response.content.decode()
    assert not User.objects.get(pk=signed_up.pk).email_verified


def test_a_tampered_link_is_refused(client, signed_up):
    token = _token_in(mail.outbox[0])
    forged = signing.dumps({"u": signed_up.pk, "e": signed_up.email}, salt="another.salt")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged):
        response = client.post(reverse("accounts:email_verify", args=[bad]))
        assert response.status_code == 410
    assert not User.objects.get(pk=signed_up.pk).email_verified


def test_a_link_for_an_address_no_longer_used_is_refused(client, signed_up):
    token = _token_in(mail.outbox[0])
    User.objects.filter(pk=signed_up.pk).update(email="other@example.test")
    response = client.post(reverse("accounts:email_verify", args=[token]))
    assert response.status_code == 410
    assert "niet meer gebruikt" in response.content.decode()
    assert not User.objects.get(pk=signed_up.pk).email_verified


def test_resend_mails_a_new_link(client, signed_up, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:email_verification_resend"), follow=True)
    assert "opnieuw naar sanne@example.test gestuurd" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["sanne@example.test"]
    client.post(reverse("accounts:email_verify", args=[_token_in(message)]))
    assert User.objects.get(pk=signed_up.pk).email_verified


def test_resend_for_a_verified_user_sends_nothing(client_a):
    response = client_a.post(reverse("accounts:email_verification_resend"), follow=True)
    assert "al bevestigd" in response.content.decode() and mail.outbox == []


def test_accepting_an_invitation_proves_the_address(signed_up, org_b, user_b):
    invitation = Invitation.objects.create(organization=org_b, email=signed_up.email,
                                           invited_by=user_b)
    client = Client()
    client.force_login(signed_up)
    client.post(reverse("accounts:invitation_accept", args=[invitation.token()]))
    assert User.objects.get(pk=signed_up.pk).email_verified


def test_an_invited_new_account_is_verified(org_b, user_b):
    invitation = Invitation.objects.create(organization=org_b, email="new@example.test",
                                           invited_by=user_b)
    Client().post(reverse("accounts:invitation_accept", args=[invitation.token()]),
                  {"full_name": "Nieuw Lid", "password": "Tulpen-in-April-77"})
    assert User.objects.get(email="new@example.test").email_verified


def test_a_confirmed_email_change_proves_the_new_address(client, signed_up):
    token = email_change.make_token(user_id=signed_up.pk, old_email=signed_up.email,
                                    new_email="sanne@devries.test")
    client.post(reverse("accounts:email_change_confirm", args=[token]))
    user = User.objects.get(pk=signed_up.pk)
    assert user.email == "sanne@devries.test" and user.email_verified


def test_operators_demo_and_existing_accounts_count_as_verified():
    call_command("createsuperuser", interactive=False, email="root@example.test", verbosity=0)
    assert User.objects.get(email="root@example.test").email_verified
    demo, _organization = ensure_demo_login()
    assert demo.email_verified
    assert make_user("factory@example.test").email_verified
    before = make_user("before@example.test", email_verified_at=None)
    migration = importlib.import_module("accounts.migrations.0007_i17_email_verified")
    migration.existing_users_verified(apps, None)
    before.refresh_from_db()
    assert before.email_verified_at == before.date_joined

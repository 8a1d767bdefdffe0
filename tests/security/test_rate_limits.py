"""Issue 17, "open mail relay": five invitations left in 0.8 s. Every path that sends email or
tries credentials is now rate-limited on the shared cache (Redis, as in production), per
client address, user, organization or target address. Each limit is lowered here by its name
in settings.RATE_LIMITS; when it is hit the same page comes back with HTTP 429, a Dutch
message, the form as typed, and nothing saved or sent."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Membership, Organization, User
from connections.models import Connection
from invoicing import services as invoicing
from invoicing.models import EmailLog
from quotes.models import QuoteEmail
from reminders.models import SentReminder
from tests.factories import PASSWORD, make_user
from tests.invoicing.factories import make_customer, make_draft
from tests.quotes.factories import make_quote
from tests.reminders.factories import overdue

pytestmark = pytest.mark.django_db
LIMITED = "Te veel pogingen in korte tijd: er is niets opgeslagen of verstuurd."
SIGNUP = reverse("accounts:signup")
RESET = reverse("accounts:password_reset")
MEMBERS = reverse("accounts:members")


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def limit(settings):
    """Lower one named limit: ``limit(signup_ip="2/h")``."""
    def lower(**rates: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}
    return lower


def _limited(response) -> None:
    assert response.status_code == 429
    assert LIMITED in response.content.decode()


def _signup(client: Client, email: str, **extra):
    return client.post(SIGNUP, {"full_name": "Sanne", "email": email,
                                "password": "Tulpen-in-April-77",
                                "organization_name": "URGENT: your bank account is blocked"},
                       **extra)


def test_signup_per_client_address(limit):
    limit(signup_ip="2/h")
    for number in (1, 2):
        assert _signup(Client(), f"user{number}@example.test").status_code == 302
    response = _signup(Client(), "user3@example.test")
    _limited(response)
    assert 'value="user3@example.test"' in response.content.decode()  # the form is kept
    assert not User.objects.filter(email="user3@example.test").exists()
    assert Organization.objects.count() == 2


def test_signup_counts_the_client_behind_the_proxy_not_the_proxy(limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limit(signup_ip="1/h")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = _signup(Client(), "a@example.test", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert first.status_code == 302
    _limited(_signup(Client(), "b@example.test", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy))
    # Another client through the same proxy has a count of its own; a forged left-most entry
    # does not make the first client someone else.
    assert _signup(Client(), "c@example.test", HTTP_X_FORWARDED_FOR="198.51.100.7",
                   **proxy).status_code == 302
    _limited(_signup(Client(), "d@example.test",
                     HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.5", **proxy))
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "a@example.test", "c@example.test"]


def test_signup_per_email_address(limit):
    limit(signup_email="1/h")
    weak = Client().post(SIGNUP, {"full_name": "S", "email": "Target@Example.test",
                                  "password": "1", "organization_name": "X"})
    assert weak.status_code == 200  # refused for the password; the attempt counts
    _limited(_signup(Client(), "target@example.test", REMOTE_ADDR="192.0.2.44"))
    assert not User.objects.exists() and mail.outbox == []


def test_password_reset_per_target_address(limit, django_capture_on_commit_callbacks):
    limit(password_reset_email="2/h")
    make_user("kees@example.test")
    for _attempt in range(2):
        assert Client().post(RESET, {"email": "kees@example.test"}).status_code == 302
    assert len(mail.outbox) == 2
    response = Client(REMOTE_ADDR="192.0.2.44").post(RESET, {"email": "KEES@example.test"})
    _limited(response)
    assert 'value="KEES@example.test"' in response.content.decode()
    assert len(mail.outbox) == 2


def test_password_reset_per_client_address(limit):
    limit(password_reset_ip="2/h")
    for number in (1, 2):
        make_user(f"user{number}@example.test")
        Client().post(RESET, {"email": f"user{number}@example.test"})
    make_user("user3@example.test")
    _limited(Client().post(RESET, {"email": "user3@example.test"}))
    assert len(mail.outbox) == 2


def test_invitations_per_user(limit, client_a, django_capture_on_commit_callbacks):
    limit(invitation_user="2/h")
    with django_capture_on_commit_callbacks(execute=True):
        for number in (1, 2):
            client_a.post(MEMBERS, {"email": f"p{number}@example.test", "role": "member"})
    response = client_a.post(MEMBERS, {"email": "p3@example.test", "role": "member"})
    _limited(response)
    assert 'value="p3@example.test"' in response.content.decode()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "p1@example.test", "p2@example.test"]
    assert len(mail.outbox) == 2


def test_invitations_per_organization(limit, org_a, client_a):
    limit(invitation_organization="1/h")
    second_owner = make_user("owner2@example.test")
    Membership.objects.create(user=second_owner, organization=org_a, role="owner")
    client_a.post(MEMBERS, {"email": "p1@example.test", "role": "member"})
    other = Client()
    other.force_login(second_owner)
    _limited(other.post(MEMBERS, {"email": "p2@example.test", "role": "member"}))
    assert list(Invitation.objects.values_list("email", flat=True)) == ["p1@example.test"]


def _sent_invoices(org, user, count: int):
    customer = make_customer(org)
    return [invoicing.invoice_finalize(invoice=make_draft(org, customer), send_email=False,
                                       user=user) for _n in range(count)]


def test_invoice_emails_per_user(limit, org_a, user_a, client_a,
                                 django_capture_on_commit_callbacks):
    limit(email_user="2/h")
    first, second, third = _sent_invoices(org_a, user_a, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for invoice in (first, second):
            client_a.post(reverse("invoicing:invoice_email", args=[invoice.pk]),
                          {"to": "klant@example.test", "message": "Hallo"})
    response = client_a.post(reverse("invoicing:invoice_email", args=[third.pk]),
                             {"to": "victim@example.test", "message": "Hallo"})
    _limited(response)
    assert 'value="victim@example.test"' in response.content.decode()
    assert EmailLog.objects.count() == 2 and len(mail.outbox) == 2


def test_invoice_emails_per_organization_across_users(limit, org_a, user_a, client_a):
    limit(email_organization="1/h")
    member = make_user("member@example.test")
    Membership.objects.create(user=member, organization=org_a, role="member")
    first, second = _sent_invoices(org_a, user_a, 2)
    client_a.post(reverse("invoicing:invoice_email", args=[first.pk]),
                  {"to": "klant@example.test", "message": "Hallo"})
    other = Client()
    other.force_login(member)
    _limited(other.post(reverse("invoicing:invoice_email", args=[second.pk]),
                        {"to": "klant@example.test", "message": "Hallo"}))
    assert list(EmailLog.objects.values_list("invoice", flat=True)) == [first.pk]


def test_finalize_with_email_over_the_limit_leaves_the_draft(limit, org_a, client_a):
    limit(email_organization="0/h")
    draft = make_draft(org_a, make_customer(org_a, email="klant@example.test"))
    response = client_a.post(reverse("invoicing:invoice_finalize", args=[draft.pk]),
                             {"send_email": "on", "message": "Hallo"})
    _limited(response)
    draft.refresh_from_db()
    assert draft.is_draft and not draft.number and not EmailLog.objects.exists()


def test_quote_emails_share_the_limit(limit, org_a, user_a, client_a):
    limit(email_user="1/h")
    [invoice] = _sent_invoices(org_a, user_a, 1)
    client_a.post(reverse("invoicing:invoice_email", args=[invoice.pk]),
                  {"to": "klant@example.test", "message": "Hallo"})
    quote = make_quote(org_a)
    response = client_a.post(reverse("quotes:quote_send", args=[quote.pk]),
                             {"to": "klant@example.test", "message": "Hallo"})
    _limited(response)
    quote.refresh_from_db()
    assert quote.is_draft and not QuoteEmail.objects.exists()


def test_manual_reminders_share_the_limit(limit, org_a, user_a, client_a):
    limit(email_organization="0/h")
    invoice = overdue(org_a, user_a, days=8)
    response = client_a.post(reverse("reminders:send", args=[invoice.pk]), {"position": "1"})
    _limited(response)
    assert not SentReminder.objects.exists() and mail.outbox == []


def test_verification_resend_per_user(limit, django_capture_on_commit_callbacks):
    limit(verification_resend="1/h")
    user = make_user("new@example.test", email_verified_at=None)
    client = Client()
    client.force_login(user)
    resend = reverse("accounts:email_verification_resend")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend)
        response = client.post(resend)
    _limited(response)
    assert len(mail.outbox) == 1


def test_connect_attempts_per_organization(limit, client_a):
    limit(connect_organization="1/h")
    url = reverse("connections:connect")
    first = client_a.post(url, {"method": "codes", "username": "", "security_code_1": "",
                                "security_code_2": ""})
    assert first.status_code == 200  # a form error; the attempt counts
    response = client_a.post(url, {"method": "codes", "username": "jansen",
                                   "security_code_1": "x" * 32, "security_code_2": "y" * 32})
    _limited(response)
    assert 'value="jansen"' in response.content.decode()
    assert not Connection.objects.exists()


def test_email_change_links_per_user(limit, client_a, django_capture_on_commit_callbacks):
    limit(email_change_user="1/h")
    url = reverse("accounts:email_change")
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(url, {"new_email": "new1@example.test", "password": PASSWORD})
        response = client_a.post(url, {"new_email": "new2@example.test", "password": PASSWORD})
    _limited(response)
    assert 'value="new2@example.test"' in response.content.decode()
    assert [m.to for m in mail.outbox] == [["new1@example.test"]]

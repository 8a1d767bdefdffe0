"""Sign-up, login, invitations, organization settings and profile under hostile POSTs:
never a server error, no account, organization or invitation written on a refusal, and
saved settings are exactly the cleaned values."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts import services
from accounts.forms import OrganizationForm, ProfileForm
from accounts.models import Invitation, Membership, Organization, User
from tests.factories import PASSWORD
from tests.fuzz import strategies as fz

ACCOUNT_MODELS = (User, Organization, Membership, Invitation)
NUMBER_FORMATS = ["{seq}", "{seq:>9999999999}", "{seq:{year}{year}}", "{seq:.99999f}",
                  "{seq!r}", "{seq[0]}", "{seq.real}", "{}", "{0}", "{seq", "seq}", "{{seq}}"]
ORGANIZATION_FIELDS = {
    "name": fz.text(),
    "address": fz.text("Damrak 1"),
    "postcode": fz.text("1012 LG"),
    "city": fz.text(),
    "country": fz.text(["NL", "be"]),
    "kvk_number": fz.text(["", "12345678"]),
    "vat_id": fz.text("NL 1234.56789 B01"),
    "iban": fz.text("nl91 abna 0417 1643 00"),
    "bic": fz.text(["", "abnanl2a"]),
    "email": fz.text("info@acme.test"),
    "phone": fz.text(""),
    "payment_term_days": fz.number(st.integers(0, 365).map(str)),
    "invoice_number_format": fz.field(st.sampled_from(["{year}-{seq:04}", "F{seq:06d}"]),
                                   st.sampled_from(NUMBER_FORMATS) | fz.hostile_text),
    "invoice_number_yearly_reset": fz.choice(["", "on"]),
    "default_language": fz.choice(["nl", "en"]),
}
password = st.sampled_from([PASSWORD, "Another-Horse-77"])
SIGNUP_FIELDS = {
    "full_name": fz.text(),
    "email": fz.text(["new@example.test", "New.Person@Example.test"]),
    "password": fz.text(password),
    "organization_name": fz.text(),
}


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data(ORGANIZATION_FIELDS))
def test_fuzz_organization_settings(client_a, org_a, post):
    form = OrganizationForm(post, instance=Organization.objects.get(pk=org_a.pk))
    fz.post_model_form(client_a, reverse("accounts:organization_settings"), post, form,
                    instance=org_a, files=("logo",))


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"full_name": fz.text(), "language": fz.choice(["nl", "en"])}))
def test_fuzz_profile(client_a, user_a, post):
    form = ProfileForm(post, instance=User.objects.get(pk=user_a.pk))
    fz.post_model_form(client_a, reverse("accounts:profile"), post, form, instance=user_a)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"name": fz.text()}))
def test_fuzz_organization_create(client_a, user_a, post):
    def check_saved(_before) -> None:
        created = Organization.objects.latest("pk")
        assert created.name == post["name"].strip()
        assert created.memberships.get().user == user_a

    url = reverse("accounts:organization_create")
    fz.post_checked(client_a, url, post, ACCOUNT_MODELS, check_saved)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"email": fz.text(["Colleague@Example.test", "x@example.nl "]),
                          "role": fz.choice(["owner", "member"])}))
def test_fuzz_invitation(client_a, org_a, post):
    def check_saved(_before) -> None:
        invitation = Invitation.objects.get(organization=org_a)
        assert (invitation.email, invitation.role) == (post["email"].strip().lower(),
                                                       post["role"])

    fz.post_checked(client_a, reverse("accounts:members"), post, ACCOUNT_MODELS, check_saved)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data(SIGNUP_FIELDS))
def test_fuzz_signup(post):
    def check_saved(_before) -> None:
        user = User.objects.get(email=post["email"].strip().lower())
        assert user.full_name == post["full_name"].strip()
        assert user.check_password(post["password"])
        organization = user.memberships.get().organization
        assert organization.name == post["organization_name"].strip()

    fz.post_checked(Client(), reverse("accounts:signup"), post, ACCOUNT_MODELS, check_saved)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"username": fz.text("alice@example.test"),
                          "password": fz.text(PASSWORD)}))
def test_fuzz_login(user_a, post):
    with fz.rolled_back():
        client = Client()
        response = client.post(reverse("accounts:login"), post)
        assert response.status_code in (200, 302, 429), response.status_code
        logged_in = "_auth_user_id" in client.session
        assert logged_in == (response.status_code == 302)
        assert not logged_in or post == {"username": "alice@example.test",
                                         "password": PASSWORD}


@pytest.fixture
def invitation(org_a, user_a):
    return services.invitation_create(organization=org_a, email="new@example.test",
                                      role="member", invited_by=user_a)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data({"full_name": fz.text(), "password": fz.text(password)}))
def test_fuzz_invitation_signup(invitation, post):
    def check_saved(_before) -> None:
        user = User.objects.get(email="new@example.test")
        assert user.full_name == post["full_name"].strip()
        assert user.check_password(post["password"])
        assert user.memberships.get().organization == invitation.organization

    url = reverse("accounts:invitation_accept", args=[invitation.token()])
    fz.post_checked(Client(), url, post, ACCOUNT_MODELS, check_saved)

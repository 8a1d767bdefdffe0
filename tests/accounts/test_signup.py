import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Membership, Organization, User
from tests.factories import make_user

URL = reverse("accounts:signup")


def _png(size=(40, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _data(**overrides):
    data = {
        "full_name": "Sanne de Vries",
        "email": "sanne@example.test",
        "password": "Tulpen-in-April-77",
        "organization_name": "De Vries Advies",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_signup_creates_user_organization_and_owner_membership(client):
    response = client.post(URL, {**_data(), "logo": _png()})
    assert response.status_code == 302
    # First the page that says a confirmation link is on its way (tests/accounts/
    # test_email_verification.py follows it).
    assert response["Location"] == reverse("accounts:email_verification_sent")
    user = User.objects.get(email="sanne@example.test")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.OWNER
    assert membership.organization.name == "De Vries Advies"
    assert membership.organization.logo.name.endswith(".png")
    # Logged in, working in the new organization.
    page = client.get(reverse("accounts:organization_settings"))
    assert page.status_code == 200
    assert "De Vries Advies" in page.content.decode()


@pytest.mark.django_db
def test_signup_email_is_case_insensitive_and_unique(client):
    make_user("sanne@example.test")
    response = client.post(URL, _data(email="Sanne@Example.TEST"))
    assert response.status_code == 200
    assert "bestaat al een account" in response.content.decode()
    assert Organization.objects.count() == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"password": "12345678"}, "password"),
        ({"password": "sanne"}, "password"),
        ({"organization_name": ""}, "organization_name"),
        ({"organization_name": "   "}, "organization_name"),
        ({"email": "not-an-email"}, "email"),
    ],
)
@pytest.mark.django_db
def test_signup_bad_input_shows_form_errors_and_creates_nothing(client, overrides, field):
    response = client.post(URL, _data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert User.objects.count() == 0
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_signup_rejects_oversized_logo(client, settings):
    settings.LOGO_MAX_BYTES = 1000
    response = client.post(URL, {**_data(), "logo": _png((600, 600))})
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>", "image/png"),
        SimpleUploadedFile("logo.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream"),
        SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg"),
    ],
    ids=["html-as-png", "exe", "svg"],
)
@pytest.mark.django_db
def test_signup_rejects_non_image_logo(client, upload):
    response = client.post(URL, {**_data(), "logo": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    assert User.objects.count() == 0
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_signup_page_is_dutch_by_default_and_english_on_request(client):
    assert "Account aanmaken" in client.get(URL).content.decode()
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert "Create your account" in english.content.decode()

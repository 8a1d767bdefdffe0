import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Membership
from tests.factories import make_organization, make_user

SETTINGS = reverse("accounts:organization_settings")


def _settings_data(org, **overrides):
    data = {
        "name": org.name, "address": "Damrak 2", "postcode": "1012 LG", "city": "Amsterdam",
        "country": "NL", "kvk_number": "12345678", "vat_id": "NL123456782B01",
        "iban": "NL91 ABNA 0417 1643 00", "bic": "ABNANL2A", "email": "info@alpha.test",
        "phone": "", "payment_term_days": "30", "invoice_number_format": "{year}-{seq:04}",
        "invoice_number_yearly_reset": "on", "default_language": "nl",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_user_in_two_organizations_switches_between_them(client_a, user_a, org_a):
    second = make_organization("Second Shop", owner=user_a)
    page = client_a.get(SETTINGS)
    assert page.context["request"].organization == org_a  # alphabetical first
    client_a.post(reverse("accounts:organization_switch"), {"organization": second.pk})
    page = client_a.get(SETTINGS)
    assert page.context["request"].organization == second
    assert 'value="Second Shop"' in page.content.decode()
    client_a.post(reverse("accounts:organization_switch"), {"organization": org_a.pk})
    assert client_a.get(SETTINGS).context["request"].organization == org_a


@pytest.mark.django_db
def test_cannot_switch_to_an_organization_you_are_not_a_member_of(client_a, org_b):
    response = client_a.post(reverse("accounts:organization_switch"), {"organization": org_b.pk})
    assert response.status_code == 404
    assert client_a.get(SETTINGS).context["request"].organization.name == "Alpha B.V."


@pytest.mark.django_db
def test_removed_member_loses_access_at_once(client, org_a):
    member = make_user()
    membership = Membership.objects.create(user=member, organization=org_a)
    client.force_login(member)
    assert client.get(SETTINGS).status_code == 200
    membership.delete()
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organization_create")


@pytest.mark.django_db
def test_owner_edits_business_details_and_they_are_normalised(client_a, org_a):
    response = client_a.post(SETTINGS, _settings_data(org_a))
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.iban == "NL91ABNA0417164300"
    assert org_a.payment_term_days == 30


@pytest.mark.django_db
def test_business_details_are_stored_compact_whatever_the_spacing(client_a, org_a):
    data = _settings_data(org_a, iban="nl91 abna 0417 1643 00", vat_id="nl0044.95.445.b01",
                          postcode="1012lg", bic="abna nl 2a", country="NL")
    assert client_a.post(SETTINGS, data).status_code == 302
    org_a.refresh_from_db()
    assert (org_a.iban, org_a.vat_id, org_a.postcode, org_a.bic) == (
        "NL91ABNA0417164300", "NL004495445B01", "1012 LG", "ABNANL2A")


@pytest.mark.parametrize(
    "field, value",
    [
        ("kvk_number", "1234"),
        ("iban", "not an iban"),
        ("iban", "NL00ABNA0417164300"),  # wrong checksum
        ("vat_id", "NL123"),
        ("bic", "ABN"),
        ("postcode", "12345"),
        ("country", "Nederland"),  # a choice now: the name does not store NE
        ("payment_term_days", "-5"),
        ("name", ""),
    ],
)
@pytest.mark.django_db
def test_bad_business_details_are_refused_with_a_message(client_a, org_a, field, value):
    response = client_a.post(SETTINGS, _settings_data(org_a, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    org_a.refresh_from_db()
    assert org_a.name == "Alpha B.V."


@pytest.mark.django_db
def test_member_sees_details_but_cannot_change_them(client, org_a):
    member = make_user()
    Membership.objects.create(user=member, organization=org_a)
    client.force_login(member)
    client.post(SETTINGS, _settings_data(org_a, name="Hijacked"))
    org_a.refresh_from_db()
    assert org_a.name == "Alpha B.V."


@pytest.mark.django_db
def test_logo_is_served_as_an_image_only_to_its_organization(client_a, client_b, org_a):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), "red").save(buffer, "PNG")
    logo = SimpleUploadedFile("l.png", buffer.getvalue(), "image/png")
    client_a.post(SETTINGS, {**_settings_data(org_a), "logo": logo})
    response = client_a.get(reverse("accounts:organization_logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Organization B has no logo of its own and never sees A's.
    assert client_b.get(reverse("accounts:organization_logo")).status_code == 404


@pytest.mark.django_db
def test_user_language_setting_switches_the_interface(client_a, user_a):
    assert "Instellingen" in client_a.get(SETTINGS).content.decode()
    client_a.post(reverse("accounts:profile"), {"full_name": "Alice", "language": "en"})
    user_a.refresh_from_db()
    assert user_a.language == "en"
    assert "Settings" in client_a.get(SETTINGS).content.decode()


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")

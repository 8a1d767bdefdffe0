"""Demo data for `make run`: a demo login and a demo organization. Other apps add their
own demo rows through a ``demo.load(organization)`` function of their own."""

from django.utils import timezone

from accounts.models import Membership, Organization, User

DEMO_EMAIL = "demo@facturen.test"
DEMO_PASSWORD = "Demo-Factuur-2026"  # noqa: S105 (printed by make run on purpose)
DEMO_ORGANIZATION = {
    "name": "Schildersbedrijf Jansen B.V.",
    "address": "Keizersgracht 120",
    "postcode": "1015 CX",
    "city": "Amsterdam",
    "country": "NL",
    "kvk_number": "12345678",
    "vat_id": "NL123456782B01",
    "iban": "NL91ABNA0417164300",
    "bic": "ABNANL2A",
    "email": "info@jansen-schilders.test",
    "phone": "020-1234567",
}


def ensure_demo_login() -> tuple[User, Organization]:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=DEMO_EMAIL, password=DEMO_PASSWORD, full_name="Demo Jansen",
            email_verified_at=timezone.now(),  # a made-up address no link could reach
        )
    organization, _created = Organization.objects.get_or_create(
        name=DEMO_ORGANIZATION["name"], defaults=DEMO_ORGANIZATION
    )
    Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": Membership.Role.OWNER}
    )
    return user, organization

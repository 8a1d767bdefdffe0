"""Plain builders for test rows (no factory library: explicit is easier to read)."""

import itertools

from django.utils import timezone

from accounts.models import Membership, Organization, User

PASSWORD = "Correct-Horse-42"
_counter = itertools.count(1)


def make_user(email: str | None = None, password: str = PASSWORD, **fields) -> User:
    """A user whose address is verified (as every user before verification existed), unless
    the test passes ``email_verified_at=None``."""
    email = email or f"user{next(_counter)}@example.test"
    fields.setdefault("email_verified_at", timezone.now())
    return User.objects.create_user(email=email, password=password, **fields)


def make_organization(
    name: str = "Acme B.V.", owner: User | None = None, role: str = Membership.Role.OWNER, **fields
) -> Organization:
    defaults = {
        "address": "Damrak 1",
        "postcode": "1012 LG",
        "city": "Amsterdam",
        "kvk_number": "12345678",
        "vat_id": "NL123456782B01",
        "iban": "NL91ABNA0417164300",
        "email": "info@acme.test",
    }
    organization = Organization.objects.create(name=name, **{**defaults, **fields})
    if owner is not None:
        Membership.objects.create(user=owner, organization=organization, role=role)
    return organization

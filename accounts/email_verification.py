"""The signed link that proves a new account's email address, like the email change's
(accounts/email_change.py): the user and the address, signed with the secret key and a
timestamp; no table. It expires by age and proves only the address it names: after an email
change the old link does nothing."""

from dataclasses import dataclass

from django.core import signing

SALT = "accounts.email_verification"
MAX_AGE_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class Verification:
    user_id: int
    email: str


def make_token(*, user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=SALT)


def read_token(token: str) -> Verification | None:
    """The address the token proves, or None when it is forged, damaged or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return Verification(user_id=data["u"], email=data["e"])

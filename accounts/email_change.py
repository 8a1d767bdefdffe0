"""The signed link that confirms a new email address.

The token carries the user, the address it replaces and the new one, signed with the secret
key and a timestamp. It needs no table: it expires by age, and it is spent once the user's
address no longer equals the one it replaces (so a second click, or a link of an older request,
does nothing)."""

from dataclasses import dataclass

from django.core import signing

SALT = "accounts.email_change"
MAX_AGE_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class EmailChange:
    user_id: int
    old_email: str
    new_email: str


def make_token(*, user_id: int, old_email: str, new_email: str) -> str:
    return signing.dumps({"u": user_id, "old": old_email, "new": new_email}, salt=SALT)


def read_token(token: str) -> EmailChange | None:
    """The request the token stands for, or None when it is forged, damaged or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return EmailChange(user_id=data["u"], old_email=data["old"], new_email=data["new"])

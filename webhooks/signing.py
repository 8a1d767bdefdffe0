"""The signature a receiver checks: HMAC-SHA256 with the endpoint's secret over
"<timestamp>.<body>", sent as ``X-Facturen-Signature: t=<timestamp>,v1=<hex digest>``.
The timestamp lets a receiver refuse an old message replayed later."""

import hashlib
import hmac
import secrets

from django.views.decorators.debug import sensitive_variables

SIGNATURE_HEADER = "X-Facturen-Signature"
DELIVERY_HEADER = "X-Facturen-Delivery"
EVENT_HEADER = "X-Facturen-Event"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, so a secret is recognised as one)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@sensitive_variables("secret")
def digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@sensitive_variables("secret")
def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={digest(secret, timestamp, body)}"

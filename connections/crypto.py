"""Encryption at rest of the e-Boekhouden credentials.

* MultiFernet over settings.EBH_CREDENTIAL_KEYS (newest first): new values are encrypted with
  the first key, older keys still decrypt until ``manage.py rotate_credential_keys`` has
  re-encrypted every row under the newest one.
* Fernet has no associated data, so the plaintext is a small JSON document naming the
  organization and the field; after decrypting we check both. A ciphertext copied into another
  organization's row (or another field) therefore fails to decrypt.
* Decryption fails loudly with :class:`CredentialDecryptError`; it never hands back the
  ciphertext as if it were the value.
* Without configured keys, development and tests get a generated key in
  VAR_DIR/credential_keys (mode 0600, never in the repository); production (DJANGO_HTTPS)
  refuses to run without keys.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

KEY_FILE_NAME = "credential_keys"


class CredentialDecryptError(Exception):
    """A stored credential cannot be decrypted (wrong keys, tampered or copied row)."""


def _development_keys() -> list[str]:
    path = Path(settings.VAR_DIR) / KEY_FILE_NAME
    try:
        # O_EXCL: of two processes starting at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
    keys = [key.strip() for key in path.read_text().replace("\n", ",").split(",")]
    return [key for key in keys if key]


def configured_keys() -> list[str]:
    keys = list(settings.EBH_CREDENTIAL_KEYS)
    if keys:
        return keys
    if settings.HTTPS:
        raise ImproperlyConfigured(
            "EBH_CREDENTIAL_KEYS (or EBH_CREDENTIAL_KEYS_FILE) must be set to encrypt the "
            "e-Boekhouden credentials"
        )
    return _development_keys()


def multifernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in configured_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "EBH_CREDENTIAL_KEYS holds a value that is not a Fernet key"
        ) from exc


@sensitive_variables("value", "payload")
def encrypt(value: str, *, organization_id: int, field: str) -> str:
    payload = json.dumps({"org": organization_id, "field": field, "v": value})
    return multifernet().encrypt(payload.encode()).decode()


@sensitive_variables("payload", "data")
def decrypt(token: str, *, organization_id: int, field: str) -> str:
    if not token:
        raise CredentialDecryptError(f"no stored value for {field}")
    try:
        payload = multifernet().decrypt(token.encode())
    except (InvalidToken, ValueError, TypeError):
        raise CredentialDecryptError(
            f"{field} cannot be decrypted with the configured EBH_CREDENTIAL_KEYS"
        ) from None
    try:
        data = json.loads(payload)
    except ValueError:
        raise CredentialDecryptError(f"{field} holds an unreadable value") from None
    if (
        not isinstance(data, dict)
        or data.get("org") != organization_id
        or data.get("field") != field
        or not isinstance(data.get("v"), str)
    ):
        raise CredentialDecryptError(f"{field} does not belong to this organization and field")
    return data["v"]


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (same plaintext, so the binding is kept)."""
    try:
        return multifernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialDecryptError("cannot be decrypted with the configured keys") from None

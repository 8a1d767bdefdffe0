"""Start-up check: every configured credential key must be a usable Fernet key.

(Missing keys in production fail at first use, in connections/crypto.py.)"""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, register


@register()
def check_credential_keys(app_configs, **kwargs):
    errors = []
    keys = list(getattr(settings, "EBH_CREDENTIAL_KEYS", []))
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(Error(
                f"Key {position} of EBH_CREDENTIAL_KEYS is not a Fernet key.",
                hint='Make one with: python -c "from cryptography.fernet import Fernet; '
                     'print(Fernet.generate_key().decode())"',
                id="connections.E002",
            ))
    return errors

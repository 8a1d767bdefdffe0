"""Builders for connection rows without talking to e-Boekhouden."""

import itertools
import uuid

from django.utils import timezone

from connections.models import Connection


def make_connection(
    organization,
    *,
    status: str = Connection.Status.CONNECTED,
    username: str = "demo@example.test",
    security_code_1: str = "0123456789abcdef0123456789abcdef",
    security_code_2: str = "11111111-2222-3333-4444-555555555555",
    configured: bool = True,
) -> Connection:
    connection = Connection(organization=organization, status=status)
    if status != Connection.Status.NOT_CONNECTED:
        connection.set_credential("username", username)
        connection.set_credential("security_code_1", security_code_1)
        connection.set_credential("security_code_2", security_code_2)
        connection.connected_at = connection.credentials_updated_at = timezone.now()
        if configured:
            connection.set_credential("administration_guid", security_code_2)
            connection.administration_name = "Testadministratie"
            connection.configured_at = timezone.now()
    connection.save()
    return connection


_usernames = itertools.count(1)


def new_username() -> str:
    """Unique across test runs too (the session's sandbox keeps its accounts)."""
    return f"u{next(_usernames)}-{uuid.uuid4().hex[:8]}@example.test"

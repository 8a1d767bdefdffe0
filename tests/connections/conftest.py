"""Fixtures for the connection tests (the sandbox, keys and `ebh` live in tests/conftest.py)."""

import pytest
from django.test import Client

from tests.connections.factories import new_username
from tests.factories import make_user


@pytest.fixture
def account(ebh) -> dict:
    """A fresh sandbox account with one administration."""
    return ebh.add_account(new_username())


@pytest.fixture
def member_client(org_a) -> Client:
    """A logged-in member of organization A who is not an owner."""
    from accounts.models import Membership

    member = make_user("member@example.test", full_name="Mia Member")
    Membership.objects.create(user=member, organization=org_a, role=Membership.Role.MEMBER)
    client = Client()
    client.force_login(member)
    return client

import pytest
from rest_framework.test import APIClient

from api.services import token_create


def api_client(plain: str, language: str = "en") -> APIClient:
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE=language)
    client.raise_request_exception = False
    return client


def make_token(organization, user, scope="write", name="Webshop", **fields):
    return token_create(organization=organization, user=user, name=name, scope=scope, **fields)


@pytest.fixture
def token_a(org_a, user_a):
    return make_token(org_a, user_a)


@pytest.fixture
def api_a(token_a) -> APIClient:
    return api_client(token_a[1])


@pytest.fixture
def reader_a(org_a, user_a) -> APIClient:
    return api_client(make_token(org_a, user_a, scope="read", name="Spreadsheet")[1])


@pytest.fixture
def api_b(org_b, user_b) -> APIClient:
    return api_client(make_token(org_b, user_b, name="Other")[1])

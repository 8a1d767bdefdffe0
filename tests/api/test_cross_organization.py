"""A foreign organization's token walks every endpoint of the API (found from the URLconf):
every object answers 404, every list is empty; the owner's own token reaches the same URLs."""

import pytest

from tests.api.conftest import api_client, make_token
from tests.api.walk import BUILDERS, api_endpoints, basename, methods

ENDPOINTS = api_endpoints()


def test_the_walk_sees_every_kind_of_endpoint():
    assert {basename(e) for e in ENDPOINTS} == set(BUILDERS)
    assert len(ENDPOINTS) >= 20


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_a_foreign_token_gets_404_or_an_empty_list(endpoint, org_a, user_a, org_b, user_b):
    row = BUILDERS[basename(endpoint)](org_a, user_a)
    foreign = api_client(make_token(org_b, user_b)[1])
    own = api_client(make_token(org_a, user_a)[1])
    if "pk" not in endpoint.arguments:
        listed = foreign.get(endpoint.path({}))
        assert listed.status_code == 200 and listed.json()["count"] == 0
        assert own.get(endpoint.path({})).json()["count"] >= 1
        return
    url = endpoint.path({"pk": str(row.pk)})
    for method in methods(endpoint):
        response = getattr(foreign, method)(url, {}, format="json")
        assert response.status_code == 404, f"{method.upper()} {url} leaked"
    assert own.get(url).status_code != 404 or "get" not in methods(endpoint)

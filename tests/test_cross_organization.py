"""One table-driven test: a user of organization B gets 404 for every object URL of A.

Each app contributes its cases in tests/<app>/cross_org_cases.py (a CASES dict of
url name -> builder(org_a, user_a) returning (method, url))."""

import importlib
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).parent


def _all_cases() -> dict:
    cases = {}
    for path in sorted(TESTS_DIR.glob("*/cross_org_cases.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.cross_org_cases")
        cases.update(module.CASES)
    return cases


CASES = _all_cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_other_organization_gets_404(name, org_a, user_a, client_b, client_a):
    method, url = CASES[name](org_a, user_a)
    response = getattr(client_b, method)(url)
    assert response.status_code == 404, f"{name} leaked to another organization"
    # The owner of A does reach the same URL: the 404 above is isolation, not a broken URL.
    own = getattr(client_a, method)(url)
    assert own.status_code != 404, f"{name} is not reachable for its own organization"


def test_every_app_registers_cases():
    assert "accounts:member_remove" in CASES

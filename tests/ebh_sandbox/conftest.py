"""Fixtures for the sandbox tests: one sandbox process per test session, reset per test.

These tests need no database of the Django project: they talk to the sandbox over HTTP.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zeep

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # so `-p no:django` runs can import the packages too
    sys.path.insert(0, str(REPO_ROOT))

from ebh_sandbox.testing import BINDING, SandboxProcess  # noqa: E402
from tests.ebh_sandbox.builders import Api  # noqa: E402
from tests.ebh_sandbox.rest_builders import Rest  # noqa: E402

# ../shared beside the repository (EBH_SHARED_DIR overrides it, e.g. in a git worktree).
SHARED = Path(os.environ.get("EBH_SHARED_DIR") or REPO_ROOT.parent / "shared")
REAL_WSDL = SHARED / "ebh" / "soap.wsdl"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess() as process:
        yield process


@pytest.fixture
def sb(sandbox: SandboxProcess) -> Iterator[SandboxProcess]:
    """The shared sandbox with faults, counters and settings back to their start-up state."""
    sandbox.reset()
    yield sandbox
    sandbox.reset()


@pytest.fixture(scope="session")
def zeep_client(sandbox: SandboxProcess) -> zeep.Client:
    """zeep loaded with the sandbox's own WSDL (the contract tests use the real one)."""
    return zeep.Client(sandbox.wsdl_url)


@pytest.fixture
def service(sb: SandboxProcess, zeep_client: zeep.Client) -> Any:
    return zeep_client.create_service(BINDING, sb.endpoint)


@pytest.fixture(scope="session")
def real_wsdl() -> Path:
    if not REAL_WSDL.exists():
        pytest.skip(f"{REAL_WSDL} is missing: the contract tests need ../shared/ebh/soap.wsdl")
    return REAL_WSDL


def unique_username(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def account(sb: SandboxProcess) -> dict[str, Any]:
    return sb.add_account(unique_username())


@pytest.fixture
def api(service: Any, account: dict[str, Any]) -> Api:
    """An open session on the account's first administration."""
    return Api(service, account)


@pytest.fixture
def rest(sb: SandboxProcess, account: dict[str, Any]) -> Rest:
    """An open REST session on the account's first administration (its API token)."""
    return Rest(sb.rest_url, account["api_token"])

"""The offline UBL validation kit (../shared/einvoice: the CEN EN 16931 and Peppol BIS 3
rules), compiled once per test session; tests that need it skip with the reason when the
shared folder or saxonche is missing."""

import importlib.util
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the repository (EBH_SHARED_DIR overrides it, e.g. in a git worktree).
SHARED = Path(os.environ.get("EBH_SHARED_DIR") or REPO_ROOT.parent / "shared")
KIT = SHARED / "einvoice" / "validate.py"


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _load_kit():
    if not KIT.is_file():
        pytest.skip(f"the UBL validation kit is not at {KIT} (set EBH_SHARED_DIR)")
    if importlib.util.find_spec("saxonche") is None:
        pytest.skip("the UBL validation kit needs saxonche (pip install saxonche==13.1.1)")
    spec = importlib.util.spec_from_file_location("ubl_validation_kit", KIT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def ubl_kit():
    """The kit's module with its stylesheets compiled (the first validation compiles them)."""
    kit = _load_kit()
    kit._compiled()
    return kit


@pytest.fixture(scope="session")
def fatal_findings(ubl_kit):
    """``fatal_findings(xml_bytes)``: the fatal rule failures, as "RULE: text" strings."""
    def check(document: bytes) -> list[str]:
        return [f"{issue['id']}: {issue['text']} at {issue['location']}"
                for issue in ubl_kit.validate(document) if issue["flag"] == "fatal"]
    return check

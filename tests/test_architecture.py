"""The layering the house rules ask for, checked on the source: the e-Boekhouden protocol
lives in a package of its own that knows no Django, zeep is imported by its SOAP module only,
and no app imports another app inside a function (the sign of a piece in the wrong place)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The source scans and the catalog extraction share one xdist worker: makemessages writes
# each template's extract as "<template>.py" beside it for a moment, which a scan for *.py
# files on the other worker would read.
pytestmark = pytest.mark.xdist_group("source-tree")
APPS = {"accounts", "api", "backups", "config", "connections", "ebh_sync", "einvoice",
        "invoicing", "workorders", "quotes", "recurring", "reminders", "webhooks"}
PRODUCT = sorted(APPS | {"eboekhouden"})


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def _imported(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module]
    return []


def _all_imports(tree) -> list[str]:
    return [name for node in ast.walk(tree) for name in _imported(node)]


def test_the_protocol_package_imports_no_django_and_no_app():
    found = [(path.name, name) for path, tree in _modules("eboekhouden")
             for name in _all_imports(tree) if name.split(".")[0] in APPS | {"django"}]
    assert not found


def test_the_protocol_package_loads_without_django():
    script = ("import sys, eboekhouden.client, eboekhouden.soap, eboekhouden.rest;"
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_zeep_is_imported_by_the_soap_module_only():
    users = sorted(str(path.relative_to(ROOT)) for package in PRODUCT if (ROOT / package).is_dir()
                   for path, tree in _modules(package)
                   if any(name.split(".")[0] == "zeep" for name in _all_imports(tree)))
    assert users == ["eboekhouden/soap.py"]


def _function_imports(tree):
    for function in ast.walk(tree):
        is_function = isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        if is_function and function.name != "ready":
            for node in ast.walk(function):
                yield from _imported(node)


def test_no_app_imports_another_app_inside_a_function():
    crossing = []
    for package in PRODUCT:
        if not (ROOT / package).is_dir():
            continue
        for path, tree in _modules(package):
            crossing += [(str(path.relative_to(ROOT)), name) for name in _function_imports(tree)
                         if name.split(".")[0] in APPS | {"eboekhouden"}
                         and name.split(".")[0] != package]
    assert not crossing

"""Every Decimal.quantize in the repository names its rounding mode: the context default
(half-even) would round 3.675 to 3.68 but 3.665 to 3.66, unlike the half-up e-Boekhouden
checks against."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The source scans and the catalog extraction share one xdist worker: makemessages writes
# each template's extract as "<template>.py" beside it for a moment, which a scan for *.py
# files on the other worker would read.
pytestmark = pytest.mark.xdist_group("source-tree")
SKIPPED = {".venv", "node_modules", "var", ".git"}


def python_files() -> list[Path]:
    return [path for path in ROOT.rglob("*.py")
            if not SKIPPED & set(path.relative_to(ROOT).parts)]


def quantize_without_rounding(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "quantize" and len(node.args) < 2
                and not any(keyword.arg == "rounding" for keyword in node.keywords)):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_a_quantize_without_rounding_mode():
    assert quantize_without_rounding("x = amount.quantize(CENT)\n") == [1]
    assert quantize_without_rounding("x = a.quantize(CENT, rounding=ROUND_HALF_UP)\n") == []
    assert quantize_without_rounding("x = a.quantize(CENT, ROUND_HALF_UP)\n") == []


def test_no_quantize_without_an_explicit_rounding_mode():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files()
        for line in quantize_without_rounding(path.read_text(encoding="utf-8"))
    ]
    assert len(python_files()) > 100
    assert found == []

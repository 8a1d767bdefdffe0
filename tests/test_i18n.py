"""Every user-visible string is translatable, and Dutch has a translation for each."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The source scans and the catalog extraction share one xdist worker: makemessages writes
# each template's extract as "<template>.py" beside it for a moment, which a scan for *.py
# files on the other worker would read.
pytestmark = pytest.mark.xdist_group("source-tree")
CATALOG = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
# Not the product's own text (or not source at all): left out of the copy that is extracted.
NOT_EXTRACTED = (".git", ".venv", "node_modules", "var", "staticfiles", "tests", "bench",
                 "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis")


def test_dutch_catalog_is_complete():
    catalog = polib.pofile(str(CATALOG))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_every_marked_string_is_in_the_dutch_catalog(tmp_path):
    """Extract the strings afresh in a copy of the source tree (makemessages writes into the
    catalog beside the files it reads, and template extracts beside the templates) and find
    none without a Dutch translation."""
    assert shutil.which("xgettext"), "gettext is installed by make (scripts/system_deps.py)"
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(*NOT_EXTRACTED, "*.mo"))
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup();"
        "from django.core.management import call_command;"
        "call_command('makemessages', locale=['nl'], ignore_patterns=['ebh_sandbox/*'],"
        " no_obsolete=True, verbosity=0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tree, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(tree / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()]
    assert not missing, f"strings without a Dutch translation: {missing[:30]}"

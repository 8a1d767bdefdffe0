"""What the in-process benchmarks share: a database of their own for the run (made afresh on
DATABASE_URL's server and dropped at the end), media in a temporary folder, and the figures
printed as JSON (and written to a file when asked)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def bench_database(name: str) -> Iterator:
    """Django set up on database ``name``; yields the settings (media in a temporary folder)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with tempfile.TemporaryDirectory() as media:
            settings.MEDIA_ROOT = media
            yield settings
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def report(figures: dict, path: Path | None) -> None:
    text = json.dumps(figures, indent=2)
    print(text)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")

"""`make run` (no REDIS_URL): web, worker and beat are separate processes, so the wake-up mark
must live where all of them see it. With a per-process cache the web's mark outlived the
worker's clear_wake, no task was published for new bookings, and they waited for the sweeper."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# One process: set up Django the way `make run` does, then act on the wake-up mark.
SCRIPT = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.cache import cache
from ebh_sync.services import WAKE_KEY, clear_wake
action = sys.argv[1]
if action == "mark":
    print(cache.add(WAKE_KEY.format(42), 1, timeout=600))
else:
    clear_wake(42)
    print("cleared")
"""


def _process(action: str, var_dir: Path) -> str:
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "DATABASE_URL", "CELERY_BROKER_URL")}
    env["VAR_DIR"] = str(var_dir)
    result = subprocess.run([sys.executable, "-c", SCRIPT, action], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_wake_up_mark_is_shared_between_processes_in_the_embedded_setup(tmp_path):
    assert _process("mark", tmp_path) == "True"  # the web process publishes a drain task
    assert _process("mark", tmp_path) == "False"  # a second finalize sees the mark: no message
    assert _process("clear", tmp_path) == "cleared"  # the worker starts the task
    assert _process("mark", tmp_path) == "True"  # so the next finalize publishes again

"""The Celery worker sets up logging its own way; the masking of secrets must survive that."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import logging, django
django.setup()
from config.celery import app
app.log.setup(loglevel="INFO", redirect_stdouts=False)  # what `celery worker` does at start
logging.getLogger("ebh_sync.engine").warning(
    "request <SecurityCode1>c0ffee-geheim-1</SecurityCode1> password=hunter2-geheim")
"""


def test_the_worker_keeps_the_secrets_filter():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "request <SecurityCode1>********</SecurityCode1>" in output
    assert "geheim" not in output

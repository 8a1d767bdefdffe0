"""Sentry (when SENTRY_DSN is set) and production's JSON logs keep the codes masked."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SENTRY_SCRIPT = """
import json, logging, sys, django
django.setup()
from config.sentry import init_sentry
events = []
init_sentry("http://public@127.0.0.1:9/1", environment="test",
            transport=events.append)  # a function transport receives each event
import sentry_sdk
def book(security_code_1):
    raise RuntimeError("refused <SecurityCode1>" + security_code_1 + "</SecurityCode1>")
try:
    book("c0ffee-geheim-1")
except RuntimeError:
    sentry_sdk.capture_exception()
logging.getLogger("ebh_sync").error("password=hunter2-geheim while booking")
sentry_sdk.flush()
print(json.dumps(events, default=str))
"""


def _run(script: str, **env) -> str:
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**_base_env(), **env})
    assert result.returncode == 0, result.stderr
    return result.stdout


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("SENTRY")}


def test_sentry_events_carry_no_codes_and_no_local_variables():
    events = json.loads(_run(SENTRY_SCRIPT).strip().splitlines()[-1])
    text = json.dumps(events)
    assert len(events) == 2, "an exception and a logged error were both reported"
    assert "refused <SecurityCode1>********</SecurityCode1>" in text
    assert "password=********" in text
    assert "geheim" not in text
    assert '"vars"' not in text  # no local variables of stack frames


JSON_LOG_SCRIPT = """
import logging, django
django.setup()
logging.getLogger("ebh_sync.engine").warning("booked with password=hunter2-geheim")
"""


def test_production_logs_are_json_lines_and_masked():
    output = subprocess.run([sys.executable, "-c", JSON_LOG_SCRIPT], cwd=ROOT,
                            capture_output=True, text=True, timeout=60,
                            env={**_base_env(), "LOG_FORMAT": "json"})
    line = json.loads(output.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "ebh_sync.engine"
    assert line["message"] == "booked with password=********"

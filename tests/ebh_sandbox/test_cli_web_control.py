"""The command line, the read-only web view and the loopback-only control plane."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
import requests

from ebh_sandbox.server import SandboxApp
from ebh_sandbox.settings import Settings
from ebh_sandbox.store import Store
from ebh_sandbox.testing import PACKAGE_ROOT, SandboxError, SandboxProcess
from tests.ebh_sandbox.builders import Api, line

GUID = r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ebh_sandbox", *args], capture_output=True, text=True,
        cwd=PACKAGE_ROOT, timeout=60, check=False)


@pytest.mark.slow
def test_add_account_prints_one_json_line(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    done = cli("add-account", "--db", db, "--username", "kees", "--administrations", "3",
               "--accountant")
    assert done.returncode == 0, done.stderr
    [output] = done.stdout.splitlines()
    info = json.loads(output)
    assert info["username"] == "kees" and info["accountant"] is True
    assert re.fullmatch(r"[0-9a-f]{32}", info["security_code_1"])
    assert re.fullmatch(GUID, info["security_code_2"])
    assert len(info["administrations"]) == 3
    assert info["administrations"][0] == info["security_code_2"]
    assert all(re.fullmatch(GUID, guid) for guid in info["administrations"])
    shown = cli("show-account", "--db", db, "--username", "kees")
    assert json.loads(shown.stdout) == info
    again = cli("add-account", "--db", db, "--username", "kees")
    assert again.returncode == 2 and "already exists" in again.stderr
    idempotent = cli("add-account", "--db", db, "--username", "kees", "--if-missing")
    assert idempotent.returncode == 0 and json.loads(idempotent.stdout) == info
    assert cli("show-account", "--db", db, "--username", "nobody").returncode == 2


@pytest.mark.slow
def test_serve_flags_set_faults_and_settings(tmp_path: Path) -> None:
    db = tmp_path / "flags.sqlite3"
    before = json.loads(cli("add-account", "--db", str(db), "--username", "piet").stdout)
    flags = ["--fault-http500-rate", "1", "--fault-operations", "GetKostenplaatsen",
             "--fault-seed", "3", "--session-expired-code", "E0023", "--vat-tolerance", "0.05",
             "--fault-password-changed", "piet"]
    with SandboxProcess(db, args=flags) as process:
        after = json.loads(cli("show-account", "--db", str(db), "--username", "piet").stdout)
        assert after["security_code_1"] != before["security_code_1"]
        faults = requests.get(f"{process.url}/_control/faults", timeout=10).json()
        assert faults["http500_rate"] == 1 and faults["operations"] == ["GetKostenplaatsen"]
        assert faults["seed"] == 3
        settings = requests.get(f"{process.url}/_control/settings", timeout=10).json()
        assert settings["session_expired_code"] == "E0023" and settings["vat_tolerance"] == "0.05"
        process.reset()  # back to the start-up flags, not to the defaults
        settings = requests.get(f"{process.url}/_control/settings", timeout=10).json()
        assert settings["session_expired_code"] == "E0023"


@pytest.mark.slow
def test_bad_serve_flags_fail_clearly(tmp_path: Path) -> None:
    done = cli("serve", "--db", str(tmp_path / "x.sqlite3"), "--port", "0",
               "--session-expired-code", "E9")
    assert done.returncode == 2 and "session_expired_code" in done.stderr


@pytest.mark.slow
def test_demo_creates_the_account_once_and_shows_it(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    account_file = tmp_path / "var" / "account.json"
    outputs = []
    for _ in range(2):
        process = subprocess.Popen(
            [sys.executable, "-m", "ebh_sandbox", "demo", "--db", db, "--port", "0",
             "--account-file", str(account_file)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PACKAGE_ROOT)
        lines = []
        try:
            for text in process.stdout:  # type: ignore[union-attr]
                lines.append(text)
                if "Watch the bookings" in text:
                    break
        finally:
            process.terminate()
            process.wait(timeout=10)
        outputs.append("".join(lines))
    info = json.loads(cli("show-account", "--db", db, "--username", "demo").stdout)
    assert json.loads(account_file.read_text().splitlines()[-1]) == info
    for output in outputs:
        assert info["security_code_1"] in output and info["security_code_2"] in output
        assert re.search(r"http://127\.0\.0\.1:\d+/soap\.asmx", output)


# -- web view ----------------------------------------------------------------------------------


def test_web_view_shows_the_administration(sb: SandboxProcess, api: Api) -> None:
    api.add_relation("K001", Bedrijf="<script>alert(1)</script> & Zn")
    api.book(Factuurnummer="F-WEB", lines=[line("100.00"), line("7.00", "9", "LAAG_VERK_9")])
    api("AddMutatie", oMut={"MutatieNr": 0, "Soort": "Memoriaal", "Datum": "2024-01-01"})
    index = requests.get(sb.url + "/", timeout=10)
    assert index.status_code == 200
    assert "default-src 'none'" in index.headers["Content-Security-Policy"]
    admin_link = re.search(r'href="(/administratie/\d+)">' + re.escape(
        f"{api.account['username']} administratie 1"), index.text)
    assert admin_link
    page = requests.get(sb.url + admin_link.group(1), timeout=10).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Zn" in page
    assert "<script>" not in page
    assert "F-WEB" in page and "128.63" in page and "LAAG_VERK_9" in page
    assert "CMUT005" in page  # the call log shows the rejected Memoriaal
    for secret in (api.account["security_code_1"], api.guid, api.session_id):
        assert secret not in page and secret not in index.text


def test_web_view_errors(sb: SandboxProcess) -> None:
    assert requests.get(sb.url + "/administratie/999999", timeout=10).status_code == 404
    assert requests.post(sb.url + "/", timeout=10).status_code == 405


# -- control plane -----------------------------------------------------------------------------


def wsgi_call(app: SandboxApp, path: str, remote: str, method: str = "GET",
              body: bytes = b"", **headers: str) -> tuple[str, Any]:
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": method,
                               "REMOTE_ADDR": remote, "CONTENT_LENGTH": str(len(body)),
                               "CONTENT_TYPE": "application/json",
                               "wsgi.input": io.BytesIO(body)}
    environ.update(headers)
    setup_testing_defaults(environ)
    status: list[str] = []
    chunks = app(environ, lambda s, headers: status.append(s))
    return status[0], json.loads(b"".join(chunks))


@pytest.fixture
def app(tmp_path: Path) -> SandboxApp:
    return SandboxApp(Store(tmp_path / "app.sqlite3"), Settings())


def test_control_endpoints_are_loopback_only(app: SandboxApp) -> None:
    for path in ("/_control/stats", "/_control/health"):
        status, answer = wsgi_call(app, path, "10.1.2.3")
        assert status.startswith("403") and "loopback" in answer["error"]
    status, _ = wsgi_call(app, "/_control/reset", "192.168.1.5", "POST", b"{}")
    assert status.startswith("403")
    assert wsgi_call(app, "/_control/health", "127.0.0.1")[1] == {"ok": True}
    assert wsgi_call(app, "/_control/health", "::1")[1] == {"ok": True}


@pytest.mark.parametrize(("headers", "status", "reason"), [
    ({"HTTP_HOST": "attacker.example:8765"}, "403", "loopback Host"),
    ({"HTTP_HOST": "127.0.0.1.nip.io"}, "403", "loopback Host"),
    ({"HTTP_ORIGIN": "https://attacker.example"}, "403", "foreign Origin"),
    ({"HTTP_ORIGIN": "null"}, "403", "foreign Origin"),
    ({"HTTP_SEC_FETCH_SITE": "cross-site"}, "403", "cross-site"),
    ({"CONTENT_TYPE": "text/plain"}, "415", "application/json"),
    ({"CONTENT_TYPE": "application/x-www-form-urlencoded"}, "415", "application/json"),
])
def test_a_web_page_cannot_drive_the_control_plane(app: SandboxApp, headers, status,
                                                    reason) -> None:
    """A cross-site form POST, a fetch from a foreign page and a DNS-rebound name are refused
    before anything changes: the faults stay as they were."""
    answer_status, answer = wsgi_call(app, "/_control/faults", "127.0.0.1", "POST",
                                      b'{"http500_rate": 1.0}', **headers)
    assert answer_status.startswith(status) and reason in answer["error"]
    assert wsgi_call(app, "/_control/faults", "127.0.0.1")[1]["http500_rate"] == 0


@pytest.mark.parametrize("headers", [
    {"HTTP_HOST": "localhost:8765", "HTTP_ORIGIN": "http://127.0.0.1:8765"},
    {"HTTP_HOST": "[::1]:8765", "CONTENT_TYPE": "application/json; charset=utf-8"},
    {"HTTP_HOST": "127.0.0.1", "HTTP_SEC_FETCH_SITE": "same-origin"},
])
def test_loopback_callers_drive_the_control_plane(app: SandboxApp, headers) -> None:
    status, answer = wsgi_call(app, "/_control/faults", "127.0.0.1", "POST",
                               b'{"http500_rate": 0.5}', **headers)
    assert status.startswith("200") and answer["faults"]["http500_rate"] == 0.5


def test_control_errors_are_json(app: SandboxApp) -> None:
    assert wsgi_call(app, "/_control/nope", "127.0.0.1")[0].startswith("404")
    status, answer = wsgi_call(app, "/_control/faults", "127.0.0.1", "POST", b"not json")
    assert status.startswith("400") and answer["error"]
    status, _ = wsgi_call(app, "/_control/settings", "127.0.0.1", "POST", b'{"nope": 1}')
    assert status.startswith("400")


def test_control_reads_need_a_known_administration(sb: SandboxProcess) -> None:
    with pytest.raises(SandboxError, match="404"):
        sb.mutations("NOT-A-GUID")
    with pytest.raises(SandboxError, match="already exists"):
        sb.add_account("dup-user")
        sb.add_account("dup-user")

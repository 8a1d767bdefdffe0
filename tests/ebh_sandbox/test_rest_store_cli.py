"""The store migration for REST, the command line's tokens and the control plane's refusals."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import requests

from ebh_sandbox.__main__ import main as cli
from ebh_sandbox.store import DDL, SCHEMA_VERSION, Store
from ebh_sandbox.testing import SandboxError, SandboxProcess


def test_a_database_from_before_rest_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(DDL)  # the first schema, user_version 0
    conn.execute("INSERT INTO accounts (username, security_code_1, security_code_2, created_at) "
                 "VALUES ('old', 'c1', 'G', 0)")
    conn.execute("INSERT INTO administrations (account_id, guid, bedrijf, plaats, "
                 "start_boekjaar) VALUES (1, 'G', 'Oud', 'Ede', '2020-01-01')")
    conn.commit()
    conn.close()
    store = Store(path)
    with store.read() as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = {row["name"] for row in db.execute("PRAGMA table_info(mutations)")}
        tokens = db.execute("SELECT COUNT(*) FROM api_tokens WHERE admin_id = 1").fetchone()[0]
    store.close()
    assert "transport" in columns
    assert tokens == 1
    Store(path).close()  # opening again changes nothing
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM api_tokens").fetchone()[0] == 1


def test_the_command_line_adds_revokes_and_expires_tokens(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def _cli(*args: str) -> dict:
        assert cli([*args]) == 0
        return json.loads(capsys.readouterr().out)

    db = str(tmp_path / "cli.sqlite3")
    account = _cli("add-account", "--db", db, "--username", "cli")
    guid = account["administrations"][0]
    extra = _cli("api-token", "--db", db, "--add", guid)["api_token"]
    late = _cli("api-token", "--db", db, "--add", guid, "--expires-in-s", "3600")["api_token"]
    _cli("api-token", "--db", db, f"--revoke={account['api_token']}")
    _cli("api-token", "--db", db, f"--expire={late}")
    with SandboxProcess(db) as sb:
        def status(token: str) -> tuple[int, str | None]:
            answer = requests.post(f"{sb.rest_url}/v1/session",
                                   json={"accessToken": token, "source": "cli"}, timeout=10)
            return answer.status_code, answer.json().get("code")
        assert status(account["api_token"]) == (403, "SECURITY_001")
        assert status(late) == (403, "API_SESSION_004")
        assert status(extra)[0] == 200


def test_the_control_plane_refuses_unknown_tokens_and_administrations(
        sb: SandboxProcess) -> None:
    with pytest.raises(SandboxError, match="400"):
        sb.revoke_api_token("no-such-token")
    with pytest.raises(SandboxError, match="400"):
        sb.add_api_token("no-such-administration")

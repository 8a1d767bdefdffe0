"""The session protocol (SOAP_API.md §2.3): OpenSession, OpenSessionSub, CloseSession, AutoLogin.

Sessions live in SQLite, so a sandbox restart does not log clients out.
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from .accounts import new_guid
from .errors import BusinessError, require
from .settings import Settings
from .store import now


@dataclass(frozen=True)
class Session:
    id: str
    account_id: int
    username: str
    admin_id: int
    admin_guid: str
    security_code_2: str


def admin_id_for_guid(conn: sqlite3.Connection, guid: str | None) -> int | None:
    row = conn.execute("SELECT id FROM administrations WHERE guid = ?", (guid or "",)).fetchone()
    return row["id"] if row else None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _authenticate(conn: sqlite3.Connection, req: dict[str, Any]) -> sqlite3.Row:
    username = req.get("Username") or ""
    code_1 = req.get("SecurityCode1") or ""
    require(username and code_1 and req.get("SecurityCode2"), "E001.7")
    account = conn.execute("SELECT * FROM accounts WHERE username = ?", (username,)).fetchone()
    # One code for "no such user" and "wrong code 1": do not reveal which usernames exist.
    require(account is not None and _same(account["security_code_1"], code_1), "E001.1")
    require(account["api_access"], "E001.5")
    return account


def _account_admin(conn: sqlite3.Connection, account_id: int, guid: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM administrations WHERE account_id = ? AND guid = ?", (account_id, guid)
    ).fetchone()


def open_session(conn: sqlite3.Connection, req: dict[str, Any], *, sub: bool) -> str:
    """OpenSession / OpenSessionSub: check the credentials, return a new SessionID."""
    account = _authenticate(conn, req)
    has_admin = conn.execute(
        "SELECT 1 FROM administrations WHERE account_id = ?", (account["id"],)
    ).fetchone()
    require(has_admin, "E001.2")
    code_2 = req["SecurityCode2"]
    require(_account_admin(conn, account["id"], code_2), "E001.3")
    target_guid = code_2
    if sub:
        require(account["accountant"], "E002.5")
        target_guid = req.get("AdministratieGUID") or ""
    admin = _account_admin(conn, account["id"], target_guid)
    require(admin, "E001.2")
    session_id = "{" + new_guid() + "}"
    conn.execute(
        "INSERT INTO sessions (id, account_id, admin_id, security_code_2, source, state, "
        "opened_at, last_used) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
        (session_id, account["id"], admin["id"], code_2, req.get("Source"), now(), now()),
    )
    return session_id


def require_session(
    conn: sqlite3.Connection,
    settings: Settings,
    session_id: str | None,
    security_code_2: str | None,
) -> Session:
    """Validate a data call's SessionID and SecurityCode2; touch the session."""
    require(session_id, "E002.1")
    row = conn.execute(
        "SELECT s.*, a.guid AS admin_guid, acc.username FROM sessions s "
        "JOIN administrations a ON a.id = s.admin_id JOIN accounts acc ON acc.id = s.account_id "
        "WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    require(row, "E002.2")
    require(row["state"] != "closed", "E002.4")
    idle = now() - row["last_used"]
    if row["state"] == "expired" or idle > settings.session_idle_timeout_s:
        expire_session(conn, row["id"])
        raise BusinessError(settings.session_expired_code)
    if settings.check_security_code_2:
        allowed = (row["security_code_2"], row["admin_guid"])
        require(security_code_2 in allowed, "E002.1")
    conn.execute("UPDATE sessions SET last_used = ? WHERE id = ?", (now(), row["id"]))
    return Session(row["id"], row["account_id"], row["username"], row["admin_id"],
                   row["admin_guid"], row["security_code_2"])


def expire_session(conn: sqlite3.Connection, session_id: str) -> None:
    conn.execute("UPDATE sessions SET state = 'expired' WHERE id = ?", (session_id,))


def close_session(conn: sqlite3.Connection, session_id: str | None) -> None:
    # Closing an unknown or already closed session is not an error (clients ignore it anyway).
    conn.execute(
        "UPDATE sessions SET state = 'closed' WHERE id = ? AND state != 'closed'",
        (session_id or "",),
    )


def session_admin(conn: sqlite3.Connection, session_id: str | None) -> int | None:
    row = conn.execute(
        "SELECT admin_id FROM sessions WHERE id = ?", (session_id or "",)
    ).fetchone()
    return row["admin_id"] if row else None


def create_autologin_token(conn: sqlite3.Connection, session: Session, username: str) -> str:
    require(username == session.username, "E001.1")
    token = secrets.token_urlsafe(24)
    conn.execute(
        "INSERT INTO autologin_tokens (token, admin_id, created_at) VALUES (?, ?, ?)",
        (token, session.admin_id, now()),
    )
    return token


def consume_autologin_token(conn: sqlite3.Connection, token: str, guid: str) -> int | None:
    """Single use: the web view's ``/bh/inloggen.asp`` trades a token for a page."""
    row = conn.execute(
        "SELECT t.admin_id FROM autologin_tokens t JOIN administrations a ON a.id = t.admin_id "
        "WHERE t.token = ? AND a.guid = ? AND t.used = 0",
        (token, guid),
    ).fetchone()
    if row is None:
        return None
    conn.execute("UPDATE autologin_tokens SET used = 1 WHERE token = ?", (token,))
    return row["admin_id"]

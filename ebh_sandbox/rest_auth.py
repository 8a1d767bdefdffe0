"""REST credentials: API tokens (one per administration) and the sessions opened with them.

``POST /v1/session {"accessToken", "source"}`` trades a token for a session token that every
other call sends as ``Authorization: <session token>`` (no "Bearer"). Sessions live in SQLite
next to the SOAP ones and end ``rest_session_lifetime_s`` after they were opened.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from typing import Any

from .accounts import AccountError, new_api_token
from .rest_errors import RestError
from .sessions import Session, admin_id_for_guid
from .settings import Settings
from .store import now

# The document's pattern ^[\w_ ]{1,10}$ (.NET's \w: Unicode letters, digits, underscore).
SOURCE_PATTERN = re.compile(r"[\w ]{1,10}")


def open_session(conn: sqlite3.Connection, settings: Settings, body: dict[str, Any]) -> dict:
    """Check the API token and source; answer ``{"token", "expiresIn"}``."""
    source, access_token = body.get("source"), body.get("accessToken")
    if source is None or source == "":
        raise RestError.validation("API_SESSION_001", "source")
    if not isinstance(source, str) or not SOURCE_PATTERN.fullmatch(source):
        raise RestError.validation("API_SESSION_002", "source")
    if not isinstance(access_token, str) or not access_token.strip():
        raise RestError.validation("API_SESSION_003", "accessToken")
    row = conn.execute("SELECT * FROM api_tokens WHERE token = ?", (access_token,)).fetchone()
    if row is None or row["revoked"]:
        raise RestError.security("SECURITY_001")
    if row["expires_at"] is not None and row["expires_at"] <= now():
        raise RestError.security("API_SESSION_004")
    token = secrets.token_urlsafe(32)
    lifetime = int(settings.rest_session_lifetime_s)
    conn.execute(
        "INSERT INTO rest_sessions (token, admin_id, api_token, source, opened_at, expires_at, "
        "state) VALUES (?, ?, ?, ?, ?, ?, 'open')",
        (token, row["admin_id"], access_token, source, now(), now() + lifetime),
    )
    return {"token": token, "expiresIn": lifetime}


def require_session(conn: sqlite3.Connection, token: str | None) -> Session:
    """The session of an ``Authorization`` header; 401 SECURITY_010 when there is none.

    A session whose API token was revoked (or expired) since ends with it.
    """
    row = conn.execute(
        "SELECT s.*, a.guid, a.account_id, acc.username, acc.security_code_2, "
        "  t.revoked, t.expires_at AS token_expires_at "
        "FROM rest_sessions s JOIN administrations a ON a.id = s.admin_id "
        "JOIN accounts acc ON acc.id = a.account_id JOIN api_tokens t ON t.token = s.api_token "
        "WHERE s.token = ?",
        (token or "",),
    ).fetchone()
    token_gone = row is not None and (row["revoked"] or (
        row["token_expires_at"] is not None and row["token_expires_at"] <= now()))
    if row is None or row["state"] != "open" or row["expires_at"] <= now() or token_gone:
        raise RestError.unauthenticated()
    return Session(row["token"], row["account_id"], row["username"], row["admin_id"],
                   row["guid"], row["security_code_2"])


def expire_session(conn: sqlite3.Connection, token: str) -> None:
    conn.execute("UPDATE rest_sessions SET state = 'expired' WHERE token = ?", (token,))


def close_session(conn: sqlite3.Connection, token: str) -> None:
    conn.execute("UPDATE rest_sessions SET state = 'closed' WHERE token = ?", (token,))


# ---------------------------------------------------------------------------------------------
# Token management for the control plane (tests, browser scenarios)
# ---------------------------------------------------------------------------------------------


def add_token(conn: sqlite3.Connection, guid: str, expires_in_s: float | None) -> dict:
    admin_id = admin_id_for_guid(conn, guid)
    if admin_id is None:
        raise AccountError(f"no administration {guid!r}")
    expires_at = None if expires_in_s is None else now() + float(expires_in_s)
    return {"api_token": new_api_token(conn, admin_id, expires_at), "admin": guid}


def revoke_token(conn: sqlite3.Connection, token: str) -> dict:
    _require_token(conn, token)
    conn.execute("UPDATE api_tokens SET revoked = 1 WHERE token = ?", (token,))
    return {"revoked": token}


def expire_token(conn: sqlite3.Connection, token: str) -> dict:
    """Give the token an end date in the past (e-Boekhouden's optional end date)."""
    _require_token(conn, token)
    conn.execute("UPDATE api_tokens SET expires_at = ? WHERE token = ?", (now() - 1, token))
    return {"expired": token}


def _require_token(conn: sqlite3.Connection, token: str) -> None:
    if not conn.execute("SELECT 1 FROM api_tokens WHERE token = ?", (token,)).fetchone():
        raise AccountError("no such API token")

"""Accounts and administrations: creation with seed data, look-up, security-code rotation."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import chart
from .store import Store, next_number, now

CENT = Decimal("0.01")


class AccountError(ValueError):
    pass


def new_security_code_1() -> str:
    return secrets.token_hex(16)


def new_guid() -> str:
    return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4)).upper()


def create_account(
    store: Store,
    username: str,
    *,
    administrations: int = 1,
    accountant: bool = False,
    api_access: bool = True,
) -> dict[str, Any]:
    """Create an account with ``administrations`` seeded administrations; return its codes."""
    if not username or len(username) > 55:
        raise AccountError("username must be 1 to 55 characters")
    if not 0 <= administrations <= 50:
        raise AccountError("administrations must be between 0 and 50")
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM accounts WHERE username = ?", (username,)).fetchone():
            raise AccountError(f"account {username!r} already exists")
        guids = [new_guid() for _ in range(administrations)] or [new_guid()]
        cursor = conn.execute(
            "INSERT INTO accounts (username, security_code_1, security_code_2, accountant, "
            "api_access, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (username, new_security_code_1(), guids[0], accountant, api_access, now()),
        )
        account_id = cursor.lastrowid
        assert account_id is not None
        for index, guid in enumerate(guids[:administrations], start=1):
            _seed_administration(conn, account_id, guid, _company_name(username, index))
        return account_info(conn, username)


def _company_name(username: str, index: int) -> str:
    return f"{username} administratie {index}"


def _seed_administration(
    conn: sqlite3.Connection, account_id: int, guid: str, bedrijf: str
) -> None:
    start = dt.date(dt.date.today().year, 1, 1).isoformat()
    cursor = conn.execute(
        "INSERT INTO administrations (account_id, guid, bedrijf, plaats, start_boekjaar) "
        "VALUES (?, ?, ?, ?, ?)",
        (account_id, guid, bedrijf, "Amsterdam", start),
    )
    admin_id = cursor.lastrowid
    assert admin_id is not None
    new_api_token(conn, admin_id)
    for code, omschrijving, categorie, groep in chart.LEDGERS:
        conn.execute(
            "INSERT INTO ledgers (admin_id, id, code, omschrijving, categorie, groep) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (admin_id, next_number(conn, admin_id, "ledger"), code, omschrijving, categorie,
             groep),
        )
    _seed_articles(conn, admin_id)
    for cc_id, omschrijving, parent in chart.COST_CENTRES:
        conn.execute(
            "INSERT INTO cost_centres (admin_id, id, omschrijving, parent_id) VALUES (?, ?, ?, ?)",
            (admin_id, cc_id, omschrijving, parent),
        )
    for name in chart.TEMPLATES:
        conn.execute("INSERT INTO templates (admin_id, name) VALUES (?, ?)", (admin_id, name))


def _seed_articles(conn: sqlite3.Connection, admin_id: int) -> None:
    for article_id, row in enumerate(chart.ARTICLES, start=1):
        code, omschrijving, groep_code, groep_oms, eenheid, inkoop, verkoop, btw, tegen = row
        pct = chart.VAT_CODES[btw].rate_on(dt.date.today())
        incl = (Decimal(verkoop) * (100 + pct) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        conn.execute(
            "INSERT INTO articles (admin_id, id, code, omschrijving, groep_code, "
            "groep_omschrijving, eenheid, inkoop, verkoop_excl, verkoop_incl, btw_code, btw_pct, "
            "tegenrekening, kostenplaats_id, actief) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1)",
            (admin_id, article_id, code, omschrijving, groep_code, groep_oms, eenheid, inkoop,
             verkoop, str(incl), btw, str(pct), tegen),
        )


def account_info(conn: sqlite3.Connection, username: str) -> dict[str, Any]:
    """The JSON shape printed by ``add-account``/``show-account``."""
    account = conn.execute("SELECT * FROM accounts WHERE username = ?", (username,)).fetchone()
    if account is None:
        raise AccountError(f"no account {username!r}")
    tokens = _api_tokens(conn, account["id"])
    guids = [
        row["guid"]
        for row in conn.execute(
            "SELECT guid FROM administrations WHERE account_id = ? ORDER BY id", (account["id"],)
        )
    ]
    return {
        "username": account["username"],
        "security_code_1": account["security_code_1"],
        "security_code_2": account["security_code_2"],
        "accountant": bool(account["accountant"]),
        "api_access": bool(account["api_access"]),
        "administrations": guids,
        # The REST API's credential: one token per administration (the first one's here).
        "api_token": tokens[guids[0]] if guids and guids[0] in tokens else None,
        "api_tokens": tokens,
    }


def new_api_token(
    conn: sqlite3.Connection, admin_id: int, expires_at: float | None = None
) -> str:
    """A new REST API token for one administration (as e-Boekhouden's settings page makes).
    Hexadecimal: a token never starts with "-", which a command line would read as an option."""
    token = secrets.token_hex(32)
    conn.execute(
        "INSERT INTO api_tokens (token, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token, admin_id, now(), expires_at),
    )
    return token


def _api_tokens(conn: sqlite3.Connection, account_id: int) -> dict[str, str]:
    """Per administration GUID its newest usable token (not revoked, not expired)."""
    rows = conn.execute(
        "SELECT a.guid, t.token FROM api_tokens t JOIN administrations a ON a.id = t.admin_id "
        "WHERE a.account_id = ? AND t.revoked = 0 AND (t.expires_at IS NULL OR t.expires_at > ?) "
        "ORDER BY t.created_at, t.rowid",
        (account_id, now()),
    ).fetchall()
    return {row["guid"]: row["token"] for row in rows}


def rotate_security_code_1(store: Store, username: str, *, end_sessions: bool) -> dict[str, str]:
    """Simulate a password change: security code 1 of ``username`` (or ``"*"``: all) changes."""
    with store.transaction() as conn:
        if username == "*":
            rows = conn.execute("SELECT id, username FROM accounts").fetchall()
        else:
            rows = conn.execute(
                "SELECT id, username FROM accounts WHERE username = ?", (username,)
            ).fetchall()
        if not rows:
            raise AccountError(f"no account {username!r}")
        rotated = {}
        for row in rows:
            code = new_security_code_1()
            conn.execute("UPDATE accounts SET security_code_1 = ? WHERE id = ?", (code, row["id"]))
            if end_sessions:
                conn.execute(
                    "UPDATE sessions SET state = 'expired' WHERE account_id = ? AND state = 'open'",
                    (row["id"],),
                )
            rotated[row["username"]] = code
        return rotated


def seed_relations(conn: sqlite3.Connection, admin_id: int, prefix: str, count: int) -> int:
    """``count`` business relations ``{prefix}00001``... (for paging tests and benchmarks)."""
    today = dt.date.today().isoformat()
    for number in range(1, count + 1):
        code = f"{prefix}{number:05d}"
        data = {"Code": code, "Bedrijf": f"Relatie {code}", "BP": "B", "Plaats": "Utrecht",
                "Email": f"{code.lower()}@example.nl"}
        conn.execute(
            "INSERT INTO relations (admin_id, id, code, add_datum, data) VALUES (?, ?, ?, ?, ?)",
            (admin_id, next_number(conn, admin_id, "relation"), code, today, json.dumps(data)),
        )
    return count

"""What an operation handler gets, and small helpers shared by the handlers."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .errors import BusinessError
from .sessions import Session
from .settings import Settings
from .store import fold

CENT = Decimal("0.01")
MIN_BOOKING_DATE = dt.date(1980, 1, 1)
MAX_BOOKING_DATE = dt.date(2049, 12, 31)


@dataclass(frozen=True)
class Ctx:
    conn: sqlite3.Connection
    settings: Settings
    session: Session
    base_url: str

    @property
    def admin_id(self) -> int:
        return self.session.admin_id


def money(value: Decimal) -> Decimal:
    """Round half-up to cents: the one rounding rule of the sandbox."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    return int(money(value) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT, rounding=ROUND_HALF_UP)  # exact anyway


def text(values: dict[str, Any] | None, name: str) -> str:
    """A string field with absent/empty both read as ""."""
    return ((values or {}).get(name) or "").strip()


def check_lengths(
    values: dict[str, Any], limits: dict[str, int], code: str
) -> None:
    for name, limit in limits.items():
        if len(values.get(name) or "") > limit:
            raise BusinessError(code, f"{name} (maximaal {limit} tekens)")


def in_booking_range(date: dt.date | None) -> bool:
    return date is not None and MIN_BOOKING_DATE <= date <= MAX_BOOKING_DATE


def ledger_by_code(conn: sqlite3.Connection, admin_id: int, code: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM ledgers WHERE admin_id = ? AND code = ?", (admin_id, code)
    ).fetchone()


def relation_by_code(conn: sqlite3.Connection, admin_id: int, code: str) -> sqlite3.Row | None:
    """The relation with this code in any case (``k001`` finds ``K001``)."""
    return conn.execute(
        "SELECT * FROM relations WHERE admin_id = ? AND fold(code) = ?", (admin_id, fold(code))
    ).fetchone()


def cost_centre_exists(conn: sqlite3.Connection, admin_id: int, cc_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM cost_centres WHERE admin_id = ? AND id = ?", (admin_id, cc_id)
    ).fetchone()
    return row is not None

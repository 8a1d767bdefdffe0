"""Plain, JSON-ready reads of an administration for test oracles and the web view."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .context import from_cents
from .mutations import mutation_lines
from .store import Store


def administrations(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT a.id, a.bedrijf, a.plaats, acc.username, "
            "  (SELECT COUNT(*) FROM mutations m WHERE m.admin_id = a.id) AS mutations, "
            "  (SELECT COUNT(*) FROM relations r WHERE r.admin_id = a.id) AS relations "
            "FROM administrations a JOIN accounts acc ON acc.id = a.account_id ORDER BY a.id"
        ).fetchall()
    return [dict(row) for row in rows]


def administration(store: Store, admin_id: int) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(
            "SELECT a.id, a.bedrijf, a.plaats, a.start_boekjaar, acc.username "
            "FROM administrations a JOIN accounts acc ON acc.id = a.account_id WHERE a.id = ?",
            (admin_id,),
        ).fetchone()
    return dict(row) if row else None


def mutations(store: Store, admin_id: int, limit: int | None = None) -> list[dict[str, Any]]:
    """Booked mutations, oldest first (with ``limit``: the newest ``limit`` ones)."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM mutations WHERE admin_id = ? ORDER BY nr DESC LIMIT ?",
            (admin_id, -1 if limit is None else limit),
        ).fetchall()
        rows.reverse()
        lines = mutation_lines(conn, admin_id, [row["nr"] for row in rows])
    return [_mutation(row, lines.get(row["nr"], [])) for row in rows]


def _mutation(row: sqlite3.Row, lines: list[sqlite3.Row]) -> dict[str, Any]:
    return {
        "nr": row["nr"], "soort": row["soort"], "datum": row["datum"],
        "rekening": row["rekening"], "relatie_code": row["relatie_code"],
        "factuurnummer": row["factuurnummer"], "boekstuk": row["boekstuk"],
        "omschrijving": row["omschrijving"], "betalingstermijn": row["betalingstermijn"],
        "inex": row["inex"], "totaal": str(from_cents(row["total_cents"])),
        "transport": row["transport"],
        "created_at": row["created_at"],
        "lines": [
            {"invoer": line["invoer"], "excl": line["excl"], "btw": line["btw"],
             "incl": line["incl"], "btw_code": line["btw_code"], "btw_pct": line["btw_pct"],
             "tegenrekening": line["tegenrekening"], "kostenplaats_id": line["kostenplaats_id"]}
            for line in lines
        ],
    }


def relations(store: Store, admin_id: int) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM relations WHERE admin_id = ? ORDER BY id", (admin_id,)
        ).fetchall()
    return [{**json.loads(row["data"]), "id": row["id"], "code": row["code"],
             "add_datum": row["add_datum"]} for row in rows]


def invoices(store: Store, admin_id: int) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM invoices WHERE admin_id = ? ORDER BY created_at", (admin_id,)
        ).fetchall()
        lines = conn.execute(
            "SELECT * FROM invoice_lines WHERE admin_id = ? ORDER BY factuurnummer, line_no",
            (admin_id,),
        ).fetchall()
    by_number: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_number.setdefault(line["factuurnummer"], []).append(
            {key: line[key] for key in ("aantal", "eenheid", "code", "omschrijving", "prijs",
                                        "btw_code", "tegenrekening", "kostenplaats_id")})
    return [
        {"factuurnummer": row["factuurnummer"], "relatiecode": row["relatiecode"],
         "datum": row["datum"], "betalingstermijn": row["betalingstermijn"],
         "sjabloon": row["sjabloon"], "totaal_excl": str(from_cents(row["excl_cents"])),
         "totaal_btw": str(from_cents(row["btw_cents"])),
         "totaal_incl": str(from_cents(row["incl_cents"])), "mutatie_nr": row["mutatie_nr"],
         "transport": row["transport"],
         "lines": by_number.get(row["factuurnummer"], [])}
        for row in rows
    ]


def calls(store: Store, admin_id: int | None, limit: int = 200) -> list[dict[str, Any]]:
    """The newest calls first; ``admin_id=None`` lists calls tied to no administration."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM calls WHERE admin_id IS ? ORDER BY id DESC LIMIT ?",
            (admin_id, limit),
        ).fetchall()
    return [dict(row) for row in rows]

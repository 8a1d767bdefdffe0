"""AddFactuur and GetFacturen: e-Boekhouden's own invoicing module (SOAP_API.md §3.14/§3.15).

Invoice totals are computed per group of lines with the same VAT code, contra account and cost
centre, VAT rounded once per group (e-Boekhouden computes VAT on totals, pinelab PR #40). With
``InBoekhoudingPlaatsen`` the invoice is also booked as a FactuurVerstuurd mutation on the
lowest-coded debtor ledger, one mutation line per group, so its open item appears.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from . import chart
from .context import (
    Ctx,
    check_lengths,
    cost_centre_exists,
    from_cents,
    in_booking_range,
    ledger_by_code,
    money,
    relation_by_code,
    text,
    to_cents,
)
from .errors import require
from .mutations import Line, book
from .store import fold, next_number, now

INVOICE_LIMITS = {
    "Factuurnummer": 50,
    "Relatiecode": 15,
    "Factuursjabloon": 50,
    "EmailVanAdres": 150,
    "EmailVanNaam": 150,
    "BoekhoudmutatieOmschrijving": 200,
}
CONDITIONAL_FIELDS = {
    "PerEmailVerzenden": (
        ("EmailBericht", "CFACT029"), ("EmailVanAdres", "CFACT030"),
        ("EmailOnderwerp", "CFACT031"),
    ),
    "AutomatischeIncasso": (
        ("IncassoRekeningNummer", "CFACT033"), ("IncassoTnv", "CFACT034"),
        ("IncassoPlaats", "CFACT035"), ("IncassoOmschrijvingRegel1", "CFACT036"),
    ),
    "InBoekhoudingPlaatsen": (("BoekhoudmutatieOmschrijving", "CFACT032"),),
}
GroupKey = tuple[str, str, int]
# An invoice's outstanding amount: its total minus the payments booked against it.
_INVOICES_WITH_PAID = (
    "SELECT i.*, COALESCE((SELECT SUM(p.total_cents) FROM mutations p "
    "  WHERE p.admin_id = i.admin_id AND p.soort = 'FactuurbetalingOntvangen' "
    "  AND fold(p.relatie_code) = fold(i.relatiecode) "
    "  AND fold(p.factuurnummer) = fold(i.factuurnummer)), 0) AS paid "
    "FROM invoices i"
)  # (BTW code, contra account, cost centre)


def add_factuur(ctx: Ctx, req: dict[str, Any], transport: str = "SOAP") -> dict[str, Any]:
    fact = req.get("oFact") or {}
    relation = _check_header(ctx, fact)
    # Stored and booked under the relation's own code, whatever case was sent.
    fact = {**fact, "Relatiecode": relation["code"]}
    lines = (fact.get("Regels") or {}).get("cFactuurRegel") or []
    require(1 <= len(lines) <= 100, "CFACT006", f"{len(lines)} regels")
    for number, line in enumerate(lines, start=1):
        _check_line(ctx, line or {}, f"regel {number}", fact["Datum"])
    number = _invoice_number(ctx, text(fact, "Factuurnummer"))
    groups = _group_lines(lines, fact["Datum"])
    mutatie_nr = None
    if fact.get("InBoekhoudingPlaatsen"):
        mutatie_nr = _book_invoice(ctx, fact, number, groups, transport)
    _store_invoice(ctx, fact, number, lines, groups, mutatie_nr, transport)
    return {"Factuurnummer": number}


def _check_header(ctx: Ctx, fact: dict[str, Any]) -> sqlite3.Row:
    """Check the invoice's header fields; return its relation."""
    relatiecode = text(fact, "Relatiecode")
    require(relatiecode, "CFACT024")
    relation = relation_by_code(ctx.conn, ctx.admin_id, relatiecode)
    require(relation, "CFACT025", relatiecode)
    require(in_booking_range(fact.get("Datum")), "CFACT004")
    # 0 is the "not set" placeholder for longs (MAN §2), so it reads as a missing term.
    require((fact.get("Betalingstermijn") or 0) > 0, "CFACT014")
    sjabloon = text(fact, "Factuursjabloon")
    require(sjabloon, "CFACT027")
    known = ctx.conn.execute(
        "SELECT 1 FROM templates WHERE admin_id = ? AND name = ?", (ctx.admin_id, sjabloon)
    ).fetchone()
    require(known, "CFACT028", sjabloon)
    for flag, fields in CONDITIONAL_FIELDS.items():
        if fact.get(flag):
            for name, code in fields:
                require(text(fact, name), code)
    check_lengths(fact, INVOICE_LIMITS, "CFACT043")
    return relation


def _check_line(ctx: Ctx, line: dict[str, Any], where: str, datum: dt.date) -> None:
    require(text(line, "Code"), "CFACT037", where)
    require(text(line, "Omschrijving"), "CFACT039", where)
    code = text(line, "BTWCode")
    require(code, "CFACT038", where)
    vat = chart.VAT_CODES.get(code)
    require(vat and vat.side in ("sales", "any"), "CFACT042", f"{where}: {code}")
    assert vat is not None
    # The module applies the code's own rate on the invoice date; a code that has none then
    # (LAAG_VERK from 2019, LAAG_VERK_9 before 2019) is refused like an unknown code.
    require(vat.valid_on(datum), "CFACT042", f"{where}: {code} op {datum.isoformat()}")
    contra = text(line, "TegenrekeningCode")
    require(contra, "CFACT040", where)
    ledger = ledger_by_code(ctx.conn, ctx.admin_id, contra)
    require(ledger and ledger["categorie"] not in ("DEB", "CRED", "FIN"), "CMUT012",
            f"{where}: {contra}")
    kostenplaats = line.get("KostenplaatsID") or 0
    require(not kostenplaats or cost_centre_exists(ctx.conn, ctx.admin_id, kostenplaats),
            "CFACT212", where)


def _number_taken(conn: sqlite3.Connection, admin_id: int, number: str) -> bool:
    """Whether an invoice or a sales booking has this number, in any case."""
    invoice = conn.execute(
        "SELECT 1 FROM invoices WHERE admin_id = ? AND fold(factuurnummer) = ?",
        (admin_id, fold(number)),
    ).fetchone()
    booking = conn.execute(
        "SELECT 1 FROM mutations WHERE admin_id = ? AND soort = 'FactuurVerstuurd' "
        "AND fold(factuurnummer) = ?",
        (admin_id, fold(number)),
    ).fetchone()
    return bool(invoice or booking)


def _invoice_number(ctx: Ctx, requested: str) -> str:
    if requested:
        require(not _number_taken(ctx.conn, ctx.admin_id, requested), "CFACT026", requested)
        return requested
    while True:  # blank: the next free F00001-style number
        number = f"F{next_number(ctx.conn, ctx.admin_id, 'invoice'):05d}"
        if not _number_taken(ctx.conn, ctx.admin_id, number):
            return number


def _group_lines(lines: list[dict[str, Any]], datum: dt.date) -> dict[GroupKey, list[Decimal]]:
    """Excl amount, VAT and rate per (VAT code, contra account, cost centre)."""
    excl_by_group: dict[GroupKey, Decimal] = defaultdict(Decimal)
    for line in lines:
        key = (text(line, "BTWCode"), text(line, "TegenrekeningCode"),
               line.get("KostenplaatsID") or 0)
        excl_by_group[key] += money(_quantity(line) * _price(line))
    groups = {}
    for key, excl in excl_by_group.items():
        pct = chart.VAT_CODES[key[0]].rate_on(datum)
        groups[key] = [excl, money(excl * pct / 100), pct]
    return groups


def _quantity(line: dict[str, Any]) -> Decimal:
    return line.get("Aantal") or Decimal(0)  # a missing value type reads as 0, as in .NET


def _price(line: dict[str, Any]) -> Decimal:
    return line.get("PrijsPerEenheid") or Decimal(0)


def _book_invoice(
    ctx: Ctx, fact: dict[str, Any], number: str, groups: dict[GroupKey, list[Decimal]],
    transport: str,
) -> int:
    debtors = ctx.conn.execute(
        "SELECT * FROM ledgers WHERE admin_id = ? AND categorie = 'DEB' ORDER BY code LIMIT 1",
        (ctx.admin_id,),
    ).fetchone()
    require(debtors, "CMUT016")
    lines = []
    for (btw_code, contra_code, kostenplaats), (excl, btw, pct) in groups.items():
        contra = ledger_by_code(ctx.conn, ctx.admin_id, contra_code)
        assert contra is not None
        lines.append(Line(excl, excl, btw, excl + btw, btw_code, pct, contra_code, contra["id"],
                          kostenplaats))
    mut = {
        "Soort": "FactuurVerstuurd", "Datum": fact["Datum"], "Rekening": debtors["code"],
        "RelatieCode": text(fact, "Relatiecode"), "Factuurnummer": number,
        "Omschrijving": text(fact, "BoekhoudmutatieOmschrijving"),
        "Betalingstermijn": str(fact["Betalingstermijn"]), "InExBTW": "EX",
    }
    return book(ctx.conn, ctx.admin_id, mut, lines, debtors["id"], transport)


def _store_invoice(
    ctx: Ctx,
    fact: dict[str, Any],
    number: str,
    lines: list[dict[str, Any]],
    groups: dict[GroupKey, list[Decimal]],
    mutatie_nr: int | None,
    transport: str,
) -> None:
    excl = sum((group[0] for group in groups.values()), Decimal(0))
    btw = sum((group[1] for group in groups.values()), Decimal(0))
    extra = {key: _jsonable(value) for key, value in fact.items() if key != "Regels"}
    ctx.conn.execute(
        "INSERT INTO invoices (admin_id, factuurnummer, relatiecode, datum, betalingstermijn, "
        "sjabloon, data, excl_cents, btw_cents, incl_cents, mutatie_nr, created_at, transport) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.admin_id, number, text(fact, "Relatiecode"), fact["Datum"].isoformat(),
         fact["Betalingstermijn"], text(fact, "Factuursjabloon"), json.dumps(extra),
         to_cents(excl), to_cents(btw), to_cents(excl + btw), mutatie_nr, now(), transport),
    )
    for line_no, line in enumerate(lines, start=1):
        ctx.conn.execute(
            "INSERT INTO invoice_lines (admin_id, factuurnummer, line_no, aantal, eenheid, code, "
            "omschrijving, prijs, btw_code, tegenrekening, kostenplaats_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ctx.admin_id, number, line_no, str(_quantity(line)), line.get("Eenheid"),
             text(line, "Code"), line.get("Omschrijving"), str(_price(line)),
             text(line, "BTWCode"), text(line, "TegenrekeningCode"),
             line.get("KostenplaatsID") or 0),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def get_facturen(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    flt = req.get("cFilter") or {}
    clauses, params = ["i.admin_id = ?"], [ctx.admin_id]
    for clause, value in (  # codes and numbers match in any case, as everywhere
        ("fold(i.factuurnummer) = ?", fold(text(flt, "Factuurnummer"))),
        ("fold(i.relatiecode) = ?", fold(text(flt, "Relatiecode"))),
        ("i.datum >= ?", flt.get("DatumVan") and flt["DatumVan"].isoformat()),
        ("i.datum <= ?", flt.get("DatumTm") and flt["DatumTm"].isoformat()),
    ):
        if value:
            clauses.append(clause)
            params.append(value)
    where = " AND ".join(clauses)
    rows = ctx.conn.execute(
        f"{_INVOICES_WITH_PAID} WHERE {where} ORDER BY i.datum, i.factuurnummer",  # noqa: S608
        params,
    ).fetchall()
    return {"Facturen": [_invoice_item(ctx, row) for row in rows]}


def _invoice_item(ctx: Ctx, row: sqlite3.Row) -> dict[str, Any]:
    lines = ctx.conn.execute(
        "SELECT * FROM invoice_lines WHERE admin_id = ? AND factuurnummer = ? ORDER BY line_no",
        (ctx.admin_id, row["factuurnummer"]),
    ).fetchall()
    return {
        "Factuurnummer": row["factuurnummer"],
        "Relatiecode": row["relatiecode"],
        "Datum": dt.date.fromisoformat(row["datum"]),
        "Betalingstermijn": row["betalingstermijn"],
        "TotaalExclBTW": from_cents(row["excl_cents"]),
        "TotaalBTW": from_cents(row["btw_cents"]),
        "TotaalInclBTW": from_cents(row["incl_cents"]),
        "TotaalOpenstaand": from_cents(row["incl_cents"] - row["paid"]),
        "URLPDFBestand": f"{ctx.base_url}/administratie/{ctx.admin_id}"
                         f"#factuur-{quote(row['factuurnummer'])}",
        "Regels": [
            {
                "Aantal": Decimal(line["aantal"]), "Eenheid": line["eenheid"],
                "Code": line["code"], "Omschrijving": line["omschrijving"],
                "PrijsPerEenheid": Decimal(line["prijs"]), "BTWCode": line["btw_code"],
                "TegenrekeningCode": line["tegenrekening"],
                "KostenplaatsID": line["kostenplaats_id"],
            }
            for line in lines
        ],
    }

"""AddMutatie, GetMutaties and GetOpenPosten: bookings, their validation and their effects.

Validation follows SOAP_API.md §3.12 in a fixed order, header checks before line checks, and
the first failure wins (the real order is unknown). A booking is stored with its lines and with
double-entry postings (debit positive, credit negative) that GetSaldo/GetSaldi add up.

A booking that passes every check but whose Omschrijving is longer than 200 characters is not
stored and is answered with Mutatienummer 0 and no error code, as public clients report the
real service does (SOAP_API.md §3.12, §10 item 5): the failure happens where it is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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
from .settings import BOOKABLE_KINDS
from .store import fold, next_number, now


@dataclass(frozen=True)
class Kind:
    rekening_category: str | None  # the category ``Rekening`` must have (None: any)
    rekening_error: str
    vat_side: str  # "sales", "purchase", "payment" (GEEN only) or "any"
    link: str | None  # "invoice": needs number, relation, term; "payment": settles an invoice
    contra_required: str | None  # the category each line's contra account must have
    contra_error: str
    contra_forbidden: frozenset[str]
    sign: int  # +1: ``Rekening`` is debited with the total; -1: credited
    settles: str | None = None  # for payments: the invoice kind they settle


_BALANCE_ACCOUNTS = frozenset({"DEB", "CRED", "FIN"})
KINDS: dict[str, Kind] = {
    "FactuurVerstuurd": Kind("DEB", "CMUT016", "sales", "invoice", None, "CMUT012",
                             _BALANCE_ACCOUNTS, 1),
    "FactuurOntvangen": Kind("CRED", "CMUT015", "purchase", "invoice", None, "CMUT012",
                             _BALANCE_ACCOUNTS, -1),
    "FactuurbetalingOntvangen": Kind("FIN", "CMUT001.1", "payment", "payment", "DEB", "CMUT027",
                                     frozenset(), 1, "FactuurVerstuurd"),
    "FactuurbetalingVerstuurd": Kind("FIN", "CMUT001.1", "payment", "payment", "CRED", "CMUT028",
                                     frozenset(), -1, "FactuurOntvangen"),
    "GeldOntvangen": Kind("FIN", "CMUT001.1", "sales", None, None, "CMUT012",
                          frozenset({"DEB", "CRED"}), 1),
    "GeldUitgegeven": Kind("FIN", "CMUT001.1", "purchase", None, None, "CMUT012",
                           frozenset({"DEB", "CRED"}), -1),
    "Memoriaal": Kind(None, "CMUT001", "any", None, None, "CMUT012", frozenset(), 1),
}
assert set(KINDS) == set(BOOKABLE_KINDS)

HEADER_LIMITS = {
    "Rekening": 10,
    "RelatieCode": 15,
    "Factuurnummer": 50,
    "Boekstuk": 50,
    "Betalingstermijn": 4,
    "Betalingskenmerk": 50,
}
DESCRIPTION_LIMIT = 200  # longer: Mutatienummer 0 without an error code (see the docstring)
# Error codes per link type: (number missing, relation missing, relation unknown).
LINK_CODES = {"invoice": ("CMUT013", "CMUT014", "CMUT017"),
              "payment": ("CMUT023", "CMUT024", "CMUT025")}


@dataclass(frozen=True)
class Line:
    invoer: Decimal
    excl: Decimal
    btw: Decimal
    incl: Decimal
    btw_code: str
    pct: Decimal
    tegenrekening: str
    contra_id: int
    kostenplaats_id: int
    omschrijving: str | None = None  # REST rows only


def add_mutatie(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    mut = req.get("oMut") or {}
    rekening, relatie, lines = check_mutatie(ctx, mut)
    if len(mut.get("Omschrijving") or "") > DESCRIPTION_LIMIT:
        return {"Mutatienummer": 0}  # refused without a word, nothing stored
    # Stored under the relation's own code: the relation is the same whatever case was sent.
    nr = book(ctx.conn, ctx.admin_id, {**mut, "RelatieCode": relatie}, lines, rekening["id"])
    return {"Mutatienummer": nr}


def check_mutatie(
    ctx: Ctx, mut: dict[str, Any], *, max_lines: int = 100, amounts_given: bool = True
) -> tuple[sqlite3.Row, str | None, list[Line]]:
    """Every rule of a booking, shared by SOAP and REST; return its ledger, relation, lines.

    REST (``amounts_given=False``) sends no excl/VAT/incl triple: the sandbox computed it from
    the amount and the code's rate, so only the code against rate and date is checked.
    """
    soort, kind = _check_kind_and_date(ctx, mut)
    _check_texts(mut)
    _check_line_count(ctx, soort, mut, max_lines)
    rekening = _check_rekening(ctx, kind, mut)
    relatie = _check_links(ctx, soort, kind, mut)
    lines = [
        _check_line(ctx, kind, mut, line or {}, number, amounts_given)
        for number, line in enumerate(_lines(mut), start=1)
    ]
    return rekening, relatie, lines


def _lines(mut: dict[str, Any]) -> list[dict[str, Any]]:
    return (mut.get("MutatieRegels") or {}).get("cMutatieRegel") or []


def _check_kind_and_date(ctx: Ctx, mut: dict[str, Any]) -> tuple[str, Kind]:
    soort = mut.get("Soort") or ""
    require(soort in KINDS, "CMUT008", soort)
    datum = mut.get("Datum")
    require(in_booking_range(datum), "CMUT004")
    closed_until = ctx.settings.closed_until_date()
    require(closed_until is None or datum > closed_until, "CMUT020")
    return soort, KINDS[soort]


def _check_texts(mut: dict[str, Any]) -> None:
    require(text(mut, "Omschrijving"), "CMUT005")
    check_lengths(mut, HEADER_LIMITS, "CMUT031")
    inex = text(mut, "InExBTW")
    if not inex:
        carries_vat = any((line or {}).get("BedragBTW") for line in _lines(mut))
        require(not carries_vat, "CMUT003")
    else:
        require(inex in ("IN", "EX"), "CMUT003.1", inex)


def _check_line_count(ctx: Ctx, soort: str, mut: dict[str, Any], max_lines: int) -> None:
    count = len(_lines(mut))
    require(1 <= count <= max_lines, "CMUT006", f"{count} regels")
    require(count == 1 or soort not in ctx.settings.single_line_kinds, "CMUT021")


def _check_rekening(ctx: Ctx, kind: Kind, mut: dict[str, Any]) -> sqlite3.Row:
    code = text(mut, "Rekening")
    ledger = ledger_by_code(ctx.conn, ctx.admin_id, code) if code else None
    require(ledger, "CMUT001", code)
    wanted = kind.rekening_category
    require(wanted is None or ledger["categorie"] == wanted, kind.rekening_error, code)
    return ledger


def _check_links(ctx: Ctx, soort: str, kind: Kind, mut: dict[str, Any]) -> str | None:
    """Check the relation and invoice number; return the relation's stored code (or None)."""
    relatie = text(mut, "RelatieCode")
    if kind.link is None:
        if not relatie:
            return None
        row = relation_by_code(ctx.conn, ctx.admin_id, relatie)
        require(row, "CMUT017", relatie)
        return row["code"]
    number_missing, relation_missing, relation_unknown = LINK_CODES[kind.link]
    factuurnummer = text(mut, "Factuurnummer")
    require(factuurnummer, number_missing)
    require(relatie, relation_missing)
    if kind.link == "invoice":
        _check_payment_term(ctx, mut)
    row = relation_by_code(ctx.conn, ctx.admin_id, relatie)
    require(row, relation_unknown, relatie)
    relatie = row["code"]
    if kind.link == "invoice":
        _check_unique_invoice(ctx, soort, relatie, factuurnummer)
    else:
        assert kind.settles is not None
        found = _find_invoice(ctx.conn, ctx.admin_id, kind.settles, relatie, factuurnummer)
        require(found, "CMUT026", factuurnummer)
    return relatie


def _check_payment_term(ctx: Ctx, mut: dict[str, Any]) -> None:
    term = text(mut, "Betalingstermijn")
    require(term or not ctx.settings.require_payment_term, "CMUT014", "Betalingstermijn")
    require(not term or term.isdigit(), "CMUT032", term)


def _check_unique_invoice(ctx: Ctx, soort: str, relatie: str, factuurnummer: str) -> None:
    if soort == "FactuurVerstuurd":
        # Sales invoice numbers are unique per administration, whatever the customer or case.
        taken = ctx.conn.execute(
            "SELECT 1 FROM mutations WHERE admin_id = ? AND soort = ? "
            "AND fold(factuurnummer) = ?",
            (ctx.admin_id, soort, fold(factuurnummer)),
        ).fetchone()
        require(not taken, "CMUT019", factuurnummer)
    else:
        # Suppliers' numbers collide with each other: unique per (supplier, number).
        taken = _find_invoice(ctx.conn, ctx.admin_id, soort, relatie, factuurnummer)
        require(not taken, "CMUT018", f"{relatie} {factuurnummer}")


def _find_invoice(
    conn: sqlite3.Connection, admin_id: int, soort: str, relatie: str, factuurnummer: str
) -> bool:
    row = conn.execute(
        "SELECT 1 FROM mutations WHERE admin_id = ? AND soort = ? AND fold(relatie_code) = ? "
        "AND fold(factuurnummer) = ?",
        (admin_id, soort, fold(relatie), fold(factuurnummer)),
    ).fetchone()
    return row is not None


def _check_line(
    ctx: Ctx, kind: Kind, mut: dict[str, Any], line: dict[str, Any], number: int,
    amounts_given: bool = True,
) -> Line:
    where = f"regel {number}"
    vat = _check_vat_code(kind, text(line, "BTWCode"), where)
    contra = _check_contra(ctx, kind, text(line, "TegenrekeningCode"), where)
    kostenplaats = line.get("KostenplaatsID") or 0
    require(not kostenplaats or cost_centre_exists(ctx.conn, ctx.admin_id, kostenplaats),
            "CMUT030", where)
    amounts = [line.get(name) or Decimal(0) for name in
               ("BedragInvoer", "BedragExclBTW", "BedragBTW", "BedragInclBTW", "BTWPercentage")]
    invoer, excl, btw, incl, pct = amounts
    if amounts_given:
        _check_amounts(ctx, excl, btw, incl, pct, where)
    require(vat.fits(pct, btw, mut["Datum"]), "CMUT011",
            f"{where}: {vat.code} bij {pct} % en BTW {btw} op {mut['Datum'].isoformat()}")
    return Line(invoer, excl, btw, incl, vat.code, pct, contra["code"], contra["id"],
                kostenplaats, line.get("Omschrijving"))


def _check_amounts(
    ctx: Ctx, excl: Decimal, btw: Decimal, incl: Decimal, pct: Decimal, where: str
) -> None:
    """CMUT010 is exact; CMUT010.1 allows ``vat_tolerance`` around excl x pct (half-up)."""
    require(excl + btw == incl, "CMUT010", where)
    require(abs(money(excl * pct / 100) - btw) <= ctx.settings.vat_tolerance, "CMUT010.1", where)


def _check_vat_code(kind: Kind, code: str, where: str) -> chart.VatCode:
    vat = chart.VAT_CODES.get(code)
    require(vat, "CMUT033", f"{where}: {code}")
    assert vat is not None
    if kind.vat_side == "payment":
        require(code == "GEEN", "CMUT011", f"{where}: {code}")
    elif kind.vat_side != "any":
        require(vat.side in ("any", kind.vat_side), "CMUT011", f"{where}: {code}")
    return vat


def _check_contra(ctx: Ctx, kind: Kind, code: str, where: str) -> sqlite3.Row:
    contra = ledger_by_code(ctx.conn, ctx.admin_id, code) if code else None
    require(contra, "CMUT012", f"{where}: {code}")
    category = contra["categorie"]
    if kind.contra_required:
        require(category == kind.contra_required, kind.contra_error, f"{where}: {code}")
    require(category not in kind.contra_forbidden, kind.contra_error, f"{where}: {code}")
    return contra


# ---------------------------------------------------------------------------------------------
# Storing a booking
# ---------------------------------------------------------------------------------------------


def book(
    conn: sqlite3.Connection,
    admin_id: int,
    mut: dict[str, Any],
    lines: list[Line],
    rekening_id: int,
    transport: str = "SOAP",
) -> int:
    """Store a validated booking with its lines and postings; return its MutatieNr."""
    nr = next_number(conn, admin_id, "mutation")
    datum: dt.date = mut["Datum"]
    total_cents = sum(to_cents(line.incl) for line in lines)  # as the postings add up
    conn.execute(
        "INSERT INTO mutations (admin_id, nr, soort, datum, rekening, relatie_code, "
        "factuurnummer, boekstuk, omschrijving, betalingstermijn, betalingskenmerk, inex, "
        "total_cents, created_at, transport) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (admin_id, nr, mut["Soort"], datum.isoformat(), text(mut, "Rekening"),
         text(mut, "RelatieCode") or None, text(mut, "Factuurnummer") or None,
         mut.get("Boekstuk"), mut.get("Omschrijving"), mut.get("Betalingstermijn"),
         mut.get("Betalingskenmerk"), text(mut, "InExBTW") or None, total_cents, now(),
         transport),
    )
    _insert_lines(conn, admin_id, nr, lines)
    kind = KINDS[mut["Soort"]]
    for ledger_id, kostenplaats, cents in _postings(conn, admin_id, kind, lines, rekening_id):
        conn.execute(
            "INSERT INTO postings (admin_id, nr, datum, ledger_id, kostenplaats_id, cents) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (admin_id, nr, datum.isoformat(), ledger_id, kostenplaats, cents),
        )
    return nr


def _insert_lines(conn: sqlite3.Connection, admin_id: int, nr: int, lines: list[Line]) -> None:
    for line_no, line in enumerate(lines, start=1):
        conn.execute(
            "INSERT INTO mutation_lines (admin_id, nr, line_no, invoer, excl, btw, incl, "
            "btw_code, btw_pct, tegenrekening, kostenplaats_id, omschrijving) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (admin_id, nr, line_no, str(line.invoer), str(line.excl), str(line.btw),
             str(line.incl), line.btw_code, str(line.pct), line.tegenrekening,
             line.kostenplaats_id, line.omschrijving),
        )


def _postings(
    conn: sqlite3.Connection, admin_id: int, kind: Kind, lines: list[Line], rekening_id: int
) -> list[tuple[int, int, int]]:
    """Double entry: ``Rekening`` takes the total, contra and VAT ledgers the other side."""
    side = "purchase" if kind.sign < 0 else "sales"
    postings = []
    for line in lines:
        # Rekening takes the line's incl amount, as the open item does; the contra account
        # takes the rest after VAT, so every booking balances to the cent.
        incl, btw = to_cents(line.incl), to_cents(line.btw)
        vat_ledger = _vat_ledger_id(conn, admin_id, chart.VAT_CODES[line.btw_code], side)
        if not btw or vat_ledger is None:  # no VAT, or no VAT ledger left in the chart
            btw = 0
        else:
            postings.append((vat_ledger, 0, -kind.sign * btw))
        postings.append((line.contra_id, line.kostenplaats_id, -kind.sign * (incl - btw)))
        postings.append((rekening_id, 0, kind.sign * incl))
    return postings


def _vat_ledger_id(
    conn: sqlite3.Connection, admin_id: int, vat: chart.VatCode, side: str
) -> int | None:
    row = conn.execute(
        "SELECT id FROM ledgers WHERE admin_id = ? AND categorie = ? ORDER BY code LIMIT 1",
        (admin_id, chart.vat_ledger_category(vat, side)),
    ).fetchone()
    return row["id"] if row else None


# ---------------------------------------------------------------------------------------------
# Reading bookings
# ---------------------------------------------------------------------------------------------


def get_mutaties(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    """The newest ``getmutaties_row_cap`` mutations of the number window, then the filters.

    The cap comes before the Factuurnummer, MutatieNr and date filters (SOAP_API.md §3.13
    reading (b)): those search only the newest 500 mutations of the administration. Only a
    MutatieNrVan/MutatieNrTm window reaches older ones (the newest 500 within the window).
    """
    _count_monthly_call(ctx, "GetMutaties", ctx.settings.getmutaties_monthly_limit)
    flt = req.get("cFilter") or {}
    where, params = _number_window(ctx.admin_id, flt)
    rows = ctx.conn.execute(
        f"SELECT * FROM mutations WHERE {where} ORDER BY nr DESC LIMIT ?",  # noqa: S608
        (*params, ctx.settings.getmutaties_row_cap),
    ).fetchall()
    rows = [row for row in reversed(rows) if _matches(row, flt)]  # returned oldest first
    lines = mutation_lines(ctx.conn, ctx.admin_id, [row["nr"] for row in rows])
    return {"Mutaties": [_mutation_item(row, lines.get(row["nr"], [])) for row in rows]}


def _count_monthly_call(ctx: Ctx, operation: str, limit: int) -> None:
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    row = ctx.conn.execute(
        "SELECT calls FROM usage WHERE admin_id = ? AND month = ? AND operation = ?",
        (ctx.admin_id, month, operation),
    ).fetchone()
    used = row["calls"] if row else 0
    require(used < limit, "E003.1")
    set_usage(ctx.conn, ctx.admin_id, operation, used + 1)


def set_usage(conn: sqlite3.Connection, admin_id: int, operation: str, calls: int) -> None:
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    conn.execute(
        "INSERT INTO usage (admin_id, month, operation, calls) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (admin_id, month, operation) DO UPDATE SET calls = excluded.calls",
        (admin_id, month, operation, calls),
    )


def _number_window(admin_id: int, flt: dict[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = ["admin_id = ?"], [admin_id]
    for op, value in ((">=", flt.get("MutatieNrVan")), ("<=", flt.get("MutatieNrTm"))):
        if value:  # 0 (or absent) means "no bound" (MAN §2)
            clauses.append(f"nr {op} ?")
            params.append(value)
    return " AND ".join(clauses), params


def _matches(row: sqlite3.Row, flt: dict[str, Any]) -> bool:
    """The filters applied after the cap; inclusive, the invoice number in any case."""
    number, factuurnummer = flt.get("MutatieNr"), text(flt, "Factuurnummer")
    van, tm = _iso(flt.get("DatumVan")), _iso(flt.get("DatumTm"))
    return (
        (not number or row["nr"] == number)  # 0 means "no filter" (MAN §2)
        and (not factuurnummer or fold(row["factuurnummer"]) == fold(factuurnummer))
        and (not van or row["datum"] >= van)
        and (not tm or row["datum"] <= tm)
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def mutation_lines(
    conn: sqlite3.Connection, admin_id: int, nrs: list[int]
) -> dict[int, list[sqlite3.Row]]:
    if not nrs:
        return {}
    rows = conn.execute(
        "SELECT * FROM mutation_lines WHERE admin_id = ? AND nr BETWEEN ? AND ? "
        "ORDER BY nr, line_no",
        (admin_id, min(nrs), max(nrs)),
    ).fetchall()
    wanted, grouped = set(nrs), {}
    for row in rows:
        if row["nr"] in wanted:
            grouped.setdefault(row["nr"], []).append(row)
    return grouped


def _mutation_item(row: sqlite3.Row, lines: list[sqlite3.Row]) -> dict[str, Any]:
    return {
        "MutatieNr": row["nr"],
        "Soort": row["soort"],
        "Datum": dt.date.fromisoformat(row["datum"]),
        "Rekening": row["rekening"],
        "RelatieCode": row["relatie_code"],
        "Factuurnummer": row["factuurnummer"],
        "Boekstuk": row["boekstuk"],
        "Omschrijving": row["omschrijving"],
        "Betalingstermijn": row["betalingstermijn"],
        "InExBTW": row["inex"],
        "MutatieRegels": [
            {
                "BedragInvoer": Decimal(line["invoer"]),
                "BedragExclBTW": Decimal(line["excl"]),
                "BedragBTW": Decimal(line["btw"]),
                "BedragInclBTW": Decimal(line["incl"]),
                "BTWCode": line["btw_code"],
                "BTWPercentage": Decimal(line["btw_pct"]),
                "Factuurnummer": row["factuurnummer"],
                "TegenrekeningCode": line["tegenrekening"],
                "KostenplaatsID": line["kostenplaats_id"],
            }
            for line in lines
        ],
    }


def get_open_posten(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    """Open items follow from the booked invoices minus the payments matched to them."""
    # A missing enum reads as its first value (Debiteuren), as XmlSerializer would.
    debtors = (req.get("OpSoort") or "Debiteuren") == "Debiteuren"
    return {"Openposten": [_open_item(row) for row in open_items(ctx.conn, ctx.admin_id,
                                                                 debtors)]}


def open_items(conn: sqlite3.Connection, admin_id: int, debtors: bool) -> list[sqlite3.Row]:
    """Invoices (sales or purchase) with what was paid on them, where something is open."""
    invoice_kind = "FactuurVerstuurd" if debtors else "FactuurOntvangen"
    payment_kind = next(name for name, k in KINDS.items() if k.settles == invoice_kind)
    rows = conn.execute(
        "SELECT m.nr, m.datum, m.factuurnummer, m.relatie_code, m.total_cents, "
        "  r.id AS relation_id, r.data AS relation, "
        "  COALESCE((SELECT SUM(p.total_cents) FROM mutations p "
        "    WHERE p.admin_id = m.admin_id AND p.soort = ? "
        "    AND fold(p.relatie_code) = fold(m.relatie_code) "
        "    AND fold(p.factuurnummer) = fold(m.factuurnummer)), 0) AS paid "
        "FROM mutations m LEFT JOIN relations r "
        "  ON r.admin_id = m.admin_id AND fold(r.code) = fold(m.relatie_code) "
        "WHERE m.admin_id = ? AND m.soort = ? ORDER BY m.datum, m.nr",
        (payment_kind, admin_id, invoice_kind),
    ).fetchall()
    return [row for row in rows if row["total_cents"] != row["paid"]]


def _open_item(row: sqlite3.Row) -> dict[str, Any]:
    relation = json.loads(row["relation"]) if row["relation"] else {}
    return {
        "MutDatum": dt.date.fromisoformat(row["datum"]),
        "MutFactuur": row["factuurnummer"],
        "RelCode": row["relatie_code"],
        "RelBedrijf": relation.get("Bedrijf"),
        "Bedrag": from_cents(row["total_cents"]),
        "Voldaan": from_cents(row["paid"]),
        "Openstaand": from_cents(row["total_cents"] - row["paid"]),
    }


# ---------------------------------------------------------------------------------------------
# The bank matched: a payment booked against an invoice (control plane, demo and tests)
# ---------------------------------------------------------------------------------------------


class PaymentRefused(ValueError):
    """The control plane's pay request cannot be booked (answered as 400)."""


def pay_invoice(
    conn: sqlite3.Connection, admin_id: int, factuurnummer: str, *, amount: Decimal | None = None,
    datum: dt.date | None = None, purchase: bool = False, relatie: str = "",
) -> int:
    """Book what e-Boekhouden books when a bank line is matched to an invoice: a
    FactuurbetalingOntvangen (FactuurbetalingVerstuurd for a purchase) on the bank with the
    invoice's number, relation and ledger. ``amount`` defaults to what is still open (a part
    pays partly, a negative amount refunds). Returns the MutatieNr."""
    invoice_kind = "FactuurOntvangen" if purchase else "FactuurVerstuurd"
    invoice = _invoice_booking(conn, admin_id, invoice_kind, factuurnummer, relatie)
    soort = next(name for name, k in KINDS.items() if k.settles == invoice_kind)
    if amount is None:  # what is still open; a negative amount is a refund
        amount = _still_open(conn, admin_id, invoice, soort)
        if amount <= 0:
            raise PaymentRefused(f"nothing open on {factuurnummer}")
    amount = money(amount)
    if amount == 0:
        raise PaymentRefused("a payment of 0.00")
    datum = datum or dt.date.today()
    if not in_booking_range(datum):
        raise PaymentRefused(f"date {datum} outside the booking range")
    bank = _bank_ledger(conn, admin_id)
    contra = ledger_by_code(conn, admin_id, invoice["rekening"])
    line = Line(amount, amount, Decimal(0), amount, "GEEN", Decimal(0), contra["code"],
                contra["id"], 0)
    mut = {"Soort": soort, "Datum": datum, "Rekening": bank["code"],
           "RelatieCode": invoice["relatie_code"], "Factuurnummer": invoice["factuurnummer"],
           "Omschrijving": f"Betaling factuur {invoice['factuurnummer']}", "InExBTW": "EX"}
    return book(conn, admin_id, mut, [line], bank["id"])


def _invoice_booking(
    conn: sqlite3.Connection, admin_id: int, soort: str, factuurnummer: str, relatie: str
) -> sqlite3.Row:
    rows = conn.execute(
        "SELECT * FROM mutations WHERE admin_id = ? AND soort = ? AND fold(factuurnummer) = ? "
        "ORDER BY nr",
        (admin_id, soort, fold(factuurnummer)),
    ).fetchall()
    if relatie:
        rows = [row for row in rows if fold(row["relatie_code"]) == fold(relatie)]
    if len(rows) != 1:
        raise PaymentRefused(f"{len(rows)} {soort} bookings carry invoice {factuurnummer!r}")
    return rows[0]


def _still_open(
    conn: sqlite3.Connection, admin_id: int, invoice: sqlite3.Row, soort: str
) -> Decimal:
    paid = conn.execute(
        "SELECT COALESCE(SUM(total_cents), 0) AS cents FROM mutations WHERE admin_id = ? "
        "AND soort = ? AND fold(relatie_code) = ? AND fold(factuurnummer) = ?",
        (admin_id, soort, fold(invoice["relatie_code"]), fold(invoice["factuurnummer"])),
    ).fetchone()["cents"]
    return from_cents(invoice["total_cents"] - paid)


def _bank_ledger(conn: sqlite3.Connection, admin_id: int) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM ledgers WHERE admin_id = ? AND categorie = 'FIN' "
        "ORDER BY code = '1010' DESC, code LIMIT 1", (admin_id,),
    ).fetchone()
    if row is None:
        raise PaymentRefused("the administration has no bank ledger (category FIN)")
    return row

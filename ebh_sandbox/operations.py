"""Master data operations: relations, ledger accounts, balances, articles, cost centres and
administrations (SOAP_API.md §3.5-§3.11, §3.17, §3.18)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal
from typing import Any

from .context import Ctx, check_lengths, from_cents, ledger_by_code, relation_by_code, text
from .errors import BusinessError, require
from .schema import RELATIE_TEXT_FIELDS
from .sessions import create_autologin_token
from .store import fold, next_number

RELATION_NUMBERS = ("Gb_ID", "GeenEmail", "NieuwsbriefgroepenCount")
RELATION_LIMITS = {
    "Code": 15, "Bedrijf": 100, "Contactpersoon": 150, "Geslacht": 1, "Adres": 150,
    "Postcode": 50, "Plaats": 50, "Land": 50, "Adres2": 150, "Postcode2": 50, "Plaats2": 50,
    "Land2": 50, "Telefoon": 50, "GSM": 50, "FAX": 50, "Email": 150, "Site": 50,
    "Bankrekening": 50, "Girorekening": 50, "BTWNummer": 50, "KvkNummer": 50, "Aanhef": 50,
    "IBAN": 50, "BIC": 50, "BP": 1, "LA": 1, **{f"Def{i}": 100 for i in range(1, 11)},
}
# The manual caps Contactpersoon at 150 on AddRelatie but at 50 on UpdateRelatie.
UPDATE_RELATION_LIMITS = {**RELATION_LIMITS, "Contactpersoon": 50}
TREFWOORD_FIELDS = ("Code", "Bedrijf", "Plaats", "Contactpersoon", "Email", "BP")

# ---------------------------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------------------------


def _relation_data(rel: dict[str, Any], limits: dict[str, int]) -> dict[str, Any]:
    """Validate a cRelatie; return every stored field (absent ones as None: full overwrite)."""
    require(text(rel, "Code"), "CREL003")
    require(text(rel, "Bedrijf"), "CREL004")
    bp = text(rel, "BP") or "B"  # B (business) is the default
    require(bp.upper() in ("B", "P"), "CREL005", bp)
    check_lengths(rel, limits, "CREL006")
    data: dict[str, Any] = {name: rel.get(name) for name in RELATIE_TEXT_FIELDS}
    data.update(Code=text(rel, "Code"), BP=bp)
    data.update({name: rel.get(name) or 0 for name in RELATION_NUMBERS})
    return data


def add_relatie(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    data = _relation_data(req.get("oRel") or {}, RELATION_LIMITS)
    require(not relation_by_code(ctx.conn, ctx.admin_id, data["Code"]), "CREL001", data["Code"])
    rel_id = next_number(ctx.conn, ctx.admin_id, "relation")
    ctx.conn.execute(
        "INSERT INTO relations (admin_id, id, code, add_datum, data) VALUES (?, ?, ?, ?, ?)",
        (ctx.admin_id, rel_id, data["Code"], dt.date.today().isoformat(), json.dumps(data)),
    )
    return {"Rel_ID": rel_id}


def update_relatie(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    rel = req.get("oRel") or {}
    # Identified by ID; with ID 0 we fall back to the code (the manual requires both).
    if rel.get("ID"):
        existing = ctx.conn.execute(
            "SELECT * FROM relations WHERE admin_id = ? AND id = ?", (ctx.admin_id, rel["ID"])
        ).fetchone()
    else:
        existing = relation_by_code(ctx.conn, ctx.admin_id, text(rel, "Code"))
    require(existing, "CREL002")
    data = _relation_data(rel, UPDATE_RELATION_LIMITS)
    other = relation_by_code(ctx.conn, ctx.admin_id, data["Code"])
    require(other is None or other["id"] == existing["id"], "CREL001", data["Code"])
    ctx.conn.execute(
        "UPDATE relations SET code = ?, data = ? WHERE admin_id = ? AND id = ?",
        (data["Code"], json.dumps(data), ctx.admin_id, existing["id"]),
    )
    return {}


def relation_item(row: sqlite3.Row) -> dict[str, Any]:
    data = json.loads(row["data"])
    return {**data, "ID": row["id"], "AddDatum": dt.date.fromisoformat(row["add_datum"]),
            "Code": row["code"]}


def get_relaties(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    flt = req.get("cFilter") or {}
    clauses, params = ["admin_id = ?"], [ctx.admin_id]
    if flt.get("ID"):
        clauses.append("id = ?")
        params.append(flt["ID"])
    if text(flt, "Code"):  # in any case: codes are unique regardless of case
        clauses.append("fold(code) = ?")
        params.append(fold(text(flt, "Code")))
    rows = ctx.conn.execute(
        f"SELECT * FROM relations WHERE {' AND '.join(clauses)} ORDER BY id",  # noqa: S608
        params,
    ).fetchall()
    items = [relation_item(row) for row in rows]
    keyword = text(flt, "Trefwoord").casefold()
    if keyword:
        items = [item for item in items if any(
            keyword in (item.get(name) or "").casefold() for name in TREFWOORD_FIELDS)]
    return {"Relaties": items[: ctx.settings.getrelaties_row_cap]}


# ---------------------------------------------------------------------------------------------
# Ledger accounts
# ---------------------------------------------------------------------------------------------


def _ledger_fields(ctx: Ctx, gb: dict[str, Any], suffix: str) -> dict[str, Any]:
    """Validate a cGrootboekrekening; the Update variants of the codes end in ``.1``."""
    code = text(gb, "Code")
    require(code, "CGN003" + suffix)
    check_lengths(gb, {"Code": 10, "Omschrijving": 50, "Categorie": 10}, "CGB003" + suffix)
    other = ledger_by_code(ctx.conn, ctx.admin_id, code)
    require(other is None or other["id"] == gb.get("ID"), "CGB001" + suffix, code)
    require(text(gb, "Omschrijving"), "CGB002" + suffix)
    categorie = text(gb, "Categorie")
    require(categorie, "CGB005" + suffix)
    require(categorie in ("BAL", "VW"), "CGB006" + suffix, categorie)
    return {"code": code, "omschrijving": text(gb, "Omschrijving"), "categorie": categorie,
            "groep": gb.get("Groep")}


def add_grootboekrekening(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    gb = {**(req.get("oGb") or {}), "ID": None}  # ID is assigned here, whatever was sent
    fields = _ledger_fields(ctx, gb, "")
    gb_id = next_number(ctx.conn, ctx.admin_id, "ledger")
    ctx.conn.execute(
        "INSERT INTO ledgers (admin_id, id, code, omschrijving, categorie, groep) "
        "VALUES (:admin_id, :id, :code, :omschrijving, :categorie, :groep)",
        {**fields, "admin_id": ctx.admin_id, "id": gb_id},
    )
    return {"Gb_ID": gb_id}


def update_grootboekrekening(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    gb = req.get("oGb") or {}
    existing = ctx.conn.execute(
        "SELECT 1 FROM ledgers WHERE admin_id = ? AND id = ?", (ctx.admin_id, gb.get("ID") or 0)
    ).fetchone()
    require(existing, "CGB004.1", str(gb.get("ID")))
    fields = _ledger_fields(ctx, gb, ".1")
    ctx.conn.execute(
        "UPDATE ledgers SET code = :code, omschrijving = :omschrijving, categorie = :categorie, "
        "groep = :groep WHERE admin_id = :admin_id AND id = :id",
        {**fields, "admin_id": ctx.admin_id, "id": gb["ID"]},
    )
    return {}


def get_grootboekrekeningen(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    flt = req.get("cFilter") or {}
    rows = _ledgers(ctx, flt.get("ID") or 0, text(flt, "Code"), text(flt, "Categorie"))
    return {"Rekeningen": [
        {"ID": row["id"], "Code": row["code"], "Omschrijving": row["omschrijving"],
         "Categorie": row["categorie"], "Groep": row["groep"]}
        for row in rows
    ]}


def _ledgers(ctx: Ctx, ledger_id: int, code: str, categorie: str) -> list[sqlite3.Row]:
    clauses, params = ["admin_id = ?"], [ctx.admin_id]
    for column, value in (("id", ledger_id), ("code", code), ("categorie", categorie)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    return ctx.conn.execute(
        f"SELECT * FROM ledgers WHERE {' AND '.join(clauses)} ORDER BY code",  # noqa: S608
        params,
    ).fetchall()


# ---------------------------------------------------------------------------------------------
# Balances: the sum of postings, debit positive and credit negative (sign convention: L)
# ---------------------------------------------------------------------------------------------


def _posting_filter(ctx: Ctx, flt: dict[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = ["admin_id = ?"], [ctx.admin_id]
    for clause, value in (
        ("kostenplaats_id = ?", flt.get("KostenPlaatsId")),
        ("datum >= ?", flt.get("DatumVan")),
        ("datum <= ?", flt.get("DatumTot")),
    ):
        if value:
            clauses.append(clause)
            params.append(value.isoformat() if isinstance(value, dt.date) else value)
    return " AND ".join(clauses), params


def get_saldo(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    flt = req.get("cFilter") or {}
    ledger = ledger_by_code(ctx.conn, ctx.admin_id, text(flt, "GbCode"))
    if ledger is None:
        if ctx.settings.unknown_ledger_saldo == "zero":
            return {"Saldo": Decimal(0)}
        raise BusinessError("CSAL001", text(flt, "GbCode"))
    where, params = _posting_filter(ctx, flt)
    row = ctx.conn.execute(
        f"SELECT COALESCE(SUM(cents), 0) AS cents FROM postings WHERE {where} "  # noqa: S608
        "AND ledger_id = ?",
        (*params, ledger["id"]),
    ).fetchone()
    return {"Saldo": from_cents(row["cents"])}


def get_saldi(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    flt = req.get("cFilter") or {}
    where, params = _posting_filter(ctx, flt)
    sums = {
        row["ledger_id"]: row["cents"]
        for row in ctx.conn.execute(
            f"SELECT ledger_id, SUM(cents) AS cents FROM postings WHERE {where} "  # noqa: S608
            "GROUP BY ledger_id",
            params,
        )
    }
    rows = _ledgers(ctx, 0, "", text(flt, "Categorie"))
    return {"Saldi": [
        {"ID": row["id"], "Code": row["code"], "Categorie": row["categorie"],
         "Saldo": from_cents(sums.get(row["id"], 0))}
        for row in rows
    ]}


# ---------------------------------------------------------------------------------------------
# Read-only master data and the session's account
# ---------------------------------------------------------------------------------------------


def get_administraties(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    rows = ctx.conn.execute(
        "SELECT * FROM administrations WHERE account_id = ? ORDER BY id",
        (ctx.session.account_id,),
    ).fetchall()
    return {"Administraties": [
        {"Bedrijf": row["bedrijf"], "Plaats": row["plaats"], "Guid": row["guid"],
         "StartBoekjaar": row["start_boekjaar"]}
        for row in rows
    ]}


def get_kostenplaatsen(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    flt = req.get("cFilter") or {}
    rows = ctx.conn.execute(
        "SELECT * FROM cost_centres WHERE admin_id = ? ORDER BY id", (ctx.admin_id,)
    ).fetchall()
    wanted_id, parent = flt.get("KostenplaatsID"), flt.get("KostenplaatsParentID")
    words = text(flt, "Omschrijving").casefold()
    return {"Kostenplaatsen": [
        {"KostenplaatsId": row["id"], "Omschrijving": row["omschrijving"],
         "KostenplaatsParentId": row["parent_id"]}
        for row in rows
        if (not wanted_id or row["id"] == wanted_id)
        and (not parent or row["parent_id"] == parent)
        and words in row["omschrijving"].casefold()
    ]}


def get_artikelen(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    flt = req.get("cFilter") or {}
    rows = ctx.conn.execute(
        "SELECT * FROM articles WHERE admin_id = ? ORDER BY id", (ctx.admin_id,)
    ).fetchall()
    return {"Artikelen": [_article_item(row) for row in rows if _article_matches(row, flt)]}


def _article_matches(row: sqlite3.Row, flt: dict[str, Any]) -> bool:
    # Ids and codes match exactly, descriptions as case-insensitive substrings (L).
    return (
        (not flt.get("ArtikelID") or row["id"] == flt["ArtikelID"])
        and (not text(flt, "ArtikelCode") or row["code"] == text(flt, "ArtikelCode"))
        and (not text(flt, "GroepCode") or row["groep_code"] == text(flt, "GroepCode"))
        and text(flt, "ArtikelOmschrijving").casefold() in row["omschrijving"].casefold()
        and text(flt, "GroepOmschrijving").casefold() in row["groep_omschrijving"].casefold()
    )


def _article_item(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "ArtikelID": row["id"], "ArtikelOmschrijving": row["omschrijving"],
        "ArtikelCode": row["code"], "GroepOmschrijving": row["groep_omschrijving"],
        "GroepCode": row["groep_code"], "Eenheid": row["eenheid"],
        "InkoopprijsExclBTW": Decimal(row["inkoop"]),
        "VerkoopprijsExclBTW": Decimal(row["verkoop_excl"]),
        "VerkoopprijsInclBTW": Decimal(row["verkoop_incl"]),
        "BTWCode": row["btw_code"], "TegenrekeningCode": row["tegenrekening"],
        "BtwPercentage": Decimal(row["btw_pct"]), "KostenplaatsID": row["kostenplaats_id"],
        "Actief": bool(row["actief"]),
    }


def auto_login(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    return {"Token": create_autologin_token(ctx.conn, ctx.session, text(req, "Username"))}

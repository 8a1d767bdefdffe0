"""SQLite persistence.

One connection guarded by one process-wide re-entrant lock: every SOAP call runs its reads,
checks and writes in a single ``BEGIN IMMEDIATE`` transaction, so two concurrent AddMutatie
calls with the same invoice number can never both pass the duplicate check. The unique
indexes below are the second line of defence. WAL mode keeps readers in other processes
(the CLI, a test inspecting the file) from blocking the server, and committed data survives a
restart or a killed process.

Relation codes and invoice numbers compare case-insensitively, as e-Boekhouden's database
(SQL Server, case-insensitive collation as far as is known) does: queries and the unique
indexes use the SQL function ``fold`` (Python's ``str.casefold``) that every :class:`Store`
connection registers. A plain ``sqlite3`` shell can read the file but cannot write the indexed
tables.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DDL = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    security_code_1 TEXT NOT NULL,
    security_code_2 TEXT NOT NULL,
    accountant INTEGER NOT NULL DEFAULT 0,
    api_access INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS administrations (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    guid TEXT NOT NULL UNIQUE,
    bedrijf TEXT NOT NULL,
    plaats TEXT NOT NULL,
    start_boekjaar TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    admin_id INTEGER NOT NULL REFERENCES administrations(id),
    security_code_2 TEXT NOT NULL,
    source TEXT,
    state TEXT NOT NULL,
    opened_at REAL NOT NULL,
    last_used REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    admin_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (admin_id, name)
);
CREATE TABLE IF NOT EXISTS ledgers (
    admin_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    code TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    categorie TEXT NOT NULL,
    groep TEXT,
    PRIMARY KEY (admin_id, id),
    UNIQUE (admin_id, code)
);
CREATE TABLE IF NOT EXISTS relations (
    admin_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    code TEXT NOT NULL,
    add_datum TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (admin_id, id),
    UNIQUE (admin_id, code)
);
CREATE TABLE IF NOT EXISTS mutations (
    admin_id INTEGER NOT NULL,
    nr INTEGER NOT NULL,
    soort TEXT NOT NULL,
    datum TEXT NOT NULL,
    rekening TEXT NOT NULL,
    relatie_code TEXT,
    factuurnummer TEXT,
    boekstuk TEXT,
    omschrijving TEXT NOT NULL,
    betalingstermijn TEXT,
    betalingskenmerk TEXT,
    inex TEXT,
    total_cents INTEGER NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (admin_id, nr)
);
CREATE UNIQUE INDEX IF NOT EXISTS mutations_sales_invoice
    ON mutations (admin_id, factuurnummer) WHERE soort = 'FactuurVerstuurd';
CREATE UNIQUE INDEX IF NOT EXISTS mutations_purchase_invoice
    ON mutations (admin_id, relatie_code, factuurnummer) WHERE soort = 'FactuurOntvangen';
CREATE INDEX IF NOT EXISTS mutations_invoice ON mutations (admin_id, factuurnummer);
CREATE TABLE IF NOT EXISTS mutation_lines (
    admin_id INTEGER NOT NULL,
    nr INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    invoer TEXT NOT NULL,
    excl TEXT NOT NULL,
    btw TEXT NOT NULL,
    incl TEXT NOT NULL,
    btw_code TEXT NOT NULL,
    btw_pct TEXT NOT NULL,
    tegenrekening TEXT NOT NULL,
    kostenplaats_id INTEGER NOT NULL,
    PRIMARY KEY (admin_id, nr, line_no)
);
CREATE TABLE IF NOT EXISTS postings (
    admin_id INTEGER NOT NULL,
    nr INTEGER NOT NULL,
    datum TEXT NOT NULL,
    ledger_id INTEGER NOT NULL,
    kostenplaats_id INTEGER NOT NULL,
    cents INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS postings_ledger ON postings (admin_id, ledger_id, datum);
CREATE TABLE IF NOT EXISTS invoices (
    admin_id INTEGER NOT NULL,
    factuurnummer TEXT NOT NULL,
    relatiecode TEXT NOT NULL,
    datum TEXT NOT NULL,
    betalingstermijn INTEGER NOT NULL,
    sjabloon TEXT NOT NULL,
    data TEXT NOT NULL,
    excl_cents INTEGER NOT NULL,
    btw_cents INTEGER NOT NULL,
    incl_cents INTEGER NOT NULL,
    mutatie_nr INTEGER,
    created_at REAL NOT NULL,
    PRIMARY KEY (admin_id, factuurnummer)
);
CREATE TABLE IF NOT EXISTS invoice_lines (
    admin_id INTEGER NOT NULL,
    factuurnummer TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    aantal TEXT NOT NULL,
    eenheid TEXT,
    code TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    prijs TEXT NOT NULL,
    btw_code TEXT NOT NULL,
    tegenrekening TEXT NOT NULL,
    kostenplaats_id INTEGER NOT NULL,
    PRIMARY KEY (admin_id, factuurnummer, line_no)
);
CREATE TABLE IF NOT EXISTS templates (
    admin_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (admin_id, name)
);
CREATE TABLE IF NOT EXISTS articles (
    admin_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    code TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    groep_code TEXT NOT NULL,
    groep_omschrijving TEXT NOT NULL,
    eenheid TEXT NOT NULL,
    inkoop TEXT NOT NULL,
    verkoop_excl TEXT NOT NULL,
    verkoop_incl TEXT NOT NULL,
    btw_code TEXT NOT NULL,
    btw_pct TEXT NOT NULL,
    tegenrekening TEXT NOT NULL,
    kostenplaats_id INTEGER NOT NULL,
    actief INTEGER NOT NULL,
    PRIMARY KEY (admin_id, id)
);
CREATE TABLE IF NOT EXISTS cost_centres (
    admin_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    omschrijving TEXT NOT NULL,
    parent_id INTEGER NOT NULL,
    PRIMARY KEY (admin_id, id)
);
CREATE TABLE IF NOT EXISTS usage (
    admin_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    operation TEXT NOT NULL,
    calls INTEGER NOT NULL,
    PRIMARY KEY (admin_id, month, operation)
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    admin_id INTEGER,
    operation TEXT NOT NULL,
    error_code TEXT,
    fault TEXT,
    duration_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_admin ON calls (admin_id, id);
CREATE TABLE IF NOT EXISTS api_tokens (
    token TEXT PRIMARY KEY,
    admin_id INTEGER NOT NULL REFERENCES administrations(id),
    created_at REAL NOT NULL,
    expires_at REAL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS api_tokens_admin ON api_tokens (admin_id);
CREATE TABLE IF NOT EXISTS rest_sessions (
    token TEXT PRIMARY KEY,
    admin_id INTEGER NOT NULL REFERENCES administrations(id),
    api_token TEXT NOT NULL,
    source TEXT NOT NULL,
    opened_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS autologin_tokens (
    token TEXT PRIMARY KEY,
    admin_id INTEGER NOT NULL,
    created_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
"""
# Unique regardless of case. Kept apart from DDL: a database written before these existed may
# hold two codes that differ only in case, and then the index cannot be built; the checks in
# the handlers still apply to new writes.
CASE_INSENSITIVE_INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS relations_code_ci ON relations (admin_id, fold(code))",
    "CREATE UNIQUE INDEX IF NOT EXISTS mutations_sales_invoice_ci "
    "ON mutations (admin_id, fold(factuurnummer)) WHERE soort = 'FactuurVerstuurd'",
    "CREATE UNIQUE INDEX IF NOT EXISTS mutations_purchase_invoice_ci "
    "ON mutations (admin_id, fold(relatie_code), fold(factuurnummer)) "
    "WHERE soort = 'FactuurOntvangen'",
    "CREATE INDEX IF NOT EXISTS mutations_invoice_ci ON mutations (admin_id, fold(factuurnummer))",
    "CREATE UNIQUE INDEX IF NOT EXISTS invoices_number_ci "
    "ON invoices (admin_id, fold(factuurnummer))",
)

# Schema changes after the first release, applied in order to a database whose
# ``PRAGMA user_version`` is below their number (a new database runs them all after DDL).
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, (
        # Which transport made a booking or invoice: "SOAP" (everything before REST existed)
        # or "REST"; shown on the web page.
        "ALTER TABLE mutations ADD COLUMN transport TEXT NOT NULL DEFAULT 'SOAP'",
        "ALTER TABLE invoices ADD COLUMN transport TEXT NOT NULL DEFAULT 'SOAP'",
        # REST rows carry a description of their own (SOAP lines have none).
        "ALTER TABLE mutation_lines ADD COLUMN omschrijving TEXT",
        # Administrations made before REST get their API token (add-account makes one now).
        "INSERT INTO api_tokens (token, admin_id, created_at) "
        "SELECT lower(hex(randomblob(24))), id, CAST(strftime('%s', 'now') AS REAL) "
        "FROM administrations WHERE id NOT IN (SELECT admin_id FROM api_tokens)",
    )),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def fold(value: str | None) -> str | None:
    """The case-insensitive form of a code or number (None stays None)."""
    return value.casefold() if isinstance(value, str) else value


class Store:
    """The sandbox database: one shared connection, one lock, explicit transactions."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.create_function("fold", 1, fold, deterministic=True)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        with self.transaction() as conn:
            for statement in DDL.split(";"):
                if statement.strip():
                    conn.execute(statement)
        self._migrate()
        for statement in CASE_INSENSITIVE_INDEXES:
            try:
                with self.transaction() as conn:
                    conn.execute(statement)
            except sqlite3.IntegrityError:
                pass  # old data with case-only duplicates: see CASE_INSENSITIVE_INDEXES

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, statements in MIGRATIONS:
                if number > version:
                    for statement in statements:
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {int(number)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Serialize writers; nested use becomes a savepoint that can roll back on its own."""
        with self._lock:
            conn = self._conn
            nested = conn.in_transaction
            conn.execute("SAVEPOINT nested" if nested else "BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if nested:
                    conn.execute("ROLLBACK TO nested")
                    conn.execute("RELEASE nested")
                else:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("RELEASE nested" if nested else "COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Reads for the web view and control endpoints: a consistent snapshot, no writes."""
        with self._lock:
            conn = self._conn
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def next_number(conn: sqlite3.Connection, admin_id: int, name: str) -> int:
    """Deterministic per-administration ids: 1, 2, 3, ... for each kind of record."""
    row = conn.execute(
        "SELECT value FROM counters WHERE admin_id = ? AND name = ?", (admin_id, name)
    ).fetchone()
    value = (row["value"] if row else 0) + 1
    conn.execute(
        "INSERT INTO counters (admin_id, name, value) VALUES (?, ?, ?) "
        "ON CONFLICT (admin_id, name) DO UPDATE SET value = excluded.value",
        (admin_id, name, value),
    )
    return value


def now() -> float:
    return time.time()

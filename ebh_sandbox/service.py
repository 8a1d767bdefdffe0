"""Runs one SOAP operation: session checks, the handler, the result convention, the call log
and the counters. Knows nothing about HTTP."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import invoices, mutations, operations, sessions
from .context import Ctx
from .errors import BusinessError
from .faults import FaultInjector
from .schema import Operation
from .settings import Settings
from .store import Store, now

Handler = Callable[[Ctx, dict[str, Any]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {
    "GetAdministraties": operations.get_administraties,
    "GetSaldo": operations.get_saldo,
    "GetSaldi": operations.get_saldi,
    "AddFactuur": invoices.add_factuur,
    "GetFacturen": invoices.get_facturen,
    "AddMutatie": mutations.add_mutatie,
    "GetMutaties": mutations.get_mutaties,
    "AddGrootboekrekening": operations.add_grootboekrekening,
    "UpdateGrootboekrekening": operations.update_grootboekrekening,
    "GetGrootboekrekeningen": operations.get_grootboekrekeningen,
    "AddRelatie": operations.add_relatie,
    "UpdateRelatie": operations.update_relatie,
    "GetRelaties": operations.get_relaties,
    "GetOpenPosten": mutations.get_open_posten,
    "AutoLogin": operations.auto_login,
    "GetKostenplaatsen": operations.get_kostenplaatsen,
    "GetArtikelen": operations.get_artikelen,
}
EMPTY_ERROR = {"LastErrorCode": "", "LastErrorDescription": ""}


@dataclass
class Stats:
    """In-memory call counters for ``GET /_control/stats`` (cleared by reset and restart)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    operations: Counter[str] = field(default_factory=Counter)
    administrations: dict[str, Counter[str]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    delayed: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    peak_in_flight: int = 0

    def record(self, operation: str, admin_guid: str | None, error_code: str) -> None:
        with self.lock:
            self.operations[operation] += 1
            if admin_guid:
                self.administrations.setdefault(admin_guid, Counter())[operation] += 1
            if error_code:
                self.errors[error_code] += 1

    def record_fault(self, mode: str) -> None:
        with self.lock:
            self.faults[mode] += 1

    def record_delay(self, operation: str) -> None:
        with self.lock:
            self.delayed[operation] += 1

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Count the SOAP calls being served at once (``peak_in_flight`` shows parallelism)."""
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self.lock:
                self.in_flight -= 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "total": sum(self.operations.values()),
                "operations": dict(self.operations),
                "administrations": {
                    guid: {"total": sum(ops.values()), "operations": dict(ops)}
                    for guid, ops in self.administrations.items()
                },
                "errors": dict(self.errors),
                "faults": dict(self.faults),
                "delayed": dict(self.delayed),
                "peak_in_flight": self.peak_in_flight,
            }

    def reset(self) -> None:
        with self.lock:
            self.operations.clear()
            self.administrations.clear()
            self.errors.clear()
            self.faults.clear()
            self.delayed.clear()
            self.peak_in_flight = self.in_flight


class Service:
    def __init__(self, store: Store, settings: Settings, faults: FaultInjector) -> None:
        self.store = store
        self.settings = settings
        self.faults = faults
        self.stats = Stats()

    def call(
        self, operation: Operation, req: dict[str, Any], *, base_url: str, fault: str | None = None
    ) -> dict[str, Any] | None:
        """Run ``operation``; business errors come back inside the result (HTTP 200)."""
        started = time.monotonic()
        settings = self.settings  # one consistent snapshot for the whole call
        with self.store.transaction() as conn:
            admin_id: int | None = None
            error_code = ""
            try:
                result, admin_id = self._dispatch(conn, settings, operation, req, base_url)
            except BusinessError as error:
                result, error_code = error_result(operation, error), error.code
                admin_id = _admin_hint(conn, operation, req)
            guid = self.log_call(conn, operation.name, admin_id, error_code, fault, started)
        self.stats.record(operation.name, guid, error_code)
        return result

    def log_unapplied(self, operation: Operation, req: dict[str, Any], fault: str) -> None:
        """Log a call that a fault answered before it reached the handler (HTTP 500)."""
        with self.store.transaction() as conn:
            admin_id = _admin_hint(conn, operation, req)
            guid = self.log_call(conn, operation.name, admin_id, "HTTP500", fault, time.monotonic())
        self.stats.record(operation.name, guid, "")

    def _dispatch(
        self, conn: sqlite3.Connection, settings: Settings, operation: Operation,
        req: dict[str, Any], base_url: str,
    ) -> tuple[dict[str, Any] | None, int | None]:
        name = operation.name
        if name in ("OpenSession", "OpenSessionSub"):
            session_id = sessions.open_session(conn, req, sub=name == "OpenSessionSub")
            return {"ErrorMsg": EMPTY_ERROR, "SessionID": session_id}, sessions.session_admin(
                conn, session_id)
        if name == "CloseSession":
            admin_id = sessions.session_admin(conn, req.get("SessionID"))
            sessions.close_session(conn, req.get("SessionID"))
            return None, admin_id
        session = sessions.require_session(
            conn, settings, req.get("SessionID"), req.get("SecurityCode2"))
        if self.faults.expire_session_now(name):
            self.stats.record_fault("session_expired")
            sessions.expire_session(conn, session.id)
            raise BusinessError(settings.session_expired_code)
        ctx = Ctx(conn, settings, session, base_url)
        with self.store.transaction():  # a savepoint: a rejected call leaves no partial writes
            result = HANDLERS[name](ctx, req)
        if operation.result_type == "cError":
            return dict(EMPTY_ERROR), session.admin_id
        return {"ErrorMsg": EMPTY_ERROR, **result}, session.admin_id

    def log_call(
        self, conn: sqlite3.Connection, operation: str, admin_id: int | None, error_code: str,
        fault: str | None, started: float,
    ) -> str | None:
        conn.execute(
            "INSERT INTO calls (ts, admin_id, operation, error_code, fault, duration_ms) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (now(), admin_id, operation, error_code or None, fault,
             (time.monotonic() - started) * 1000),
        )
        if admin_id is None:
            return None
        row = conn.execute("SELECT guid FROM administrations WHERE id = ?", (admin_id,)).fetchone()
        return row["guid"] if row else None


def error_result(operation: Operation, error: BusinessError) -> dict[str, Any] | None:
    error_fields = {"LastErrorCode": error.code, "LastErrorDescription": error.description}
    if operation.result_type is None:
        return None
    if operation.result_type == "cError":
        return error_fields
    return {"ErrorMsg": error_fields}


def _admin_hint(conn: sqlite3.Connection, operation: Operation, req: dict[str, Any]) -> int | None:
    """Which administration's call log a failed call belongs in, if any can be told."""
    if operation.name in ("OpenSession", "OpenSessionSub"):
        guid = req.get("AdministratieGUID") or req.get("SecurityCode2")
        return sessions.admin_id_for_guid(conn, guid)
    return sessions.session_admin(conn, req.get("SessionID"))

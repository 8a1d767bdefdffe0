"""The control plane for tests and benchmarks: ``/_control/*``, JSON in and out, loopback only.

A browser on the same machine must not be able to drive it for a web page: a request must
come from a loopback address, name a loopback Host (a rebound DNS name is refused), carry no
Origin but a loopback one and no ``Sec-Fetch-Site: cross-site``, and a POST must say
``Content-Type: application/json`` (which a cross-site form cannot send without a CORS
preflight, which the sandbox never grants).

=======  =========================  ===========================================================
method   path                       body / answer
=======  =========================  ===========================================================
GET      /_control/health           ``{"ok": true}``
GET      /_control/faults           the active faults
POST     /_control/faults           a :class:`~ebh_sandbox.faults.Faults` object (replaces the
                                    active one; missing keys take defaults) plus optionally
                                    ``"password_changed": "user" | "*"``; answers
                                    ``{"faults": {...}, "rotated": {"user": "new code 1"}}``
GET      /_control/settings         the active settings
POST     /_control/settings         changes to merge into the settings; answers all settings
POST     /_control/reset            clears faults, counters, monthly usage; restores the
                                    start-up settings
GET      /_control/stats            ``{"total", "operations", "administrations": {guid:
                                    {"total", "operations"}}, "errors", "faults", "delayed":
                                    {operation: calls given latency}, "peak_in_flight"}``
POST     /_control/accounts         ``{"username", "administrations": 1, "accountant": false,
                                    "api_access": true}`` -> the add-account JSON
GET      /_control/accounts?username=U   the same JSON for an existing account
POST     /_control/password         ``{"username": "user" | "*"}`` -> ``{"rotated": {...}}``
POST     /_control/usage            ``{"admin": guid, "operation": "GetMutaties", "calls": N}``
POST     /_control/api-token        ``{"admin": guid, "expires_in_s": null}`` -> ``{"api_token",
                                    "admin"}`` (a further REST API token for the administration)
POST     /_control/api-token/revoke ``{"token": T}``: POST /v1/session answers 403 SECURITY_001
                                    and the token's open sessions end (401 SECURITY_010)
POST     /_control/api-token/expire ``{"token": T}``: the token's end date passes:
                                    403 API_SESSION_004, its sessions end
POST     /_control/relations        ``{"admin": guid, "count": N, "prefix": "R"}``: N relations
                                    R00001... at once (paging tests)
GET      /_control/mutations?admin=GUID  ``{"mutations": [...]}`` with lines
GET      /_control/relations?admin=GUID  ``{"relations": [...]}``
GET      /_control/invoices?admin=GUID   ``{"invoices": [...]}``
POST     /_control/pay              ``{"admin": guid, "invoice": "F2026-1", "amount": "10.00",
                                    "date": "2026-05-01", "purchase": false, "relation": ""}``
                                    books the payment e-Boekhouden books when the bank is
                                    matched (amount: default what is open; date: today);
                                    answers ``{"mutatie_nr": N}``
=======  =========================  ===========================================================
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from . import accounts, readouts, rest_auth
from .faults import Faults
from .mutations import pay_invoice, set_usage
from .sessions import admin_id_for_guid

if TYPE_CHECKING:
    from .server import SandboxApp

LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_CONTROL_BODY = 1024 * 1024
Route = Callable[["SandboxApp", dict[str, Any], dict[str, list[str]]], Any]


class ControlError(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


def handle(app: SandboxApp, environ: dict[str, Any], start_response: Callable[..., Any]) -> list:
    try:
        _refuse_foreign(environ)
        key = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        route = ROUTES.get(key)
        if route is None:
            raise ControlError("404 Not Found", f"no control endpoint {key[0]} {key[1]}")
        payload = _json_body(environ) if key[0] == "POST" else {}
        query = parse_qs(environ.get("QUERY_STRING") or "")
        status, answer = "200 OK", route(app, payload, query)
    except ControlError as exc:
        status, answer = exc.status, {"error": str(exc)}
    except (ValueError, TypeError, KeyError, InvalidOperation, accounts.AccountError) as exc:
        status, answer = "400 Bad Request", {"error": str(exc)}
    body = json.dumps(answer, default=str).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


def _refuse_foreign(environ: dict[str, Any]) -> None:
    if environ.get("REMOTE_ADDR") not in LOOPBACK:
        raise ControlError("403 Forbidden", "control endpoints are loopback-only")
    if _host_name(environ.get("HTTP_HOST") or "") not in LOOPBACK_HOSTS:
        raise ControlError("403 Forbidden", "control endpoints answer only to a loopback Host")
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and _host_name(urlsplit(origin).netloc) not in LOOPBACK_HOSTS:
        raise ControlError("403 Forbidden", "control endpoints refuse a foreign Origin")
    if environ.get("HTTP_SEC_FETCH_SITE") == "cross-site":
        raise ControlError("403 Forbidden", "control endpoints refuse cross-site requests")
    if environ["REQUEST_METHOD"] == "POST" and not _is_json(environ.get("CONTENT_TYPE") or ""):
        raise ControlError("415 Unsupported Media Type", "control POSTs must be application/json")


def _host_name(host: str) -> str:
    """``"127.0.0.1:8765"`` -> ``"127.0.0.1"``, ``"[::1]:80"`` -> ``"::1"``, lower-cased."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0].lower() if host.count(":") == 1 else host.lower()


def _is_json(content_type: str) -> bool:
    return content_type.partition(";")[0].strip().lower() == "application/json"


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > MAX_CONTROL_BODY:
        raise ControlError("413 Payload Too Large", "control body too large")
    raw = environ["wsgi.input"].read(length) if length else b""
    data = json.loads(raw or b"{}")
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def _admin(app: SandboxApp, query: dict[str, list[str]]) -> int:
    guid = (query.get("admin") or [""])[0]
    with app.store.read() as conn:
        admin_id = admin_id_for_guid(conn, guid)
    if admin_id is None:
        raise ControlError("404 Not Found", f"no administration {guid!r}")
    return admin_id


def set_faults(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    payload = dict(payload)
    who = payload.pop("password_changed", None)
    faults = Faults.from_json(payload)
    rotated = _rotate(app, who) if who else {}
    app.injector.configure(faults)
    return {"faults": faults.to_json(), "rotated": rotated}


def _rotate(app: SandboxApp, who: str) -> dict[str, str]:
    return accounts.rotate_security_code_1(
        app.store, who, end_sessions=app.settings.rotation_ends_sessions
    )


def change_password(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    return {"rotated": _rotate(app, str(payload.get("username") or ""))}


def set_settings(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    app.service.settings = app.settings.updated(payload)
    return app.settings.to_json()


def reset(app: SandboxApp, _: Any, __: Any) -> dict[str, Any]:
    app.injector.configure(Faults())
    app.service.settings = replace(app.startup_settings)
    app.service.stats.reset()
    with app.store.transaction() as conn:
        conn.execute("DELETE FROM usage")
    return {"ok": True}


def add_account(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    return accounts.create_account(
        app.store,
        str(payload.get("username") or ""),
        administrations=int(payload.get("administrations", 1)),
        accountant=bool(payload.get("accountant", False)),
        api_access=bool(payload.get("api_access", True)),
    )


def show_account(app: SandboxApp, _: Any, query: dict[str, list[str]]) -> dict[str, Any]:
    with app.store.read() as conn:
        return accounts.account_info(conn, (query.get("username") or [""])[0])


def set_usage_calls(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    admin_id = _admin(app, {"admin": [str(payload.get("admin") or "")]})
    operation = str(payload.get("operation") or "GetMutaties")
    with app.store.transaction() as conn:
        set_usage(conn, admin_id, operation, int(payload["calls"]))
    return {"ok": True}


def add_api_token(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    expires = payload.get("expires_in_s")
    with app.store.transaction() as conn:
        return rest_auth.add_token(conn, str(payload.get("admin") or ""),
                                   None if expires is None else float(expires))


def revoke_api_token(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    with app.store.transaction() as conn:
        return rest_auth.revoke_token(conn, str(payload.get("token") or ""))


def expire_api_token(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    with app.store.transaction() as conn:
        return rest_auth.expire_token(conn, str(payload.get("token") or ""))


def seed_relations(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    admin_id = _admin(app, {"admin": [str(payload.get("admin") or "")]})
    count, prefix = int(payload["count"]), str(payload.get("prefix") or "R")
    if not 0 < count <= 20000:
        raise ValueError("count must be 1..20000")
    with app.store.transaction() as conn:
        created = accounts.seed_relations(conn, admin_id, prefix, count)
    return {"created": created}


def pay(app: SandboxApp, payload: dict[str, Any], _: Any) -> dict[str, Any]:
    admin_id = _admin(app, {"admin": [str(payload.get("admin") or "")]})
    amount, date = payload.get("amount"), payload.get("date")
    with app.store.transaction() as conn:
        number = pay_invoice(
            conn, admin_id, str(payload["invoice"]),
            amount=None if amount in (None, "") else Decimal(str(amount)),
            datum=dt.date.fromisoformat(date) if date else None,
            purchase=bool(payload.get("purchase", False)),
            relatie=str(payload.get("relation") or ""),
        )
    return {"mutatie_nr": number}


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/_control/api-token"): add_api_token,
    ("POST", "/_control/api-token/revoke"): revoke_api_token,
    ("POST", "/_control/api-token/expire"): expire_api_token,
    ("POST", "/_control/relations"): seed_relations,
    ("GET", "/_control/health"): lambda app, _, __: {"ok": True},
    ("GET", "/_control/faults"): lambda app, _, __: app.injector.faults.to_json(),
    ("POST", "/_control/faults"): set_faults,
    ("GET", "/_control/settings"): lambda app, _, __: app.settings.to_json(),
    ("POST", "/_control/settings"): set_settings,
    ("POST", "/_control/reset"): reset,
    ("GET", "/_control/stats"): lambda app, _, __: app.service.stats.snapshot(),
    ("POST", "/_control/accounts"): add_account,
    ("GET", "/_control/accounts"): show_account,
    ("POST", "/_control/password"): change_password,
    ("POST", "/_control/usage"): set_usage_calls,
    ("POST", "/_control/pay"): pay,
    ("GET", "/_control/mutations"): lambda app, _, query: {
        "mutations": readouts.mutations(app.store, _admin(app, query))},
    ("GET", "/_control/relations"): lambda app, _, query: {
        "relations": readouts.relations(app.store, _admin(app, query))},
    ("GET", "/_control/invoices"): lambda app, _, query: {
        "invoices": readouts.invoices(app.store, _admin(app, query))},
}

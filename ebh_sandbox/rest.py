"""e-Boekhouden's REST API v1 (the operations the product uses), over the SOAP side's store.

``/v1/...`` JSON in and out, camelCase. ``POST /v1/session`` trades an API token for a session
token (:mod:`.rest_auth`); every other call needs ``Authorization: <session token>``. Errors
are ``{"type", "title", "status", "code", ...}`` (:mod:`.rest_errors`); lists page and filter
as :mod:`.rest_query` describes. The operations live in :mod:`.rest_ops`.

Each route carries the SOAP operation it stands for, so fault injection (:mod:`.faults`)
selects both transports with one name, and the call log and counters name the route itself
(``POST /v1/mutation``), so the web page shows which transport made a call.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from . import rest_auth, rest_ops
from .errors import BusinessError
from .faults import Decision
from .rest_errors import RestError
from .rest_ops import RestCall

if TYPE_CHECKING:
    from .server import SandboxApp

StartResponse = Callable[..., Any]
JSON = "application/json; charset=utf-8"
MAX_BODY = 5 * 1024 * 1024


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    template: str
    operation: str  # the SOAP operation it stands for (fault selection)
    handler: Callable[[RestCall], tuple[int, Any]]
    authenticated: bool = True


def _route(method: str, template: str, operation: str, handler: Any, auth: bool = True) -> Route:
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?")
    return Route(method, pattern, template, operation, handler, auth)


ROUTES = (
    _route("POST", "/v1/session", "OpenSession", None, auth=False),
    _route("DELETE", "/v1/session", "CloseSession", None),
    _route("GET", "/v1/administration/linked", "GetAdministraties",
           rest_ops.linked_administrations),
    _route("GET", "/v1/ledger", "GetGrootboekrekeningen", rest_ops.ledgers),
    _route("GET", "/v1/ledger/{id}", "GetGrootboekrekeningen", rest_ops.ledger),
    _route("GET", "/v1/costcenter", "GetKostenplaatsen", rest_ops.cost_centers),
    _route("GET", "/v1/product", "GetArtikelen", rest_ops.products),
    _route("GET", "/v1/unit", "GetArtikelen", rest_ops.units),
    _route("GET", "/v1/invoicetemplate", "GetFactuursjablonen", rest_ops.invoice_templates),
    _route("POST", "/v1/relation", "AddRelatie", rest_ops.create_relation),
    _route("GET", "/v1/relation", "GetRelaties", rest_ops.relations),
    _route("GET", "/v1/relation/{id}", "GetRelaties", rest_ops.relation),
    _route("PATCH", "/v1/relation/{id}", "UpdateRelatie", rest_ops.update_relation),
    _route("POST", "/v1/mutation", "AddMutatie", rest_ops.create_mutation),
    _route("GET", "/v1/mutation", "GetMutaties", rest_ops.mutation_list),
    _route("GET", "/v1/mutation/invoice/outstanding", "GetOpenPosten", rest_ops.outstanding),
    _route("GET", "/v1/mutation/{id}", "GetMutaties", rest_ops.mutation),
    _route("POST", "/v1/invoice", "AddFactuur", rest_ops.create_invoice),
    _route("GET", "/v1/invoice", "GetFacturen", rest_ops.invoice_list),
    _route("GET", "/v1/invoice/{id}", "GetFacturen", rest_ops.invoice),
)


def match(method: str, path: str) -> tuple[Route | None, dict[str, str]]:
    for route in ROUTES:
        found = route.pattern.fullmatch(path)
        if found and route.method == method:
            return route, found.groupdict()
    return None, {}


def handle(app: SandboxApp, environ: dict[str, Any], start_response: StartResponse,
           drop: type[Exception]) -> list[bytes]:
    """Answer one REST call; ``drop`` is raised to close the connection without an answer."""
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"
    route, params = match(method, path)
    if route is None:
        return _answer(start_response, 404, RestError.not_found("SANDBOX_NOT_FOUND", "").body())
    wait = app.injector.throttle(environ.get("HTTP_AUTHORIZATION") or "", time.monotonic())
    if wait:
        app.service.stats.record_fault("throttle")
        error = RestError(429, "SANDBOX_THROTTLED", kind="throttling")
        return _answer(start_response, 429, error.body(),
                       [("Retry-After", str(max(1, int(wait + 0.999))))])
    decision = app.injector.decide(route.operation)
    stats = app.service.stats
    with stats.serving():
        if decision.latency_s:
            stats.record_delay(route.operation)
            time.sleep(decision.latency_s)
        if decision.mode:
            stats.record_fault(decision.mode)
        return _faulted(app, environ, start_response, route, params, decision, drop)


def _faulted(app: SandboxApp, environ: dict[str, Any], start_response: StartResponse,
             route: Route, params: dict[str, str], decision: Decision,
             drop: type[Exception]) -> list[bytes]:
    mode = decision.mode
    if mode == "http500":  # not applied: the failure comes before the operation runs
        _log_only(app, route, "HTTP500", mode)
        return _answer(start_response, 500, RestError(500, "ERR_001", kind="error").body())
    if mode == "timeout":
        time.sleep(decision.hang_s)
        if not decision.timeout_apply:
            raise drop
    status, body = run(app, environ, route, params, mode)
    if mode == "drop":
        raise drop  # applied and committed, but the client never hears of it
    payload = _encode(body)
    if mode == "malformed":
        payload = payload[: max(len(payload) // 2, 1)]
    return _respond(start_response, status, payload)


def run(app: SandboxApp, environ: dict[str, Any], route: Route, params: dict[str, str],
        fault: str | None) -> tuple[int, Any]:
    """Authenticate, run the operation in one transaction, log the call."""
    started = time.monotonic()
    settings = app.settings
    admin_id, code = None, ""
    with app.store.transaction() as conn:
        call = RestCall(conn, settings, None, _base_url(environ), None,
                        parse_qs(environ.get("QUERY_STRING") or "", keep_blank_values=True),
                        params)
        try:
            call.body = _read_json(environ) if route.method in ("POST", "PATCH") else None
            status, body = _dispatch(app, call, route, environ)
            admin_id = call.session.admin_id if call.session else _token_admin(call)
        except RestError as error:
            status, body, code = error.status, error.body(), error.code
            admin_id = call.session.admin_id if call.session else None
        name = f"{route.method} {route.template}"
        guid = app.service.log_call(conn, name, admin_id, code, fault, started)
    app.service.stats.record(name, guid, code)
    return status, body


def _dispatch(app: SandboxApp, call: RestCall, route: Route,
              environ: dict[str, Any]) -> tuple[int, Any]:
    if not route.authenticated:
        return 200, rest_auth.open_session(call.conn, call.settings, call.body or {})
    call.session = rest_auth.require_session(call.conn, environ.get("HTTP_AUTHORIZATION"))
    if app.injector.expire_session_now(route.operation):
        app.service.stats.record_fault("session_expired")
        rest_auth.expire_session(call.conn, call.session.id)
        raise RestError.unauthenticated()
    if route.handler is None:  # DELETE /v1/session
        rest_auth.close_session(call.conn, call.session.id)
        return 204, None
    with app.store.transaction():  # a savepoint: a refused call leaves no partial writes
        try:
            return route.handler(call)
        except BusinessError as error:  # a SOAP rule not translated on the way
            raise RestError.from_soap(error.code, error.description) from None


def _token_admin(call: RestCall) -> int | None:
    token = (call.body or {}).get("accessToken") if isinstance(call.body, dict) else None
    row = call.conn.execute("SELECT admin_id FROM api_tokens WHERE token = ?",
                            (token or "",)).fetchone()
    return row["admin_id"] if row else None


def _log_only(app: SandboxApp, route: Route, code: str, fault: str) -> None:
    with app.store.transaction() as conn:
        name = f"{route.method} {route.template}"
        guid = app.service.log_call(conn, name, None, code, fault, time.monotonic())
    app.service.stats.record(name, guid, "")


def _read_json(environ: dict[str, Any]) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise RestError.validation("ERR_002", "", "invalid Content-Length") from None
    if length > MAX_BODY:
        raise RestError.validation("ERR_002", "", "request body too large")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        return json.loads(raw or b"null", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise RestError.validation("ERR_002", "", "the body is not valid JSON") from None


def _base_url(environ: dict[str, Any]) -> str:
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # cents survive: every amount has at most two decimals
    raise TypeError(f"not JSON: {value!r}")


def _encode(body: Any) -> bytes:
    return b"" if body is None else json.dumps(body, default=_json_default).encode()


def _answer(start_response: StartResponse, status: int, body: Any,
            headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    return _respond(start_response, status, _encode(body), headers)


def _respond(start_response: StartResponse, status: int, payload: bytes,
             headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    start_response(f"{status} {HTTPStatus(status).phrase}",
                   [("Content-Type", JSON), ("Content-Length", str(len(payload))),
                    *(headers or [])])
    return [payload]

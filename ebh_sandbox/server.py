"""The WSGI application and the threaded HTTP server around it.

Routes: ``/soap.asmx`` (GET ``?wsdl`` for the WSDL, POST for SOAP 1.1/1.2), ``/v1/*`` (the
REST API, :mod:`ebh_sandbox.rest`), ``/_control/*``
(loopback only, see :mod:`ebh_sandbox.control`) and the read-only web view (:mod:`.web`).
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from . import control, rest, web
from .faults import Decision, FaultInjector, Faults
from .service import Service
from .settings import Settings
from .soap import (
    CONTENT_TYPES,
    SOAP11,
    SoapFault,
    SoapRequest,
    fault_body,
    parse_envelope,
    response_body,
    soap_action,
)
from .store import Store
from .wsdl import render_wsdl

log = logging.getLogger("ebh_sandbox")
StartResponse = Callable[..., Any]
# Bodies above max_body_bytes are drained up to this size (so the client can read our 413),
# beyond it the connection is simply closed.
DRAIN_LIMIT = 64 * 1024 * 1024


class DropConnection(Exception):
    """Raised by the app to close the connection without sending any HTTP response."""


class SandboxApp:
    def __init__(self, store: Store, settings: Settings, faults: Faults | None = None) -> None:
        self.store = store
        self.startup_settings = settings
        self.injector = FaultInjector(faults)
        self.service = Service(store, settings, self.injector)

    @property
    def settings(self) -> Settings:
        return self.service.settings

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path.lower() == "/soap.asmx":
            return self._soap_endpoint(environ, start_response)
        if path.startswith("/_control/"):
            return control.handle(self, environ, start_response)
        if path.startswith("/v1/"):
            return rest.handle(self, environ, start_response, DropConnection)
        return web.handle(self.store, environ, start_response)

    def _soap_endpoint(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        query = (environ.get("QUERY_STRING") or "").lower()
        if method in ("GET", "HEAD") and query in ("wsdl", "wsdl="):
            body = render_wsdl(f"{base_url(environ)}/soap.asmx")
            return respond(start_response, "200 OK", "text/xml; charset=utf-8", body)
        if method == "GET":
            return web.service_page(environ, start_response, base_url(environ))
        if method != "POST":
            return respond(start_response, "405 Method Not Allowed", "text/plain", b"POST only\n")
        try:
            return self._soap_call(environ, start_response)
        except SoapFault as fault:
            return respond(start_response, f"{fault.status} {HTTPStatus(fault.status).phrase}",
                           CONTENT_TYPES[fault.version], fault_body(fault))
        except DropConnection:
            raise
        except Exception as exc:  # a sandbox bug: answer like ASP.NET would, and log it
            log.exception("unhandled error in a SOAP call")
            fault = SoapFault(f"Server was unable to process request. ---> {exc}", client=False)
            return respond(start_response, "500 Internal Server Error",
                           CONTENT_TYPES[fault.version], fault_body(fault))

    def _soap_call(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        body = read_body(environ, self.settings.max_body_bytes)
        action = soap_action(environ.get("CONTENT_TYPE", ""), environ.get("HTTP_SOAPACTION"))
        request = parse_envelope(body, action, strict=self.settings.strict_schema)
        decision = self.injector.decide(request.operation.name)
        stats = self.service.stats
        with stats.serving():
            if decision.latency_s:
                stats.record_delay(request.operation.name)
                time.sleep(decision.latency_s)
            if decision.mode:
                stats.record_fault(decision.mode)
            return self._answer(environ, start_response, request, decision)

    def _answer(
        self, environ: dict[str, Any], start_response: StartResponse, request: SoapRequest,
        decision: Decision,
    ) -> list[bytes]:
        mode = decision.mode
        if mode == "http500":
            # Not applied: the failure happens before the operation runs.
            self.service.log_unapplied(request.operation, request.values, mode)
            raise SoapFault("Server was unable to process request. ---> Injected HTTP 500 "
                            "(ebh_sandbox fault).", client=False, version=request.version)
        if mode == "timeout":
            time.sleep(decision.hang_s)
            if not decision.timeout_apply:
                raise DropConnection
        result = self.service.call(request.operation, request.values,
                                   base_url=base_url(environ), fault=mode)
        body = response_body(request.version, request.operation, result)
        if mode == "drop":
            raise DropConnection  # applied and committed, but the client never hears of it
        if mode == "malformed":
            body = body[: max(len(body) // 2, 1)]  # cut mid-element: not well-formed
        return respond(start_response, "200 OK", CONTENT_TYPES[request.version], body)


def base_url(environ: dict[str, Any]) -> str:
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def respond(start_response: StartResponse, status: str, content_type: str, body: bytes,
            headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    start_response(status, [("Content-Type", content_type),
                            ("Content-Length", str(len(body))), *(headers or [])])
    return [body]


def read_body(environ: dict[str, Any], limit: int) -> bytes:
    """Read the request body; refuse bodies over ``limit`` with HTTP 413 (a SOAP Fault)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise SoapFault("Invalid Content-Length.", status=400) from None
    stream = environ["wsgi.input"]
    if length > limit:
        if length > DRAIN_LIMIT:
            raise DropConnection
        remaining = length
        while remaining > 0:  # drain, so the client gets to read our answer
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)
        raise SoapFault(f"Request body of {length} bytes exceeds the limit of {limit} bytes.",
                        status=413, version=SOAP11)
    return stream.read(length) if length else b""


# ---------------------------------------------------------------------------------------------
# HTTP server
# ---------------------------------------------------------------------------------------------


class _Handler(ServerHandler):
    dropped = False

    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], DropConnection):
            self.dropped = True  # send nothing; the server closes the socket
            return
        log.error("unhandled error:\n%s", traceback.format_exc())
        super().handle_error()


class _RequestHandler(WSGIRequestHandler):
    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _Handler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(),
                           multithread=True)
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256


def make_server(host: str, port: int, app: SandboxApp) -> ThreadingServer:
    server = ThreadingServer((host, port), _RequestHandler)
    server.set_app(app)
    return server

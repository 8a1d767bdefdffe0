"""Run the sandbox as a real subprocess from tests and benchmarks.

::

    with SandboxProcess() as sandbox:
        account = sandbox.add_account("alice")
        client = zeep.Client(sandbox.wsdl_url)
        service = client.create_service(BINDING, sandbox.endpoint)
        ...
        sandbox.set_faults(drop_after_apply_rate=1.0, operations=["AddMutatie"], seed=1)
        assert sandbox.bookings_per_invoice(account["security_code_2"])["F1"] == 1

Only the standard library is used here, so any test suite can import it.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
BINDING = "{http://www.e-boekhouden.nl/soap}soapAppSoap"
BINDING12 = "{http://www.e-boekhouden.nl/soap}soapAppSoap12"


class SandboxError(RuntimeError):
    """The sandbox did not start, or a control call failed."""


class SandboxProcess:
    """``python -m ebh_sandbox serve`` on a free loopback port with its own database.

    Without ``db_path`` a temporary directory is created (and removed by :meth:`close`).
    ``args`` are extra ``serve`` flags, e.g. ``["--session-idle-timeout-s", "60"]``.
    """

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        args: Sequence[str] = (),
        startup_timeout: float = 20.0,
    ) -> None:
        self._tmpdir: Path | None = None
        if db_path is None:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="ebh_sandbox_"))
            db_path = self._tmpdir / "sandbox.sqlite3"
        self.db_path = Path(db_path)
        self.host = host
        self.port = port
        self.args = list(args)
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self._log_path = self.db_path.with_suffix(".log")

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.url}/soap.asmx"

    @property
    def wsdl_url(self) -> str:
        return f"{self.endpoint}?wsdl"

    @property
    def rest_url(self) -> str:
        """The REST API's base: ``{rest_url}/v1/session`` and so on."""
        return self.url

    def start(self) -> SandboxProcess:
        if self.process is not None:
            raise SandboxError("already running")
        command = [sys.executable, "-m", "ebh_sandbox", "serve", "--host", self.host,
                   "--port", str(self.port), "--db", str(self.db_path), *self.args]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}
        with open(self._log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, stdout=subprocess.PIPE, stderr=log, env=env, text=True)
        self.port = self._read_port()
        self._wait_until_healthy()
        return self

    def _read_port(self) -> int:
        assert self.process is not None and self.process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout

        def pump() -> None:  # keeps draining stdout so the pipe can never fill up
            for line in stdout:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        try:
            first = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            self.stop()
            raise SandboxError(f"sandbox did not start; log:\n{self.log_text()}") from None
        match = re.search(r"listening on http://[^:]+:(\d+)", first)
        if not match:
            self.stop()
            raise SandboxError(f"unexpected sandbox output {first!r}; log:\n{self.log_text()}")
        return int(match.group(1))

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                self._control("GET", "/_control/health")
                return
            except (SandboxError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise SandboxError(f"sandbox not healthy; log:\n{self.log_text()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Terminate the process; the database stays (see :meth:`restart`)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()

    def kill(self) -> None:
        """SIGKILL, no clean shutdown: what committed before must still be there on start()."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait(timeout=10)
            if process.stdout:
                process.stdout.close()

    def restart(self) -> SandboxProcess:
        """Stop and start again on the same port and database."""
        self.stop()
        return self.start()

    def close(self) -> None:
        self.stop()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def log_text(self) -> str:
        try:
            return self._log_path.read_text(errors="replace")
        except OSError:
            return ""

    # -- control endpoints ---------------------------------------------------------------------

    def _control(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - a loopback URL we built
            f"{self.url}{path}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise SandboxError(f"{method} {path}: {exc.code} {exc.read().decode()}") from None

    def add_account(self, username: str, administrations: int = 1, accountant: bool = False,
                    api_access: bool = True) -> dict[str, Any]:
        """Create an account: ``{"username", "security_code_1", "security_code_2",
        "accountant", "api_access", "administrations": [guid, ...], "api_token",
        "api_tokens": {guid: token}}`` (``api_token``: the first administration's)."""
        return self._control("POST", "/_control/accounts", {
            "username": username, "administrations": administrations,
            "accountant": accountant, "api_access": api_access})

    def add_api_token(self, admin_guid: str, expires_in_s: float | None = None) -> str:
        """A further REST API token for the administration (optionally with an end date)."""
        return self._control("POST", "/_control/api-token",
                             {"admin": admin_guid, "expires_in_s": expires_in_s})["api_token"]

    def revoke_api_token(self, token: str) -> None:
        """Revoke a token: new sessions are refused (403), open ones end (401)."""
        self._control("POST", "/_control/api-token/revoke", {"token": token})

    def expire_api_token(self, token: str) -> None:
        """Let a token's end date pass: POST /v1/session answers API_SESSION_004."""
        self._control("POST", "/_control/api-token/expire", {"token": token})

    def seed_relations(self, admin_guid: str, count: int, prefix: str = "R") -> None:
        """``count`` relations ``{prefix}00001``... at once (paging tests, benchmarks)."""
        self._control("POST", "/_control/relations",
                      {"admin": admin_guid, "count": count, "prefix": prefix})

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Replace the active faults (see :class:`ebh_sandbox.faults.Faults`); no arguments
        clears them. Answers ``{"faults": {...}, "rotated": {...}}``."""
        return self._control("POST", "/_control/faults", faults)

    def set_settings(self, **changes: Any) -> dict[str, Any]:
        """Merge ``changes`` into the settings (see :class:`ebh_sandbox.settings.Settings`)."""
        return self._control("POST", "/_control/settings", changes)

    def change_password(self, username: str) -> str:
        """Rotate security code 1 of ``username``, as a password change does; return it."""
        return self._control("POST", "/_control/password", {"username": username})["rotated"][
            username]

    def reset(self) -> None:
        """Clear faults, counters and monthly usage; restore the start-up settings."""
        self._control("POST", "/_control/reset", {})

    def stats(self) -> dict[str, Any]:
        return self._control("GET", "/_control/stats")

    def set_usage(self, admin_guid: str, calls: int, operation: str = "GetMutaties") -> None:
        """Pretend ``calls`` calls of ``operation`` were made this month (for E003.1 tests)."""
        self._control("POST", "/_control/usage",
                      {"admin": admin_guid, "operation": operation, "calls": calls})

    def pay_invoice(self, admin_guid: str, invoice_number: str, amount: Any = None,
                    date: str = "", *, purchase: bool = False, relation: str = "") -> int:
        """Book a payment against an invoice, as e-Boekhouden does when the bank line is
        matched (``amount`` None: what is still open). Returns its MutatieNr."""
        return self._control("POST", "/_control/pay", {
            "admin": admin_guid, "invoice": invoice_number,
            "amount": None if amount is None else str(amount), "date": date,
            "purchase": purchase, "relation": relation})["mutatie_nr"]

    def _read(self, what: str, admin_guid: str) -> list[dict[str, Any]]:
        return self._control("GET", f"/_control/{what}?{urlencode({'admin': admin_guid})}")[what]

    def mutations(self, admin_guid: str) -> list[dict[str, Any]]:
        """Booked mutations with their lines, oldest first (keys as in /_control/mutations)."""
        return self._read("mutations", admin_guid)

    def relations(self, admin_guid: str) -> list[dict[str, Any]]:
        return self._read("relations", admin_guid)

    def invoices(self, admin_guid: str) -> list[dict[str, Any]]:
        return self._read("invoices", admin_guid)

    def bookings_per_invoice(self, admin_guid: str) -> Counter[str]:
        """How many mutations carry each invoice number (payments included): the
        double-booking oracle."""
        return Counter(
            mutation["factuurnummer"] for mutation in self.mutations(admin_guid)
            if mutation["factuurnummer"]
        )

    def invoices_per_number(self, admin_guid: str) -> Counter[str]:
        """How many invoices of the invoicing module (AddFactuur) carry each number: the
        double-invoice oracle. The store's key would refuse a second one, so a count above 1
        cannot happen; a missing or unexpected number is what this catches."""
        return Counter(invoice["factuurnummer"] for invoice in self.invoices(admin_guid))

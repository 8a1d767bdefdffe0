"""Fault injection: slow, failing, hanging and lying answers for client resilience tests.

Modes, drawn once per SOAP call (only for the selected operations):

* ``http500``: HTTP 500 with a SOAP Fault body; the operation is **not** applied.
* ``timeout``: the answer is delayed by ``hang_seconds`` (longer than a client's read timeout);
  then, if ``timeout_apply``, the operation is applied and answered (to a client that left),
  otherwise the connection is closed without applying anything.
* ``drop``: the operation is applied and committed, then the connection is closed with no
  HTTP response: the ambiguous failure that causes double bookings.
* ``malformed``: the operation is applied, then HTTP 200 carries a truncated, invalid XML body.

The same modes apply to the REST API (:mod:`ebh_sandbox.rest`), whose routes carry the name of
the SOAP operation they stand for (POST /v1/mutation is ``AddMutatie``), so one ``operations``
list selects both transports; http500 answers a JSON ``ERR_001`` body, malformed a truncated
JSON body. REST alone also has ``throttle_burst``: more than that many calls within
``throttle_window_s`` seconds (per session token, or per API token for POST /v1/session) are
answered HTTP 429 with ``Retry-After`` and nothing applied; 0 turns throttling off.

Plus ``latency_ms``/``jitter_ms`` added to every selected call, ``expire_session_every``
(every Nth data call answers E002.3, over REST 401 SECURITY_010, and ends that session;
the stats count it as the fault ``session_expired``) and ``password_changed`` (an action,
handled by the control endpoint: rotate security code 1 of one account or of all, ``"*"``).
With a ``seed`` the draws are reproducible for a client that calls sequentially.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from dataclasses import dataclass
from typing import Any

from .schema import OPERATIONS_BY_NAME
from .settings import coerce_fields

SESSION_OPERATIONS = frozenset({"OpenSession", "OpenSessionSub", "CloseSession"})
# REST routes without a SOAP counterpart get a name of their own (see ebh_sandbox.rest).
REST_ONLY_OPERATIONS = frozenset({"GetFactuursjablonen"})
MODES = ("http500", "timeout", "drop", "malformed")


@dataclass
class Faults:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    http500_rate: float = 0.0
    timeout_rate: float = 0.0
    hang_seconds: float = 35.0
    timeout_apply: bool = True
    drop_after_apply_rate: float = 0.0
    malformed_rate: float = 0.0
    expire_session_every: int = 0
    throttle_burst: int = 0
    throttle_window_s: float = 1.0
    operations: tuple[str, ...] = ()  # empty: every operation
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.seed is not None:
            self.seed = int(self.seed)
        rates = [getattr(self, f"{mode}_rate") for mode in self._rate_names()]
        if any(not 0 <= rate <= 1 for rate in rates) or sum(rates) > 1:
            raise ValueError("fault rates must lie in [0, 1] and add up to at most 1")
        unknown = set(self.operations) - set(OPERATIONS_BY_NAME) - REST_ONLY_OPERATIONS
        if unknown:
            raise ValueError(f"unknown operations: {', '.join(sorted(unknown))}")
        if min(self.latency_ms, self.jitter_ms, self.hang_seconds, self.expire_session_every,
               self.throttle_burst) < 0 or self.throttle_window_s <= 0:
            raise ValueError("latency, jitter, hang_seconds, expire_session_every and "
                             "throttle_burst must be >= 0, throttle_window_s > 0")

    @staticmethod
    def _rate_names() -> tuple[str, ...]:
        return ("http500", "timeout", "drop_after_apply", "malformed")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Faults:
        return dataclasses.replace(cls(), **coerce_fields(cls(), data))

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["operations"] = list(self.operations)
        return data


@dataclass(frozen=True)
class Decision:
    """What happens to one call; taken from the faults active when the call arrived."""

    latency_s: float = 0.0
    mode: str | None = None
    hang_s: float = 0.0
    timeout_apply: bool = True


class FaultInjector:
    """Thread-safe holder of the active :class:`Faults` and their random stream."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(faults or Faults())

    def configure(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)
            self._data_calls = 0
            self._recent: dict[str, list[float]] = {}

    def throttle(self, key: str, at: float) -> float:
        """REST throttling: 0 when a call with ``key`` at time ``at`` may pass, else the
        seconds until it may (the call is then not counted)."""
        with self._lock:
            burst, window = self.faults.throttle_burst, self.faults.throttle_window_s
            if not burst:
                return 0.0
            recent = [t for t in self._recent.get(key, []) if t > at - window]
            if len(recent) >= burst:
                self._recent[key] = recent
                return recent[0] + window - at
            self._recent[key] = [*recent, at]
            return 0.0

    def _selected(self, operation: str) -> bool:
        return not self.faults.operations or operation in self.faults.operations

    def decide(self, operation: str) -> Decision:
        with self._lock:
            faults = self.faults
            if not self._selected(operation):
                return Decision()
            jitter = self._rng.uniform(0, faults.jitter_ms)
            draw = self._rng.random()
        latency = (faults.latency_ms + jitter) / 1000
        threshold = 0.0
        for mode, rate_name in zip(MODES, Faults._rate_names(), strict=True):
            threshold += getattr(faults, f"{rate_name}_rate")
            if draw < threshold:
                return Decision(latency, mode, faults.hang_seconds, faults.timeout_apply)
        return Decision(latency)

    def expire_session_now(self, operation: str) -> bool:
        """True on every Nth selected data call (session calls are not counted)."""
        with self._lock:
            every = self.faults.expire_session_every
            if not every or operation in SESSION_OPERATIONS or not self._selected(operation):
                return False
            self._data_calls += 1
            return self._data_calls % every == 0

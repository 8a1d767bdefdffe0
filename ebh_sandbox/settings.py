"""Knobs for the behaviours SOAP_API.md marks as unknown (L), with the defaults we chose.

A :class:`Settings` is built from CLI flags at start-up and can be changed at run time through
``POST /_control/settings``; ``POST /_control/reset`` restores the start-up values.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

BOOKABLE_KINDS = (
    "FactuurOntvangen",
    "FactuurVerstuurd",
    "FactuurbetalingOntvangen",
    "FactuurbetalingVerstuurd",
    "GeldOntvangen",
    "GeldUitgegeven",
    "Memoriaal",
)


@dataclass
class Settings:
    # Sessions: idle lifetime is undocumented; goebh renews after 5 minutes, we allow 30.
    session_idle_timeout_s: float = 1800.0
    # The manual writes E002.3; goebh/gostripe match the undotted E0023 in production code.
    session_expired_code: str = "E002.3"
    # Reject a data call whose SecurityCode2 does not belong to the session's administration.
    check_security_code_2: bool = True
    # After a security-code-1 rotation, end the account's open sessions too (real: unknown).
    rotation_ends_sessions: bool = False
    # CMUT010.1: |BedragBTW - excl x pct / 100 rounded half-up| allowed (``--vat-tolerance``).
    # CMUT010 (excl + VAT = incl) is always exact.
    vat_tolerance: Decimal = Decimal("0.01")
    # CMUT021 "this kind allows only one line": which kinds is undocumented; empty = off.
    single_line_kinds: tuple[str, ...] = ()
    # CMUT014 for a missing Betalingstermijn on FactuurVerstuurd/FactuurOntvangen.
    require_payment_term: bool = True
    # Bookings dated on or before this ISO date are in a closed period (CMUT020); "" = none.
    closed_until: str = ""
    # GetMutaties searches only this many newest mutations (of the MutatieNrVan/Tm window).
    getmutaties_row_cap: int = 500
    # GetRelaties answers at most this many relations per call (a client reports a cap of
    # 100; the manual is silent). Clients page past it with narrower Trefwoord filters.
    getrelaties_row_cap: int = 100
    getmutaties_monthly_limit: int = 5000
    # Bodies larger than this are refused with HTTP 413 and a SOAP Fault.
    max_body_bytes: int = 5 * 1024 * 1024
    # Refuse unknown and repeated elements with a SOAP Fault (ASP.NET's XmlSerializer skips
    # them); strict catches client typos early. Left-out elements read as .NET defaults either
    # way, as on the real service.
    strict_schema: bool = True
    # REST: a session token lives this long from POST /v1/session (fixed, not sliding: the
    # stricter reading; only ``expiresIn`` is documented). Then 401 SECURITY_010.
    rest_session_lifetime_s: int = 3600
    # GetSaldo for an unknown ledger code: "error" answers CSAL001, "zero" answers Saldo 0.
    unknown_ledger_saldo: str = "error"

    def __post_init__(self) -> None:
        if self.session_expired_code not in ("E002.3", "E0023"):
            raise ValueError("session_expired_code must be 'E002.3' or 'E0023'")
        if self.unknown_ledger_saldo not in ("error", "zero"):
            raise ValueError("unknown_ledger_saldo must be 'error' or 'zero'")
        if set(self.single_line_kinds) - set(BOOKABLE_KINDS):
            raise ValueError(f"single_line_kinds must be among {', '.join(BOOKABLE_KINDS)}")
        self.closed_until_date()  # raises ValueError on a malformed date

    def closed_until_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.closed_until) if self.closed_until else None

    def to_json(self) -> dict[str, Any]:
        return {
            f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)
        }

    def updated(self, changes: dict[str, Any]) -> Settings:
        """A copy with ``changes`` applied; unknown names and bad values raise ValueError."""
        return dataclasses.replace(self, **coerce_fields(self, changes))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def coerce_fields(template: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """Convert JSON/CLI values to the type of each field's current value in ``template``."""
    names = {f.name for f in dataclasses.fields(template)}
    out = {}
    for name, value in changes.items():
        if name not in names:
            raise ValueError(f"unknown setting {name!r}")
        out[name] = coerce(getattr(template, name), value, name)
    return out


def coerce(current: Any, value: Any, name: str) -> Any:
    try:
        if isinstance(current, bool):
            return _to_bool(value)
        if isinstance(current, tuple):
            items = value.split(",") if isinstance(value, str) else list(value or ())
            return tuple(str(item).strip() for item in items if str(item).strip())
        if current is None:
            return value
        return type(current)(value)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ValueError(f"bad value for {name}: {value!r}") from exc


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def add_dataclass_flags(parser: argparse.ArgumentParser, template: Any, prefix: str = "") -> None:
    """One ``--name`` flag per dataclass field (values coerced later by :func:`coerce`)."""
    group = parser.add_argument_group(type(template).__name__.lower())
    for field in dataclasses.fields(template):
        flag = "--" + prefix + field.name.replace("_", "-")
        default = _jsonable(getattr(template, field.name))
        group.add_argument(
            flag, dest=prefix.replace("-", "_") + field.name, default=None, metavar="VALUE",
            help=f"default: {default}",
        )


def flags_to_changes(args: argparse.Namespace, template: Any, prefix: str = "") -> dict[str, Any]:
    changes = {}
    for field in dataclasses.fields(template):
        value = getattr(args, prefix.replace("-", "_") + field.name)
        if value is not None:
            changes[field.name] = value
    return changes

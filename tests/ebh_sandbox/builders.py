"""Request builders and a small session wrapper for the sandbox tests (zeep dicts)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TODAY = dt.date(2024, 5, 1)
WIDE = {"DatumVan": dt.date(1900, 1, 1), "DatumTm": dt.date(2200, 1, 1)}


def error_code(result: Any) -> str | None:
    """LastErrorCode of any result (cResult* with ErrorMsg, or a bare cError)."""
    holder = result.ErrorMsg if hasattr(result, "ErrorMsg") else result
    return holder.LastErrorCode


class Api:
    """An open session: ``api("GetRelaties", cFilter=...)`` adds SessionID and SecurityCode2."""

    def __init__(self, service: Any, account: dict[str, Any], guid: str | None = None) -> None:
        self.service = service
        self.account = account
        self.guid = guid or account["security_code_2"]
        self.session_id = self.open()

    def open(self) -> str:
        result = self.service.OpenSession(
            Username=self.account["username"], SecurityCode1=self.account["security_code_1"],
            SecurityCode2=self.guid, Source="pytest")
        assert error_code(result) is None, result
        return result.SessionID

    def __call__(self, operation: str, **kwargs: Any) -> Any:
        return getattr(self.service, operation)(
            SessionID=self.session_id, SecurityCode2=self.guid, **kwargs)

    def ok(self, operation: str, **kwargs: Any) -> Any:
        result = self(operation, **kwargs)
        assert error_code(result) is None, result
        return result

    def add_relation(self, code: str = "K001", **overrides: Any) -> int:
        return self.ok("AddRelatie", oRel=relation(code, **overrides)).Rel_ID

    def book(self, **overrides: Any) -> int:
        return self.ok("AddMutatie", oMut=mutation(**overrides)).Mutatienummer


def line(excl: str = "100.00", pct: str = "21", code: str = "HOOG_VERK_21",
         contra: str = "8000", **overrides: Any) -> dict[str, Any]:
    """A consistent mutation line (EX): VAT = excl x pct, incl = excl + VAT."""
    amount = Decimal(excl)
    btw = (amount * Decimal(pct) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {
        "BedragInvoer": amount, "BedragExclBTW": amount, "BedragBTW": btw,
        "BedragInclBTW": amount + btw, "BTWCode": code, "BTWPercentage": Decimal(pct),
        "TegenrekeningCode": contra, "KostenplaatsID": 0, **overrides,
    }


def payment_line(amount: str, contra: str = "1300") -> dict[str, Any]:
    return line(amount, "0", "GEEN", contra)


SOORT_DEFAULTS: dict[str, dict[str, Any]] = {
    "FactuurVerstuurd": {"Rekening": "1300", "RelatieCode": "K001", "Betalingstermijn": "14"},
    "FactuurOntvangen": {"Rekening": "1600", "RelatieCode": "L001", "Betalingstermijn": "30"},
    "FactuurbetalingOntvangen": {"Rekening": "1010", "RelatieCode": "K001"},
    "FactuurbetalingVerstuurd": {"Rekening": "1010", "RelatieCode": "L001"},
    "GeldOntvangen": {"Rekening": "1010"},
    "GeldUitgegeven": {"Rekening": "1010"},
    "Memoriaal": {"Rekening": "1400"},
}


def mutation(soort: str = "FactuurVerstuurd", lines: list[dict[str, Any]] | None = None,
             **overrides: Any) -> dict[str, Any]:
    base = {
        "MutatieNr": 0, "Soort": soort, "Datum": TODAY, "Factuurnummer": "F2024-001",
        "Omschrijving": f"{soort} test", "InExBTW": "EX", **SOORT_DEFAULTS[soort],
    }
    if soort in ("GeldOntvangen", "GeldUitgegeven", "Memoriaal"):
        base.pop("Factuurnummer")
    if lines is None:
        lines = [_default_line(soort)]
    return {**base, "MutatieRegels": {"cMutatieRegel": lines}, **overrides}


def _default_line(soort: str) -> dict[str, Any]:
    if soort == "FactuurbetalingOntvangen":
        return payment_line("121.00", "1300")
    if soort == "FactuurbetalingVerstuurd":
        return payment_line("121.00", "1600")
    if soort in ("FactuurOntvangen", "GeldUitgegeven"):
        return line(code="HOOG_INK_21", contra="4000")
    return line()


def relation(code: str = "K001", **overrides: Any) -> dict[str, Any]:
    return {
        "ID": 0, "AddDatum": TODAY, "Code": code, "Bedrijf": f"Bedrijf {code}", "BP": "B",
        "Gb_ID": 0, "GeenEmail": 0, "NieuwsbriefgroepenCount": 0, **overrides,
    }


def invoice_line(**overrides: Any) -> dict[str, Any]:
    return {
        "Aantal": 2, "Eenheid": "uur", "Code": "ADV-UUR", "Omschrijving": "Advies",
        "PrijsPerEenheid": 50, "BTWCode": "HOOG_VERK_21", "TegenrekeningCode": "8000",
        "KostenplaatsID": 0, **overrides,
    }


def invoice(lines: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    return {
        "Factuurnummer": "", "Relatiecode": "K001", "Datum": TODAY, "Betalingstermijn": 14,
        "Factuursjabloon": "Standaard", "PerEmailVerzenden": False, "AutomatischeIncasso": False,
        "IncassoMachtigingDatumOndertekening": TODAY, "IncassoMachtigingFirst": False,
        "InBoekhoudingPlaatsen": False,
        "Regels": {"cFactuurRegel": lines if lines is not None else [invoice_line()]},
        **overrides,
    }


def mutation_filter(**overrides: Any) -> dict[str, Any]:
    return {"MutatieNr": 0, **WIDE, **overrides}

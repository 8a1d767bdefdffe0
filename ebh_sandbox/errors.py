"""Every business error code the sandbox emits, with a Dutch description.

Codes from the manual (MAN §10) keep their meaning; ``CREL001`` and the undotted ``E0023`` are
what public clients report from the live service. Codes marked ``# sandbox`` are the sandbox's
own, for cases the manual does not cover, and no product behaviour may depend on them or on any
description text (clients branch on the code only):

* ``CREL002`` relation not found (UpdateRelatie), ``CREL003`` code missing, ``CREL004`` name
  missing, ``CREL005`` BP not B/P, ``CREL006`` field too long;
* ``CGB003`` / ``CGB003.1`` field too long, ``CGB004.1`` ledger not found (Update);
* ``CSAL001`` GetSaldo of an unknown ledger;
* ``CMUT030`` cost centre does not exist, ``CMUT031`` field too long (not Omschrijving: that
  answers Mutatienummer 0 without a code), ``CMUT032`` Betalingstermijn not a number of days;
* ``CFACT043`` field too long.

:data:`SANDBOX_CODES` lists them; a test keeps the list, the markers and this text in step.
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    # Sessions and credentials
    "E001.1": "Ongeldige sessiegegevens: gebruikersnaam of beveiligingscode 1 onjuist.",
    "E001.2": "Geen administratie gevonden bij deze gegevens.",
    "E001.3": "Ongeldige beveiligingscode 2.",
    "E001.5": "Gebruiker heeft geen rechten voor de API.",
    "E001.7": "Gegevens konden niet worden geverifieerd (gebruikersnaam of code ontbreekt).",
    "E002.1": "Ongeldige sessievariabelen.",
    "E002.2": "Sessie niet gevonden.",
    "E002.3": "Sessie verlopen.",
    "E0023": "Sessie verlopen.",  # the undotted spelling, selectable with session_expired_code
    "E002.4": "Sessie is al afgesloten.",
    "E002.5": "Dit account is geen accountantsaccount.",
    "E003.1": "Soap call limiet bereikt: maximaal 5000 GetMutaties-aanroepen per maand.",
    # Relations
    "CREL001": "Relatiecode is al in gebruik.",
    "CREL002": "Relatie niet gevonden.",  # sandbox
    "CREL003": "Relatiecode ontbreekt.",  # sandbox
    "CREL004": "Bedrijfsnaam (of naam) ontbreekt.",  # sandbox
    "CREL005": "BP moet B (bedrijf) of P (particulier) zijn.",  # sandbox
    "CREL006": "Veld is te lang.",  # sandbox
    # Ledger accounts (the Update variants carry a .1 suffix)
    "CGN003": "Code grootboekrekening ontbreekt.",
    "CGB001": "Code grootboekrekening is niet beschikbaar.",
    "CGB002": "Omschrijving grootboekrekening ontbreekt.",
    "CGB003": "Veld is te lang.",  # sandbox
    "CGB005": "Categorie ontbreekt (VW of BAL).",
    "CGB006": "Ongeldige categorie (VW of BAL).",
    "CGN003.1": "Code grootboekrekening ontbreekt.",
    "CGB001.1": "Code grootboekrekening is niet beschikbaar.",
    "CGB002.1": "Omschrijving grootboekrekening ontbreekt.",
    "CGB003.1": "Veld is te lang.",  # sandbox
    "CGB004.1": "Grootboekrekening niet gevonden.",  # sandbox
    "CGB005.1": "Categorie ontbreekt (VW of BAL).",
    "CGB006.1": "Ongeldige categorie (VW of BAL).",
    "CSAL001": "Grootboekrekening niet gevonden.",  # sandbox (GetSaldo, unknown ledger)
    # Mutations
    "CMUT001": "Rekening onbekend.",
    "CMUT001.1": "Rekening heeft een ongeldige categorie voor dit soort mutatie.",
    "CMUT003": "InExBTW ontbreekt.",
    "CMUT003.1": "InExBTW moet IN of EX zijn.",
    "CMUT004": "Datum ontbreekt of ligt niet tussen 1980 en 2049.",
    "CMUT005": "Omschrijving ontbreekt.",
    "CMUT006": "Een mutatie heeft 1 tot 100 regels.",
    "CMUT008": "Onbekend soort mutatie.",
    "CMUT010": "Bedrag excl. BTW plus BTW is niet gelijk aan bedrag incl. BTW.",
    "CMUT010.1": "BTW-bedrag komt niet overeen met bedrag excl. BTW maal percentage.",
    # Also a BTW code that does not fit the line's percentage, VAT or date (manual: CMUT011
    # is printed under both "VAT code not valid" and the VAT arithmetic).
    "CMUT011": "BTW-code is niet geldig voor dit soort mutatie of dit percentage.",
    "CMUT012": "Tegenrekening onbekend of ongeldige categorie.",
    "CMUT013": "Factuurnummer ontbreekt.",
    "CMUT014": "Relatiecode of betalingstermijn ontbreekt.",
    "CMUT015": "Rekening moet een crediteurenrekening zijn.",
    "CMUT016": "Rekening moet een debiteurenrekening zijn.",
    "CMUT017": "Relatie onbekend.",
    "CMUT018": "Combinatie van relatie en factuurnummer bestaat al.",
    "CMUT019": "Factuurnummer bestaat al.",
    "CMUT020": "De periode is afgesloten.",
    "CMUT021": "Dit soort mutatie mag maar een regel hebben.",
    "CMUT023": "Factuurnummer ontbreekt.",
    "CMUT024": "Relatiecode ontbreekt.",
    "CMUT025": "Relatie onbekend.",
    "CMUT026": "Betaling kan niet aan een bestaande factuur worden gekoppeld.",
    "CMUT027": "Tegenrekening moet een debiteurenrekening zijn.",
    "CMUT028": "Tegenrekening moet een crediteurenrekening zijn.",
    "CMUT030": "Kostenplaats bestaat niet.",  # sandbox
    "CMUT031": "Veld is te lang.",  # sandbox (not Omschrijving: that answers Mutatienummer 0)
    "CMUT032": "Betalingstermijn moet een aantal dagen zijn.",  # sandbox
    "CMUT033": "Ongeldige BTW-code.",
    # Invoices (invoicing module)
    "CFACT004": "Datum ontbreekt of ligt niet tussen 1980 en 2049.",
    "CFACT006": "Een factuur heeft 1 tot 100 regels.",
    "CFACT014": "Betalingstermijn ontbreekt.",
    "CFACT024": "Relatiecode ontbreekt.",
    "CFACT025": "Relatie onbekend.",
    "CFACT026": "Factuurnummer is niet beschikbaar.",
    "CFACT027": "Geen factuursjabloon gekozen.",
    "CFACT028": "Factuursjabloon onbekend.",
    "CFACT029": "E-mailbericht ontbreekt.",
    "CFACT030": "E-mailadres afzender ontbreekt.",
    "CFACT031": "E-mailonderwerp ontbreekt.",
    "CFACT032": "Omschrijving boekhoudmutatie ontbreekt.",
    "CFACT033": "Rekeningnummer voor incasso ontbreekt.",
    "CFACT034": "Tenaamstelling voor incasso ontbreekt.",
    "CFACT035": "Plaats voor incasso ontbreekt.",
    "CFACT036": "Omschrijving regel 1 voor incasso ontbreekt.",
    "CFACT037": "Code ontbreekt.",
    "CFACT038": "BTW-code ontbreekt.",
    "CFACT039": "Omschrijving ontbreekt.",
    "CFACT040": "Tegenrekening ontbreekt.",
    "CFACT042": "Ongeldige BTW-code.",
    "CFACT043": "Veld is te lang.",  # sandbox
    "CFACT212": "Kostenplaats bestaat niet.",
}


SANDBOX_CODES = frozenset({
    "CREL002", "CREL003", "CREL004", "CREL005", "CREL006", "CGB003", "CGB003.1", "CGB004.1",
    "CSAL001", "CMUT030", "CMUT031", "CMUT032", "CFACT043",
})
assert set(ERRORS) >= SANDBOX_CODES


class BusinessError(Exception):
    """A rule violation, answered with HTTP 200 and ``LastErrorCode``/``LastErrorDescription``."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        base = ERRORS[code]
        self.description = f"{detail}: {base}" if detail else base
        super().__init__(f"{code} {self.description}")


def require(condition: object, code: str, detail: str = "") -> None:
    if not condition:
        raise BusinessError(code, detail)

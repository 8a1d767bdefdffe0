"""The e-Boekhouden client interface: plain values in, plain values out, typed errors.

The product talks to e-Boekhouden only through :class:`EbhClient` (the zeep implementation is
:class:`eboekhouden.soap.SoapClient`, the REST one :class:`eboekhouden.rest.RestClient`; tests
may use a fake). Results are frozen
dataclasses, never zeep objects, and every failure is an :class:`EbhError` subclass:

* :class:`AuthenticationError` (E001.x, and E002.5; REST: API_SESSION_004 for an expired
  API token, another API_SESSION_ or SECURITY_ code for a revoked one): the stored credentials
  no longer work; the connection needs the user, retrying does not help.
* :class:`SessionError` (E002.1-E002.4; REST: SECURITY_010): open a new session and try once
  more (the REST client does that itself, once).
* :class:`LimitError` (E003.1): the monthly GetMutaties budget is used up.
* :class:`RejectedError`: the service refused the request (business rule, e.g. CMUT019).
* :class:`TransientError`: network, timeout, HTTP 5xx, throttling (REST's HTTP 429, after the
  client's own bounded retries) or an unreadable answer. ``ambiguous``
  is true when the request may have reached the service (it may have been applied).
"""

from __future__ import annotations

import contextlib
import datetime
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from eboekhouden.messages import gettext_noop as _
from eboekhouden.messages import translate

MASK = "********"
# GetMutaties answers at most the newest 500 mutations; with an invoice-number or date filter
# only those of the whole administration are searched (SOAP_API.md §3.13).
GETMUTATIES_ROW_CAP = 500
# The dates e-Boekhouden books (Add* refuses others): as a Get* filter, "any date".
BOOKING_DATES = (datetime.date(1980, 1, 1), datetime.date(2049, 12, 31))


@dataclass(frozen=True)
class Credentials:
    """The three API codes of an e-Boekhouden user. All three are secrets."""

    username: str = field(repr=False)
    security_code_1: str = field(repr=False)
    security_code_2: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(username={MASK}, security_code_1={MASK}, security_code_2={MASK})"

    __str__ = __repr__

    def with_security_code_2(self, security_code_2: str) -> Credentials:
        return Credentials(self.username, self.security_code_1, security_code_2)


@dataclass(frozen=True)
class ApiToken:
    """A REST API token: one administration's key (instead of username and codes). A secret."""

    token: str = field(repr=False)

    def __repr__(self) -> str:
        return f"ApiToken(token={MASK})"

    __str__ = __repr__


@dataclass(frozen=True)
class Session:
    """An open SOAP session. Data calls need both the session id and security code 2."""

    session_id: str = field(repr=False)
    security_code_2: str = field(repr=False)
    administration_guid: str = field(default="", repr=False)

    def __repr__(self) -> str:
        return f"Session(session_id={MASK})"

    __str__ = __repr__


@dataclass(frozen=True)
class Administration:
    guid: str = field(repr=False)  # doubles as that administration's security code 2
    name: str
    city: str
    start_boekjaar: str


@dataclass(frozen=True)
class LedgerAccount:
    id: int
    code: str
    description: str
    category: str
    group: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.description}".strip()


@dataclass(frozen=True)
class CostCentre:
    """A cost centre (cKostenplaats): KostenplaatsId, Omschrijving, KostenplaatsParentId
    (0 at the top level). Booking lines refer to it by id (KostenplaatsID, 0 = none)."""

    id: int
    description: str
    parent_id: int = 0


@dataclass(frozen=True)
class RelationData:
    """A debtor or creditor as AddRelatie needs it (cRelatie); lengths already fit."""

    code: str
    name: str
    business: bool = True
    contact_person: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    vat_id: str = ""
    kvk_number: str = ""
    iban: str = ""


@dataclass(frozen=True)
class Relation:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class RelationRecord:
    """A relation as GetRelaties returns it: its e-Boekhouden id and its data (the lengths
    are the service's, not necessarily ours)."""

    id: int
    data: RelationData


@dataclass(frozen=True)
class Article:
    """An article (cArtikel) as GetArtikelen returns it; prices exclude VAT."""

    id: int
    code: str
    description: str
    unit: str
    sales_price: Decimal
    vat_code: str
    vat_percentage: Decimal
    contra_account: str
    active: bool


@dataclass(frozen=True)
class MutationLine:
    """One cMutatieRegel with amounts excluding VAT (InExBTW EX)."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_code: str
    vat_percentage: Decimal
    contra_account: str
    cost_centre: int = 0  # KostenplaatsID; 0 = none


@dataclass(frozen=True)
class MutationData:
    """One AddMutatie (cMutatie) as the mapping builds it."""

    kind: str  # enMutatieSoorten, e.g. FactuurVerstuurd
    date: datetime.date
    account: str
    relation_code: str
    invoice_number: str
    description: str
    payment_term_days: int
    lines: tuple[MutationLine, ...]
    payment_reference: str = ""
    # e-Boekhouden's id of the relation when the product knows it (REST refers to relations by
    # id, SOAP by code and ignores this).
    relation_id: int = 0


@dataclass(frozen=True)
class MutationSummary:
    """A booked mutation as GetMutaties reports it."""

    number: int
    kind: str
    date: datetime.date | None
    relation_code: str
    invoice_number: str
    gross_total: Decimal


@dataclass(frozen=True)
class InvoiceLine:
    """One cFactuurRegel: a unit price excluding VAT, the line's own BTW code."""

    code: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_code: str
    contra_account: str
    cost_centre: int = 0  # KostenplaatsID; 0 = none


@dataclass(frozen=True)
class InvoiceData:
    """One AddFactuur (cFactuur): an invoice in e-Boekhouden's invoicing module, also booked
    (InBoekhoudingPlaatsen) under ``booking_description``."""

    invoice_number: str
    relation_code: str
    date: datetime.date
    payment_term_days: int
    template: str
    booking_description: str
    lines: tuple[InvoiceLine, ...]
    send_email: bool = False
    email_subject: str = ""
    email_message: str = ""
    email_from_address: str = ""
    email_from_name: str = ""


@dataclass(frozen=True)
class InvoiceSummary:
    """An invoice of the invoicing module as GetFacturen reports it."""

    number: str
    relation_code: str
    date: datetime.date | None
    gross_total: Decimal
    pdf_url: str = ""  # URLPDFBestand: the invoice's PDF in e-Boekhouden


@dataclass(frozen=True)
class OpenItem:
    """One open item (cOpenPost) as GetOpenPosten reports it: an invoice of a debtor or
    creditor with what was booked (``amount``), what was matched to it (``paid``) and what is
    still open. e-Boekhouden answers doubles; these are Decimals rounded to cents."""

    invoice_number: str
    relation_code: str
    relation_name: str
    date: datetime.date | None
    amount: Decimal
    paid: Decimal
    open_amount: Decimal


# --- Errors ----------------------------------------------------------------------------------


class EbhError(Exception):
    """Base of every failure the client reports."""

    code = ""
    description = ""

    @property
    def user_message(self) -> str:
        return translate(_("e-Boekhouden.nl refused the request (%(code)s: %(description)s).")
                         ) % {"code": self.code or "?", "description": self.description or "-"}


class AuthenticationError(EbhError):
    """The credentials were refused (E001.x). Never retried: the user must act."""

    _MESSAGES = {
        "E001.1": _(
            "The username or security code 1 is wrong. Security code 1 changes when you change "
            "your e-Boekhouden.nl password: copy the current one from Beheer > Instellingen > "
            "Koppelingen > API/SOAP."
        ),
        "E001.2": _("No administration was found for these credentials."),
        "E001.3": _(
            "Security code 2 is wrong. Copy it from Beheer > Instellingen > Koppelingen > "
            "API/SOAP of the administration you want to connect."
        ),
        "E001.5": _(
            "This e-Boekhouden.nl user has no permission to use the API. Give the user API rights "
            "in e-Boekhouden.nl (Beheer > Uw account > Gebruikers)."
        ),
        "E001.7": _("e-Boekhouden.nl could not verify the credentials. Fill in all three codes."),
        "E002.5": _(
            "This e-Boekhouden.nl account is not an accountant account, so it cannot open "
            "another administration."
        ),
        # REST (API token) codes.
        "API_SESSION_003": _("The API token is empty. Enter the API token from e-Boekhouden.nl."),
        "API_SESSION_004": _(
            "The API token has expired. Create a new API token in e-Boekhouden.nl "
            "(Beheer > Instellingen > Koppelingen > API-tokens) and enter it here."
        ),
    }
    # Any other refusal of an API token: it was revoked or never existed.
    _TOKEN_REFUSED = _(
        "e-Boekhouden.nl no longer accepts this API token: it was revoked or does not exist. "
        "Create a new API token in e-Boekhouden.nl (Beheer > Instellingen > Koppelingen > "
        "API-tokens) and enter it here."
    )
    TOKEN_CODE_PREFIXES = ("API_SESSION_", "API_TOKEN_", "SECURITY_")

    def __init__(self, code: str, description: str = "") -> None:
        self.code, self.description = code, description
        super().__init__(f"{code}: {description}")

    @property
    def user_message(self) -> str:
        message = self._MESSAGES.get(self.code)
        if message is None and self.code.startswith(self.TOKEN_CODE_PREFIXES):
            message = self._TOKEN_REFUSED
        if message is None:
            return translate(_("e-Boekhouden.nl refused the credentials (%(code)s).")
                             ) % {"code": self.code}
        return translate(message)


class SessionError(EbhError):
    """The session is invalid, unknown, expired or closed (E002.1-E002.4)."""

    def __init__(self, code: str, description: str = "") -> None:
        self.code, self.description = code, description
        super().__init__(f"{code}: {description}")

    @property
    def user_message(self) -> str:
        return translate(_("The session with e-Boekhouden.nl expired. Please try again."))


class LimitError(EbhError):
    """E003.1: the monthly limit of GetMutaties calls is reached."""

    def __init__(self, code: str = "E003.1", description: str = "") -> None:
        self.code, self.description = code, description
        super().__init__(f"{code}: {description}")

    @property
    def user_message(self) -> str:
        return translate(_("The monthly limit of e-Boekhouden.nl look-ups is reached."))


class RejectedError(EbhError):
    """A business rule of the service refused the request (e.g. CMUT019)."""

    def __init__(self, code: str, description: str = "") -> None:
        self.code, self.description = code, description
        super().__init__(f"{code}: {description}")


class TransientError(EbhError):
    """The service could not be reached or answered badly; trying again later may work."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    DROPPED = "dropped"
    SERVER_ERROR = "server_error"
    MALFORMED = "malformed"
    THROTTLED = "throttled"  # REST: HTTP 429, too many requests (nothing was applied)

    _MESSAGES = {
        UNREACHABLE: _(
            "e-Boekhouden.nl cannot be reached. Check the internet connection and try again "
            "in a few minutes."
        ),
        TIMEOUT: _("e-Boekhouden.nl did not answer in time. Please try again in a few minutes."),
        DROPPED: _("The connection with e-Boekhouden.nl was interrupted. Please try again."),
        SERVER_ERROR: _("e-Boekhouden.nl reported an internal error. Please try again later."),
        MALFORMED: _("e-Boekhouden.nl sent an answer we could not read. Please try again later."),
        THROTTLED: _("e-Boekhouden.nl is receiving too many requests. Please try again in a "
                     "few minutes."),
    }

    def __init__(self, kind: str, detail: str = "", *, ambiguous: bool = False) -> None:
        self.kind, self.ambiguous = kind, ambiguous
        self.code, self.description = kind, detail
        super().__init__(f"{kind}: {detail}" if detail else kind)

    @property
    def user_message(self) -> str:
        return translate(self._MESSAGES.get(self.kind, self._MESSAGES[self.SERVER_ERROR]))


def error_for_code(code: str, description: str = "") -> EbhError:
    """Turn the service's ``LastErrorCode`` into the matching error class."""
    normalized = code.strip()
    if normalized.startswith("E001") or normalized in ("E002.5", "E0025"):
        return AuthenticationError(_dotted(normalized), description)
    if normalized.startswith("E002"):
        return SessionError(_dotted(normalized), description)
    if normalized.startswith("E003"):
        return LimitError(_dotted(normalized), description)
    return RejectedError(normalized, description)


def _dotted(code: str) -> str:
    # Production clients have seen "E0023" where the manual writes "E002.3".
    if len(code) == 5 and code[:4].isalnum() and "." not in code:
        return f"{code[:4]}.{code[4]}"
    return code


# --- The interface ---------------------------------------------------------------------------


class EbhClient(ABC):
    """What the rest of the project may ask of e-Boekhouden. Sessions are short-lived:
    use :meth:`session` so every session is closed again."""

    # The most mutations one get_mutaties answers (SOAP: the newest 500); None: the transport
    # returns every matching mutation (REST pages through them), so a look-up by invoice
    # number that finds nothing proves the booking is not there.
    mutation_lookup_cap: int | None = GETMUTATIES_ROW_CAP
    # Whether get_mutaties fills relation_code without an invoice-number filter (REST's list
    # carries no relation: only a look-up by invoice number reads each mutation in full).
    lists_mutation_relations: bool = True

    @abstractmethod
    def open_session(self, credentials: Credentials | ApiToken) -> Session:
        """SOAP opens with :class:`Credentials`, REST with an :class:`ApiToken`; a transport
        given the other kind raises TypeError."""

    @abstractmethod
    def open_session_sub(self, credentials: Credentials, administration_guid: str) -> Session:
        """Accountant accounts: open a session in one of the administrations they manage."""

    @abstractmethod
    def close_session(self, session: Session) -> None:
        """Never raises: a session that cannot be closed expires by itself."""

    @abstractmethod
    def get_administraties(self, session: Session) -> list[Administration]: ...

    @abstractmethod
    def get_grootboekrekeningen(
        self, session: Session, category: str | None = None
    ) -> list[LedgerAccount]: ...

    @abstractmethod
    def get_kostenplaatsen(self, session: Session) -> list[CostCentre]:
        """Every cost centre of the administration (none when it uses no cost centres)."""

    @abstractmethod
    def get_relaties(self, session: Session, *, code: str) -> list[Relation]:
        """Relations with exactly this code (none or one)."""

    @abstractmethod
    def find_relaties(
        self, session: Session, *, keyword: str = "", code: str = ""
    ) -> list[RelationRecord]:
        """One GetRelaties call with a Trefwoord and/or Code filter (both empty: all). The
        service answers at most a capped number of rows (GETMUTATIES_ROW_CAP-like; the product's
        import walks keywords to reach every relation)."""

    @abstractmethod
    def get_artikelen(self, session: Session) -> list[Article]:
        """Every article of the administration (read-only in e-Boekhouden)."""

    @abstractmethod
    def add_relatie(self, session: Session, relation: RelationData) -> int:
        """Create a relation; returns its e-Boekhouden id (Rel_ID). CREL001: code in use."""

    @abstractmethod
    def add_mutatie(self, session: Session, mutation: MutationData) -> int:
        """Book a mutation; returns its Mutatienummer (never 0: 0 is reported as an error)."""

    @abstractmethod
    def get_mutaties(
        self,
        session: Session,
        *,
        invoice_number: str,
        date_from: datetime.date,
        date_to: datetime.date,
        number_from: int = 0,
        number_to: int = 0,
    ) -> list[MutationSummary]:
        """Mutations carrying this invoice number ("" for any), optionally only those numbered
        ``number_from`` to ``number_to`` (0: no bound). Costs one of the 5,000 monthly calls."""

    @abstractmethod
    def add_factuur(self, session: Session, invoice: InvoiceData) -> str:
        """Create an invoice in the invoicing module; returns its final Factuurnummer.
        CFACT026: the number is taken."""

    @abstractmethod
    def get_facturen(
        self,
        session: Session,
        *,
        invoice_number: str,
        date_from: datetime.date,
        date_to: datetime.date,
    ) -> list[InvoiceSummary]:
        """Invoices of the invoicing module with this number (none or one)."""

    @abstractmethod
    def get_open_posten(self, session: Session, kind: str = "Debiteuren") -> list[OpenItem]:
        """Every open item of the debtors (``kind`` "Debiteuren") or creditors
        ("Crediteuren"): one call for the whole administration. A fully paid invoice is not
        listed."""

    @contextlib.contextmanager
    def session(
        self,
        credentials: Credentials | ApiToken,
        *,
        administration_guid: str = "",
        sub: bool = False,
    ) -> Iterator[Session]:
        """Open one session (OpenSessionSub when ``sub``), yield it, and always close it."""
        if sub:
            opened = self.open_session_sub(credentials, administration_guid)
        else:
            opened = self.open_session(credentials)
        try:
            yield opened
        finally:
            self.close_session(opened)


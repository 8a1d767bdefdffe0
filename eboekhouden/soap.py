"""The one zeep implementation of :class:`eboekhouden.client.EbhClient` (the only module in the
project that imports zeep).

* The WSDL is parsed once per process and WSDL URL (parsing takes a while; the document is
  immutable afterwards), and every client gets its own HTTP transport with explicit connect
  and read timeouts (:class:`SoapConfig`, given by the caller).
* The service is bound to the configured endpoint URL, never to the (plain http) address in
  the WSDL.
* Envelopes carry the security codes, so this transport never logs them, whatever level the
  ``zeep.transports`` logger is set to, and no HistoryPlugin is used.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport
from zeep.wsdl import Document

from eboekhouden.client import (
    Administration,
    Article,
    CostCentre,
    Credentials,
    EbhClient,
    EbhError,
    InvoiceData,
    InvoiceSummary,
    LedgerAccount,
    MutationData,
    MutationSummary,
    OpenItem,
    RejectedError,
    Relation,
    RelationData,
    RelationRecord,
    Session,
    TransientError,
    error_for_code,
)
from eboekhouden.masking import sensitive
from eboekhouden.transport import never_connected as _never_connected
from eboekhouden.transport import web_address as _web_address

BINDING = "{http://www.e-boekhouden.nl/soap}soapAppSoap"

_documents: dict[str, Document] = {}
_documents_lock = threading.Lock()


class QuietTransport(Transport):
    """zeep's transport without its DEBUG logging of whole envelopes (they hold the codes)."""

    def post(self, address, message, headers):
        return self.session.post(
            address, data=message, headers=headers, timeout=self.operation_timeout
        )


@dataclass(frozen=True)
class SoapConfig:
    """Where the service is and how long to wait for it (seconds)."""

    wsdl_url: str
    endpoint_url: str
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    wsdl_timeout: float = 10.0
    source: str = "Facturen"  # the Source every session names (at most 15 characters)


def wsdl_document(wsdl_url: str, timeout: float) -> Document:
    """The parsed WSDL of ``wsdl_url``; loaded on first use, then shared by the process."""
    with _documents_lock:
        document = _documents.get(wsdl_url)
        if document is None:
            loader = QuietTransport(timeout=timeout)
            try:
                document = Document(wsdl_url, loader, settings=zeep.Settings(strict=True))
            except Exception as exc:
                raise _translate(exc, sent=False) from None
            _documents[wsdl_url] = document
        return document


class SoapClient(EbhClient):
    def __init__(self, config: SoapConfig) -> None:
        self.config = config
        self._service = None

    def __repr__(self) -> str:
        return f"SoapClient(endpoint_url={self.endpoint_url!r})"

    @property
    def endpoint_url(self) -> str:
        return self.config.endpoint_url

    @property
    def service(self):
        if self._service is None:
            config = self.config
            transport = QuietTransport(
                timeout=config.wsdl_timeout,
                operation_timeout=(config.connect_timeout, config.read_timeout),
            )
            document = wsdl_document(config.wsdl_url, config.wsdl_timeout)
            client = zeep.Client(document, transport=transport)
            self._service = client.create_service(BINDING, self.endpoint_url)
        return self._service

    @sensitive
    def _call(self, operation: str, **kwargs):
        """Call one operation; return its result or raise the matching EbhError."""
        try:
            result = getattr(self.service, operation)(**kwargs)
        except EbhError:
            raise
        except Exception as exc:
            raise _translate(exc, sent=True) from None
        if result is not None:
            _raise_for_error(result)
        return result

    @sensitive
    def _data_call(self, operation: str, session: Session, **kwargs):
        """A call inside an open session: its id and security code 2 go along."""
        return self._call(operation, SessionID=session.session_id,
                          SecurityCode2=session.security_code_2, **kwargs)

    # --- sessions ---------------------------------------------------------------------------

    @sensitive
    def open_session(self, credentials: Credentials) -> Session:
        result = self._call(
            "OpenSession",
            Username=credentials.username,
            SecurityCode1=credentials.security_code_1,
            SecurityCode2=credentials.security_code_2,
            Source=self.config.source[:15],
        )
        return Session(_session_id(result), credentials.security_code_2)

    @sensitive
    def open_session_sub(self, credentials: Credentials, administration_guid: str) -> Session:
        result = self._call(
            "OpenSessionSub",
            Username=credentials.username,
            SecurityCode1=credentials.security_code_1,
            SecurityCode2=credentials.security_code_2,
            Source=self.config.source[:15],
            AdministratieGUID=administration_guid,
        )
        return Session(_session_id(result), credentials.security_code_2, administration_guid)

    @sensitive
    def close_session(self, session: Session) -> None:
        # Best effort by design: an unclosed session simply expires on the service's side.
        with contextlib.suppress(Exception):
            self.service.CloseSession(SessionID=session.session_id)

    # --- reads ------------------------------------------------------------------------------

    @sensitive
    def get_administraties(self, session: Session) -> list[Administration]:
        result = self._data_call("GetAdministraties", session)
        rows = _rows(result, "Administraties", "cAdministratie")
        return [
            Administration(
                guid=_text(row, "Guid"),
                name=_text(row, "Bedrijf"),
                city=_text(row, "Plaats"),
                start_boekjaar=_text(row, "StartBoekjaar"),
            )
            for row in rows
            if _text(row, "Guid")
        ]

    @sensitive
    def get_grootboekrekeningen(
        self, session: Session, category: str | None = None
    ) -> list[LedgerAccount]:
        result = self._data_call(
            "GetGrootboekrekeningen", session,
            cFilter={"ID": 0, "Code": "", "Categorie": category or ""},
        )
        rows = _rows(result, "Rekeningen", "cGrootboekrekening")
        return [
            LedgerAccount(
                id=int(getattr(row, "ID", 0) or 0),
                code=_text(row, "Code"),
                description=_text(row, "Omschrijving"),
                category=_text(row, "Categorie"),
                group=_text(row, "Groep"),
            )
            for row in rows
        ]

    @sensitive
    def get_kostenplaatsen(self, session: Session) -> list[CostCentre]:
        # 0 and "" mean "no filter" (SOAP_API.md §2): every cost centre of the administration.
        result = self._data_call(
            "GetKostenplaatsen", session,
            cFilter={"KostenplaatsID": 0, "KostenplaatsParentID": 0, "Omschrijving": ""},
        )
        return [
            CostCentre(
                id=int(getattr(row, "KostenplaatsId", 0) or 0),
                description=_text(row, "Omschrijving"),
                parent_id=int(getattr(row, "KostenplaatsParentId", 0) or 0),
            )
            for row in _rows(result, "Kostenplaatsen", "cKostenplaats")
        ]

    # --- relations and mutations --------------------------------------------------------------

    @sensitive
    def _relatie_rows(self, session: Session, *, keyword: str = "", code: str = "") -> list:
        result = self._data_call(
            "GetRelaties", session,
            cFilter={"Trefwoord": keyword, "Code": code, "ID": 0},
        )
        return _rows(result, "Relaties", "cRelatie")

    def get_relaties(self, session: Session, *, code: str) -> list[Relation]:
        return [
            Relation(id=int(getattr(row, "ID", 0) or 0), code=_text(row, "Code"),
                     name=_text(row, "Bedrijf"))
            for row in self._relatie_rows(session, code=code)
        ]

    def find_relaties(
        self, session: Session, *, keyword: str = "", code: str = ""
    ) -> list[RelationRecord]:
        return [
            RelationRecord(id=int(getattr(row, "ID", 0) or 0), data=_relation_data(row))
            for row in self._relatie_rows(session, keyword=keyword, code=code)
        ]

    @sensitive
    def get_artikelen(self, session: Session) -> list[Article]:
        result = self._data_call(
            "GetArtikelen", session,
            cFilter={"ArtikelID": 0, "ArtikelOmschrijving": "", "ArtikelCode": "",
                     "GroepOmschrijving": "", "GroepCode": ""},
        )
        return [_article(row) for row in _rows(result, "Artikelen", "cArtikel")]

    @sensitive
    def add_relatie(self, session: Session, relation: RelationData) -> int:
        result = self._data_call("AddRelatie", session, oRel=_relation_payload(relation))
        relation_id = int(getattr(result, "Rel_ID", 0) or 0)
        if relation_id <= 0:
            raise TransientError(TransientError.MALFORMED, "AddRelatie returned no Rel_ID",
                                 ambiguous=True)
        return relation_id

    @sensitive
    def add_mutatie(self, session: Session, mutation: MutationData) -> int:
        result = self._data_call("AddMutatie", session, oMut=_mutation_payload(mutation))
        number = int(getattr(result, "Mutatienummer", 0) or 0)
        if number <= 0:
            # A real failure mode: the service answers without an error code but books nothing.
            raise RejectedError("MUT0", "e-Boekhouden returned mutation number 0")
        return number

    @sensitive
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
        window = {"MutatieNrVan": number_from} if number_from else {}
        if number_to:
            window["MutatieNrTm"] = number_to
        result = self._data_call(
            "GetMutaties", session,
            cFilter={
                "MutatieNr": 0, "Factuurnummer": invoice_number,
                "DatumVan": date_from, "DatumTm": date_to, **window,
            },
        )
        return [_mutation_summary(row) for row in _rows(result, "Mutaties", "cMutatieList")]

    # --- invoices of the invoicing module -----------------------------------------------------

    @sensitive
    def add_factuur(self, session: Session, invoice: InvoiceData) -> str:
        result = self._data_call("AddFactuur", session, oFact=_invoice_payload(invoice))
        number = _text(result, "Factuurnummer")
        if not number:
            raise TransientError(TransientError.MALFORMED, "AddFactuur returned no Factuurnummer",
                                 ambiguous=True)
        return number

    @sensitive
    def get_facturen(
        self,
        session: Session,
        *,
        invoice_number: str,
        date_from: datetime.date,
        date_to: datetime.date,
    ) -> list[InvoiceSummary]:
        result = self._data_call(
            "GetFacturen", session,
            cFilter={"Factuurnummer": invoice_number, "Relatiecode": "",
                     "DatumVan": date_from, "DatumTm": date_to},
        )
        return [_invoice_summary(row) for row in _rows(result, "Facturen", "cFactuurList")]

    @sensitive
    def get_open_posten(self, session: Session, kind: str = "Debiteuren") -> list[OpenItem]:
        if kind not in OPEN_ITEM_KINDS:
            raise ValueError(f"unknown open item kind {kind!r}")
        result = self._data_call("GetOpenPosten", session, OpSoort=kind)
        return [_open_item(row) for row in _rows(result, "Openposten", "cOpenPost")]


OPEN_ITEM_KINDS = ("Debiteuren", "Crediteuren")  # enOpenpostenSoort
CENT = Decimal("0.01")


def _cents(row, name: str) -> Decimal:
    # Doubles on the wire: through str() so 0.1 stays 0.1, then to whole cents.
    return Decimal(str(getattr(row, name, None) or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _open_item(row) -> OpenItem:
    date = getattr(row, "MutDatum", None)
    return OpenItem(
        invoice_number=_text(row, "MutFactuur"), relation_code=_text(row, "RelCode"),
        relation_name=_text(row, "RelBedrijf"),
        date=date.date() if isinstance(date, datetime.datetime) else date,
        amount=_cents(row, "Bedrag"), paid=_cents(row, "Voldaan"),
        open_amount=_cents(row, "Openstaand"),
    )


def _relation_payload(relation: RelationData) -> dict:
    return {
        "ID": 0, "AddDatum": datetime.date.today(), "Code": relation.code,
        "Bedrijf": relation.name, "Contactpersoon": relation.contact_person,
        "Adres": relation.address, "Postcode": relation.postcode, "Plaats": relation.city,
        "Land": relation.country, "Telefoon": relation.phone, "Email": relation.email,
        "BTWNummer": relation.vat_id, "KvkNummer": relation.kvk_number, "IBAN": relation.iban,
        "BP": "B" if relation.business else "P", "LA": "0",
        "Gb_ID": 0, "GeenEmail": 0, "NieuwsbriefgroepenCount": 0,
    }


def _relation_data(row) -> RelationData:
    return RelationData(
        code=_text(row, "Code"), name=_text(row, "Bedrijf"),
        business=_text(row, "BP").upper() != "P", contact_person=_text(row, "Contactpersoon"),
        address=_text(row, "Adres"), postcode=_text(row, "Postcode"), city=_text(row, "Plaats"),
        country=_text(row, "Land"), email=_text(row, "Email"), phone=_text(row, "Telefoon"),
        vat_id=_text(row, "BTWNummer"), kvk_number=_text(row, "KvkNummer"),
        iban=_text(row, "IBAN"),
    )


def _decimal(row, name: str) -> Decimal:
    return Decimal(str(getattr(row, name, None) or 0))


def _article(row) -> Article:
    return Article(
        id=int(getattr(row, "ArtikelID", 0) or 0), code=_text(row, "ArtikelCode"),
        description=_text(row, "ArtikelOmschrijving"), unit=_text(row, "Eenheid"),
        sales_price=_decimal(row, "VerkoopprijsExclBTW"), vat_code=_text(row, "BTWCode"),
        vat_percentage=_decimal(row, "BtwPercentage"),
        contra_account=_text(row, "TegenrekeningCode"),
        active=bool(getattr(row, "Actief", False)),
    )


def _mutation_payload(mutation: MutationData) -> dict:
    lines = [
        {
            "BedragInvoer": line.net, "BedragExclBTW": line.net, "BedragBTW": line.vat,
            "BedragInclBTW": line.gross, "BTWCode": line.vat_code,
            "BTWPercentage": line.vat_percentage, "TegenrekeningCode": line.contra_account,
            "KostenplaatsID": line.cost_centre,
        }
        for line in mutation.lines
    ]
    return {
        "MutatieNr": 0, "Soort": mutation.kind, "Datum": mutation.date,
        "Rekening": mutation.account, "RelatieCode": mutation.relation_code,
        "Factuurnummer": mutation.invoice_number, "Omschrijving": mutation.description,
        "Betalingstermijn": str(mutation.payment_term_days),
        "Betalingskenmerk": mutation.payment_reference, "InExBTW": "EX",
        "MutatieRegels": {"cMutatieRegel": lines},
    }


def _invoice_payload(invoice: InvoiceData) -> dict:
    lines = [
        {
            "Aantal": line.quantity, "Eenheid": line.unit, "Code": line.code,
            "Omschrijving": line.description, "PrijsPerEenheid": line.unit_price,
            "BTWCode": line.vat_code, "TegenrekeningCode": line.contra_account,
            "KostenplaatsID": line.cost_centre,
        }
        for line in invoice.lines
    ]
    email = {
        "EmailOnderwerp": invoice.email_subject, "EmailBericht": invoice.email_message,
        "EmailVanAdres": invoice.email_from_address, "EmailVanNaam": invoice.email_from_name,
    } if invoice.send_email else {}
    return {
        "Factuurnummer": invoice.invoice_number, "Relatiecode": invoice.relation_code,
        "Datum": invoice.date, "Betalingstermijn": invoice.payment_term_days,
        "Factuursjabloon": invoice.template, "PerEmailVerzenden": invoice.send_email, **email,
        # The WSDL requires these although no direct debit is used (SOAP_API.md §9).
        "AutomatischeIncasso": False, "IncassoMachtigingDatumOndertekening": invoice.date,
        "IncassoMachtigingFirst": False,
        "InBoekhoudingPlaatsen": True,
        "BoekhoudmutatieOmschrijving": invoice.booking_description,
        "Regels": {"cFactuurRegel": lines},
    }


def _invoice_summary(row) -> InvoiceSummary:
    date = getattr(row, "Datum", None)
    return InvoiceSummary(
        number=_text(row, "Factuurnummer"),
        relation_code=_untyped_text(getattr(row, "Relatiecode", None)),
        date=date.date() if isinstance(date, datetime.datetime) else date,
        gross_total=Decimal(str(getattr(row, "TotaalInclBTW", 0) or 0)),
        pdf_url=_web_address(_text(row, "URLPDFBestand")),
    )


def _untyped_text(value) -> str:
    # cFactuurList.Relatiecode has no type in the WSDL: zeep may hand over the raw element(s).
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return ""
    text = getattr(value, "text", value)
    return "" if text is None else str(text).strip()


def _mutation_summary(row) -> MutationSummary:
    lines = list(getattr(getattr(row, "MutatieRegels", None), "cMutatieListRegel", None) or [])
    gross = sum((Decimal(str(getattr(line, "BedragInclBTW", 0) or 0)) for line in lines),
                Decimal("0"))
    date = getattr(row, "Datum", None)
    return MutationSummary(
        number=int(getattr(row, "MutatieNr", 0) or 0),
        kind=_text(row, "Soort"),
        date=date.date() if isinstance(date, datetime.datetime) else date,
        relation_code=_text(row, "RelatieCode"),
        invoice_number=_text(row, "Factuurnummer"),
        gross_total=gross,
    )


# --- result helpers --------------------------------------------------------------------------


def _raise_for_error(result) -> None:
    error = getattr(result, "ErrorMsg", None)
    if error is None and hasattr(result, "LastErrorCode"):
        error = result  # Update* operations answer with a bare cError
    code = (getattr(error, "LastErrorCode", None) or "").strip() if error is not None else ""
    if code:
        raise error_for_code(code, (getattr(error, "LastErrorDescription", None) or "").strip())


def _session_id(result) -> str:
    session_id = (getattr(result, "SessionID", None) or "").strip()
    if not session_id:
        raise TransientError(TransientError.MALFORMED, "OpenSession returned no SessionID",
                             ambiguous=True)
    return session_id


def _rows(result, wrapper: str, item: str) -> list:
    # zeep turns an empty or absent array into None.
    container = getattr(result, wrapper, None)
    if container is None:
        return []
    return list(getattr(container, item, None) or [])


def _text(row, name: str) -> str:
    value = getattr(row, name, None)
    return "" if value is None else str(value).strip()


# --- exception translation -------------------------------------------------------------------


def _translate(exc: Exception, *, sent: bool) -> EbhError:
    """Map a transport or zeep exception to an EbhError. The messages hold no envelope."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransientError(TransientError.UNREACHABLE, "connect timeout")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransientError(TransientError.TIMEOUT, "read timeout", ambiguous=sent)
    if isinstance(exc, requests.exceptions.SSLError):
        # The TLS handshake comes before a byte of the request: nothing can have been applied.
        return TransientError(TransientError.UNREACHABLE, "TLS handshake failed")
    if isinstance(exc, requests.exceptions.ConnectionError):
        if _never_connected(exc):
            return TransientError(TransientError.UNREACHABLE, type(exc).__name__)
        return TransientError(TransientError.DROPPED, type(exc).__name__, ambiguous=sent)
    if isinstance(exc, zeep.exceptions.Fault):
        return TransientError(TransientError.SERVER_ERROR, "SOAP fault", ambiguous=sent)
    if isinstance(exc, zeep.exceptions.TransportError):
        kind = TransientError.SERVER_ERROR if exc.status_code >= 500 else TransientError.MALFORMED
        return TransientError(kind, f"HTTP {exc.status_code}", ambiguous=sent)
    if isinstance(exc, zeep.exceptions.ValidationError):
        # Raised before anything is sent: our request does not fit the WSDL.
        return RejectedError("WSDL", str(exc.message))
    if isinstance(exc, zeep.exceptions.Error | etree.XMLSyntaxError | ValueError):
        return TransientError(TransientError.MALFORMED, type(exc).__name__, ambiguous=sent)
    if isinstance(exc, requests.exceptions.RequestException):
        return TransientError(TransientError.UNREACHABLE, type(exc).__name__, ambiguous=sent)
    raise exc

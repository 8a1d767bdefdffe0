"""Declarative definition of the e-Boekhouden SOAP contract.

Everything that touches the wire shape is derived from the tables in this module: the WSDL
served at ``/soap.asmx?wsdl``, the request parser and the response serializer. Names, nesting,
types and occurrence mirror the real service's WSDL, including its inconsistencies
(``KostenPlaatsId`` next to ``KostenplaatsID``, ``Relatiecode`` next to ``RelatieCode``, the
untyped ``cFactuurList/Relatiecode``); the contract tests compare the two documents.

The parser answers what XmlSerializer cannot read (malformed XML, a bad number, date, boolean
or enum value, ``xsi:nil`` on a value type) with a SOAP Fault, as ASP.NET does. An element that
is left out reads as XmlSerializer's default, as on the real service: 0 for numbers, false,
0001-01-01 for a dateTime (which then fails the 1980-2049 check of Add* calls), the first value
of an enum, and null for strings and nullable values. With ``strict_schema`` (the default) an
unknown or repeated element is a Fault, where ASP.NET skips it or keeps the last one: stricter,
so a client's typo is caught.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

TNS = "http://www.e-boekhouden.nl/soap"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap12/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"

# .NET value types: they cannot be null, so ASMX declares them minOccurs="1".
VALUE_TYPES = frozenset({"s:long", "s:decimal", "s:double", "s:dateTime", "s:boolean"})


@dataclass(frozen=True)
class Field:
    name: str
    type: str | None  # "s:long", "tns:cError", ...; None means xsd:anyType (no type attribute)
    min_occurs: int = 0
    max_occurs: int | None = 1  # None = unbounded
    nillable: bool = False

    @property
    def local_type(self) -> str | None:
        return None if self.type is None else self.type.split(":", 1)[1]

    @property
    def is_list(self) -> bool:
        return self.max_occurs is None


@dataclass(frozen=True)
class Operation:
    name: str
    request: tuple[Field, ...]
    result_type: str | None  # None: empty <OpResponse/> (CloseSession)

    @property
    def soap_action(self) -> str:
        return f"{TNS}/{self.name}"


def s(name: str) -> Field:
    """An optional string (reference type)."""
    return Field(name, "s:string")


def v(name: str, xsd_type: str, *, nillable: bool = False) -> Field:
    """A required value type (long, decimal, double, dateTime, boolean)."""
    return Field(name, f"s:{xsd_type}", 1, 1, nillable)


def opt(name: str, xsd_type: str) -> Field:
    """A value type the service declares optional (a nullable .NET value)."""
    return Field(name, f"s:{xsd_type}")


def ref(name: str, type_name: str) -> Field:
    """An optional element of a complex type."""
    return Field(name, f"tns:{type_name}")


def enum(name: str, type_name: str) -> Field:
    return Field(name, f"tns:{type_name}", 1, 1)


def array_name(item_type: str) -> str:
    return f"ArrayOf{item_type[0].upper()}{item_type[1:]}"


def many(item_type: str) -> Field:
    return Field(item_type, f"tns:{item_type}", 0, None, True)


def arr(name: str, item_type: str) -> Field:
    return ref(name, array_name(item_type))


ENUMS: dict[str, tuple[str, ...]] = {
    "enMutatieSoorten": (
        "OpeningsSaldo",
        "FactuurOntvangen",
        "FactuurVerstuurd",
        "FactuurbetalingOntvangen",
        "FactuurbetalingVerstuurd",
        "GeldOntvangen",
        "GeldUitgegeven",
        "Memoriaal",
    ),
    "enOpenpostenSoort": ("Debiteuren", "Crediteuren"),
}

_MUTATIE_BEDRAGEN = (
    v("BedragInvoer", "decimal"),
    v("BedragExclBTW", "decimal"),
    v("BedragBTW", "decimal"),
    v("BedragInclBTW", "decimal"),
    s("BTWCode"),
    v("BTWPercentage", "decimal"),
)

RELATIE_TEXT_FIELDS = (
    "Code", "Bedrijf", "Contactpersoon", "Geslacht", "Adres", "Postcode", "Plaats", "Land",
    "Adres2", "Postcode2", "Plaats2", "Land2", "Telefoon", "GSM", "FAX", "Email", "Site",
    "Notitie", "Bankrekening", "Girorekening", "BTWNummer", "KvkNummer", "Aanhef", "IBAN", "BIC",
    "BP", "Def1", "Def2", "Def3", "Def4", "Def5", "Def6", "Def7", "Def8", "Def9", "Def10", "LA",
)

_MUTATIE_HEADER = (
    v("MutatieNr", "long"),
    enum("Soort", "enMutatieSoorten"),
    v("Datum", "dateTime"),
    s("Rekening"),
    s("RelatieCode"),
    s("Factuurnummer"),
    s("Boekstuk"),
    s("Omschrijving"),
    s("Betalingstermijn"),
)

COMPLEX_TYPES: dict[str, tuple[Field, ...]] = {
    "cError": (s("LastErrorCode"), s("LastErrorDescription")),
    "cAdministratie": (s("Bedrijf"), s("Plaats"), s("Guid"), s("StartBoekjaar")),
    "cSaldoFilter": (
        s("GbCode"),
        v("KostenPlaatsId", "long"),
        v("DatumVan", "dateTime", nillable=True),
        v("DatumTot", "dateTime", nillable=True),
    ),
    "cSaldiFilter": (
        v("KostenPlaatsId", "long"),
        v("DatumVan", "dateTime", nillable=True),
        v("DatumTot", "dateTime", nillable=True),
        s("Categorie"),
    ),
    "cSaldo": (v("ID", "long"), s("Code"), s("Categorie"), v("Saldo", "double")),
    "cFactuur": (
        s("Factuurnummer"),
        s("Relatiecode"),
        v("Datum", "dateTime"),
        v("Betalingstermijn", "long"),
        s("Factuursjabloon"),
        v("PerEmailVerzenden", "boolean"),
        s("EmailOnderwerp"),
        s("EmailBericht"),
        s("EmailVanAdres"),
        s("EmailVanNaam"),
        v("AutomatischeIncasso", "boolean"),
        s("IncassoIBAN"),
        s("IncassoMachtigingSoort"),
        s("IncassoMachtigingID"),
        v("IncassoMachtigingDatumOndertekening", "dateTime"),
        v("IncassoMachtigingFirst", "boolean"),
        s("IncassoRekeningNummer"),
        s("IncassoTnv"),
        s("IncassoPlaats"),
        s("IncassoOmschrijvingRegel1"),
        s("IncassoOmschrijvingRegel2"),
        s("IncassoOmschrijvingRegel3"),
        v("InBoekhoudingPlaatsen", "boolean"),
        s("BoekhoudmutatieOmschrijving"),
        arr("Regels", "cFactuurRegel"),
    ),
    "cFactuurRegel": (
        v("Aantal", "double"),
        s("Eenheid"),
        s("Code"),
        s("Omschrijving"),
        v("PrijsPerEenheid", "double"),
        s("BTWCode"),
        s("TegenrekeningCode"),
        v("KostenplaatsID", "long"),
    ),
    "cFactuurFilter": (
        s("Factuurnummer"),
        s("Relatiecode"),
        v("DatumVan", "dateTime"),
        v("DatumTm", "dateTime"),
    ),
    "cFactuurList": (
        s("Factuurnummer"),
        Field("Relatiecode", None),
        v("Datum", "dateTime"),
        v("Betalingstermijn", "long"),
        v("TotaalExclBTW", "double"),
        v("TotaalBTW", "double"),
        v("TotaalInclBTW", "double"),
        v("TotaalOpenstaand", "double"),
        s("URLPDFBestand"),
        arr("Regels", "cFactuurRegel"),
    ),
    "cMutatie": (
        *_MUTATIE_HEADER,
        s("Betalingskenmerk"),
        s("InExBTW"),
        arr("MutatieRegels", "cMutatieRegel"),
    ),
    "cMutatieRegel": (
        *_MUTATIE_BEDRAGEN,
        s("TegenrekeningCode"),
        v("KostenplaatsID", "long"),
    ),
    "cMutatieFilter": (
        v("MutatieNr", "long"),
        opt("MutatieNrVan", "long"),
        opt("MutatieNrTm", "long"),
        s("Factuurnummer"),
        v("DatumVan", "dateTime"),
        v("DatumTm", "dateTime"),
    ),
    "cMutatieList": (
        *_MUTATIE_HEADER,
        s("InExBTW"),
        arr("MutatieRegels", "cMutatieListRegel"),
    ),
    "cMutatieListRegel": (
        *_MUTATIE_BEDRAGEN,
        s("Factuurnummer"),
        s("TegenrekeningCode"),
        v("KostenplaatsID", "long"),
    ),
    "cGrootboekrekening": (
        v("ID", "long"),
        s("Code"),
        s("Omschrijving"),
        s("Categorie"),
        s("Groep"),
    ),
    "cGrootboekrekeningFilter": (v("ID", "long"), s("Code"), s("Categorie")),
    "cRelatie": (
        v("ID", "long"),
        v("AddDatum", "dateTime"),
        *(s(name) for name in RELATIE_TEXT_FIELDS),
        v("Gb_ID", "long"),
        v("GeenEmail", "long"),
        v("NieuwsbriefgroepenCount", "long"),
    ),
    "cRelatieFilter": (s("Trefwoord"), s("Code"), v("ID", "long")),
    "cOpenPost": (
        v("MutDatum", "dateTime"),
        s("MutFactuur"),
        s("RelCode"),
        s("RelBedrijf"),
        v("Bedrag", "double"),
        v("Voldaan", "double"),
        v("Openstaand", "double"),
    ),
    "cKostenplaatsFilter": (
        opt("KostenplaatsID", "long"),
        opt("KostenplaatsParentID", "long"),
        s("Omschrijving"),
    ),
    "cKostenplaats": (
        v("KostenplaatsId", "long"),
        s("Omschrijving"),
        v("KostenplaatsParentId", "long"),
    ),
    "cArtikelFilter": (
        opt("ArtikelID", "long"),
        s("ArtikelOmschrijving"),
        s("ArtikelCode"),
        s("GroepOmschrijving"),
        s("GroepCode"),
    ),
    "cArtikel": (
        v("ArtikelID", "long"),
        s("ArtikelOmschrijving"),
        s("ArtikelCode"),
        s("GroepOmschrijving"),
        s("GroepCode"),
        s("Eenheid"),
        v("InkoopprijsExclBTW", "decimal"),
        v("VerkoopprijsExclBTW", "decimal"),
        v("VerkoopprijsInclBTW", "decimal"),
        s("BTWCode"),
        s("TegenrekeningCode"),
        v("BtwPercentage", "decimal"),
        v("KostenplaatsID", "long"),
        v("Actief", "boolean"),
    ),
}

for _item in (
    "cAdministratie",
    "cSaldo",
    "cFactuurRegel",
    "cFactuurList",
    "cMutatieRegel",
    "cMutatieList",
    "cMutatieListRegel",
    "cGrootboekrekening",
    "cRelatie",
    "cOpenPost",
    "cKostenplaats",
    "cArtikel",
):
    COMPLEX_TYPES[array_name(_item)] = (many(_item),)

_ERROR_MSG = ref("ErrorMsg", "cError")
RESULT_TYPES: dict[str, tuple[Field, ...]] = {
    "cResultGetAdministraties": (_ERROR_MSG, arr("Administraties", "cAdministratie")),
    "cResultGetSaldo": (_ERROR_MSG, v("Saldo", "double")),
    "cResultGetSaldi": (_ERROR_MSG, arr("Saldi", "cSaldo")),
    "cResultAddFactuur": (_ERROR_MSG, s("Factuurnummer")),
    "cResultGetFacturen": (_ERROR_MSG, arr("Facturen", "cFactuurList")),
    "cResultAddMutatie": (_ERROR_MSG, v("Mutatienummer", "long")),
    "cResultGetMutaties": (_ERROR_MSG, arr("Mutaties", "cMutatieList")),
    "cResultAddGrootboekrekening": (_ERROR_MSG, v("Gb_ID", "long")),
    "cResultGetGrootboekrekeningen": (_ERROR_MSG, arr("Rekeningen", "cGrootboekrekening")),
    "cResultAddRelatie": (_ERROR_MSG, v("Rel_ID", "long")),
    "cResultGetRelaties": (_ERROR_MSG, arr("Relaties", "cRelatie")),
    "cResultGetOpenPosten": (_ERROR_MSG, arr("Openposten", "cOpenPost")),
    "cResultOpenSession": (_ERROR_MSG, s("SessionID")),
    "cResultAutoLogin": (_ERROR_MSG, s("Token")),
    "cResultGetKostenplaatsen": (_ERROR_MSG, arr("Kostenplaatsen", "cKostenplaats")),
    "cResultGetArtikelen": (_ERROR_MSG, arr("Artikelen", "cArtikel")),
}
COMPLEX_TYPES.update(RESULT_TYPES)

_AUTH = (s("SessionID"), s("SecurityCode2"))
_LOGIN = (s("Username"), s("SecurityCode1"), s("SecurityCode2"), s("Source"))

# In the order of the real WSDL's portType.
OPERATIONS: tuple[Operation, ...] = (
    Operation("GetAdministraties", _AUTH, "cResultGetAdministraties"),
    Operation("GetSaldo", (*_AUTH, ref("cFilter", "cSaldoFilter")), "cResultGetSaldo"),
    Operation("GetSaldi", (*_AUTH, ref("cFilter", "cSaldiFilter")), "cResultGetSaldi"),
    Operation("AddFactuur", (*_AUTH, ref("oFact", "cFactuur")), "cResultAddFactuur"),
    Operation("GetFacturen", (*_AUTH, ref("cFilter", "cFactuurFilter")), "cResultGetFacturen"),
    Operation("AddMutatie", (*_AUTH, ref("oMut", "cMutatie")), "cResultAddMutatie"),
    Operation("GetMutaties", (*_AUTH, ref("cFilter", "cMutatieFilter")), "cResultGetMutaties"),
    Operation(
        "AddGrootboekrekening",
        (*_AUTH, ref("oGb", "cGrootboekrekening")),
        "cResultAddGrootboekrekening",
    ),
    Operation("UpdateGrootboekrekening", (*_AUTH, ref("oGb", "cGrootboekrekening")), "cError"),
    Operation(
        "GetGrootboekrekeningen",
        (*_AUTH, ref("cFilter", "cGrootboekrekeningFilter")),
        "cResultGetGrootboekrekeningen",
    ),
    Operation("AddRelatie", (*_AUTH, ref("oRel", "cRelatie")), "cResultAddRelatie"),
    Operation("UpdateRelatie", (*_AUTH, ref("oRel", "cRelatie")), "cError"),
    Operation("GetRelaties", (*_AUTH, ref("cFilter", "cRelatieFilter")), "cResultGetRelaties"),
    Operation(
        "GetOpenPosten", (*_AUTH, enum("OpSoort", "enOpenpostenSoort")), "cResultGetOpenPosten"
    ),
    Operation("OpenSession", _LOGIN, "cResultOpenSession"),
    Operation("OpenSessionSub", (*_LOGIN, s("AdministratieGUID")), "cResultOpenSession"),
    Operation("CloseSession", (s("SessionID"),), None),
    Operation(
        "AutoLogin", (s("Username"), s("SessionID"), s("SecurityCode2")), "cResultAutoLogin"
    ),
    Operation(
        "GetKostenplaatsen",
        (*_AUTH, ref("cFilter", "cKostenplaatsFilter")),
        "cResultGetKostenplaatsen",
    ),
    Operation("GetArtikelen", (*_AUTH, ref("cFilter", "cArtikelFilter")), "cResultGetArtikelen"),
)
OPERATIONS_BY_NAME: dict[str, Operation] = {op.name: op for op in OPERATIONS}


def result_field(op: Operation) -> Field | None:
    if op.result_type is None:
        return None
    return ref(f"{op.name}Result", op.result_type)


# ---------------------------------------------------------------------------------------------
# Request parsing
# ---------------------------------------------------------------------------------------------


class SchemaError(Exception):
    """A request that XmlSerializer would refuse: answered with a SOAP Fault (soap:Client)."""

    def __init__(self, message: str, element: etree._Element | None = None) -> None:
        line = getattr(element, "sourceline", None) or 1
        super().__init__(
            f"Server was unable to read request. ---> There is an error in XML document "
            f"({line}, 1). ---> {message}"
        )


_DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DOUBLE_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)
_LONG_RANGE = (-(2**63), 2**63 - 1)


def parse_scalar(xsd_type: str, text: str, element: etree._Element | None = None) -> Any:
    """Turn the text of a value-typed element into a Python value, or raise SchemaError."""
    raw = text.strip()
    if xsd_type == "long":
        if not re.fullmatch(r"[+-]?\d+", raw) or not _LONG_RANGE[0] <= int(raw) <= _LONG_RANGE[1]:
            raise SchemaError("Input string was not in a correct format.", element)
        return int(raw)
    if xsd_type == "decimal":
        if not _DECIMAL_RE.match(raw):
            raise SchemaError("Input string was not in a correct format.", element)
        return Decimal(raw)
    if xsd_type == "double":
        if not _DOUBLE_RE.match(raw):
            raise SchemaError("Input string was not in a correct format.", element)
        return Decimal(raw)
    if xsd_type == "boolean":
        if raw not in ("true", "false", "1", "0"):
            raise SchemaError(f"The string '{raw}' is not a valid Boolean value.", element)
        return raw in ("true", "1")
    if xsd_type == "dateTime":
        return _parse_datetime(raw, element)
    return text


def _parse_datetime(raw: str, element: etree._Element | None) -> dt.date:
    # The service only uses the date part (MAN §2); the time and zone are validated, then dropped.
    match = _DATETIME_RE.match(raw)
    try:
        if not match:
            raise ValueError(raw)
        date = dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match[4]:
            dt.time(int(match[5]), int(match[6]), int(match[7]))
    except ValueError:
        raise SchemaError(
            f"The string '{raw}' is not a valid AllXsd value.", element
        ) from None
    return date


def parse_request(op: Operation, element: etree._Element, *, strict: bool) -> dict[str, Any]:
    """Parse the operation element of a request body into plain Python values."""
    return _parse_fields(op.request, element, strict=strict)


def _parse_fields(
    fields: tuple[Field, ...], parent: etree._Element, *, strict: bool
) -> dict[str, Any]:
    by_name = {f"{{{TNS}}}{f.name}": f for f in fields}
    values: dict[str, Any] = {}
    for child in parent:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        field = by_name.get(child.tag)
        if field is None:
            # XmlSerializer skips unknown elements; strict mode surfaces client typos instead.
            if strict:
                raise SchemaError(f"Unexpected element {child.tag}.", child)
            continue
        value = _parse_field(field, child, strict=strict)
        if field.is_list:
            values.setdefault(field.name, []).append(value)
        elif field.name in values and strict:
            raise SchemaError(f"Element {field.name} occurs more than once.", child)
        else:
            values[field.name] = value
    for field in fields:
        if field.min_occurs and field.name not in values:
            values[field.name] = missing_value(field)
    return values


def missing_value(field: Field) -> Any:
    """What XmlSerializer puts in a left-out ``minOccurs=1`` element: the .NET default."""
    local = field.local_type or ""
    if local in ENUMS:
        return ENUMS[local][0]
    if field.nillable or field.type not in VALUE_TYPES:
        return None
    return parse_scalar(local, _VALUE_DEFAULTS[field.type])


def _is_nil(element: etree._Element) -> bool:
    return element.get(f"{{{XSI}}}nil") in ("true", "1")


def _parse_field(field: Field, element: etree._Element, *, strict: bool) -> Any:
    if _is_nil(element):
        if not field.nillable and field.type in VALUE_TYPES:
            raise SchemaError(f"Element {field.name} is not nillable.", element)
        return None
    local = field.local_type
    if local in COMPLEX_TYPES:
        return _parse_fields(COMPLEX_TYPES[local], element, strict=strict)
    if len(element):
        raise SchemaError(f"Element {field.name} must not have child elements.", element)
    text = element.text or ""
    if local in ENUMS:
        if text.strip() not in ENUMS[local]:
            raise SchemaError(f"Instance validation error: '{text}' is not a valid value "
                              f"for {local}.", element)
        return text.strip()
    if field.type in VALUE_TYPES:
        return parse_scalar(local or "", text, element)
    return text


# ---------------------------------------------------------------------------------------------
# Response serialization
# ---------------------------------------------------------------------------------------------

_VALUE_DEFAULTS = {
    "s:long": "0",
    "s:decimal": "0",
    "s:double": "0",
    "s:boolean": "false",
    "s:dateTime": "0001-01-01T00:00:00",
}


def format_scalar(xsd_type: str | None, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%dT00:00:00")
    if xsd_type == "s:double":
        return _format_double(Decimal(str(value)))
    if xsd_type == "s:decimal":
        return format(Decimal(str(value)), "f")
    return str(value)


def _format_double(value: Decimal) -> str:
    # .NET writes doubles in their shortest round-trip form: 121, 121.5, 0.01.
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return repr(number)


def append_fields(
    parent: etree._Element, fields: tuple[Field, ...], values: dict[str, Any]
) -> None:
    """Append ``values`` to ``parent`` in schema order, as ASMX would serialize them."""
    for field in fields:
        value = values.get(field.name)
        if field.is_list:
            for item in value or ():
                _append_one(parent, field, item)
        elif value is not None or field.min_occurs:
            _append_one(parent, field, value)


def _append_one(parent: etree._Element, field: Field, value: Any) -> None:
    child = etree.SubElement(parent, f"{{{TNS}}}{field.name}")
    local = field.local_type
    if value is None:
        if field.nillable:
            child.set(f"{{{XSI}}}nil", "true")
        elif field.type in _VALUE_DEFAULTS:
            child.text = _VALUE_DEFAULTS[field.type]
        return
    if local in COMPLEX_TYPES:
        fields = COMPLEX_TYPES[local]
        if isinstance(value, list):  # an ArrayOfX wrapper given as its list of items
            value = {fields[0].name: value}
        append_fields(child, fields, value)
    elif value != "":
        child.text = format_scalar(field.type, value)

"""SOAP 1.1/1.2 envelopes: safe parsing, dispatch by SOAPAction and body element, responses
and faults shaped like ASP.NET's (SOAP_API.md §2.1, §2.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .schema import (
    OPERATIONS_BY_NAME,
    TNS,
    XSD,
    XSI,
    Operation,
    SchemaError,
    append_fields,
    parse_request,
    result_field,
)

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPES = {SOAP11: "text/xml; charset=utf-8", SOAP12: "application/soap+xml; charset=utf-8"}

# No DTDs, no entity expansion, no network, no unbounded trees: a billion-laughs body or an
# external entity must never be expanded or fetched.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
    dtd_validation=False, remove_comments=True, remove_pis=True,
)
_DTD_MESSAGE = (
    "For security reasons DTD is prohibited in this XML document. To enable DTD processing set "
    "the DtdProcessing property on XmlReaderSettings to Parse and pass the settings into "
    "XmlReader.Create method."
)


class SoapFault(Exception):
    """Answered as HTTP ``status`` with a SOAP Fault; ``client`` picks Client/Sender vs Server."""

    def __init__(self, message: str, *, client: bool = True, status: int = 500,
                 version: str = SOAP11) -> None:
        super().__init__(message)
        self.message = message
        self.client = client
        self.status = status
        self.version = version


@dataclass(frozen=True)
class SoapRequest:
    version: str  # SOAP11 or SOAP12
    operation: Operation
    values: dict[str, Any]


def soap_action(content_type: str, header: str | None) -> str:
    """SOAP 1.1 sends the action in a header; SOAP 1.2 in the content type's action parameter."""
    if header is not None:
        return header.strip().strip('"')
    match = re.search(r'action\s*=\s*"?([^";]*)"?', content_type or "")
    return match.group(1).strip() if match else ""


def parse_envelope(body: bytes, action: str, *, strict: bool) -> SoapRequest:
    version = SOAP12 if SOAP12.encode() in body[:2048] else SOAP11
    if re.search(rb"<!DOCTYPE|<!ENTITY", body, re.IGNORECASE):
        raise SoapFault(_DTD_MESSAGE, version=version)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        raise SoapFault(
            f"Server was unable to read request. ---> There is an error in XML document "
            f"({line}, {column}). ---> {exc.msg}", version=version
        ) from None
    version = _envelope_version(root)
    body_el = root.find(f"{{{version}}}Body")
    element = next((child for child in body_el if isinstance(child.tag, str)), None) \
        if body_el is not None else None
    if element is None:
        raise SoapFault("Server was unable to read request: the soap:Body is empty or missing.",
                        version=version)
    operation = _operation_for(element, action, version)
    try:
        values = parse_request(operation, element, strict=strict)
    except SchemaError as exc:
        raise SoapFault(str(exc), version=version) from None
    return SoapRequest(version, operation, values)


def _envelope_version(root: etree._Element) -> str:
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "Envelope" or namespace not in (SOAP11, SOAP12):
        raise SoapFault(
            f"Possible SOAP version mismatch: Envelope namespace {namespace} was unexpected. "
            f"Expecting {SOAP11}.", version=SOAP11
        )
    return namespace or SOAP11


def _operation_for(element: etree._Element, action: str, version: str) -> Operation:
    qname = etree.QName(element)
    if action:
        name = action.removeprefix(f"{TNS}/")
        if name == action or name not in OPERATIONS_BY_NAME:
            raise SoapFault(
                f"Server did not recognize the value of HTTP Header SOAPAction: {action}.",
                version=version,
            )
        if qname.localname != name or qname.namespace != TNS:
            raise SoapFault(
                f"Server was unable to read request. ---> The body element {{{qname.namespace}}}"
                f"{qname.localname} does not match SOAPAction {action}.", version=version
            )
    if qname.namespace != TNS or qname.localname not in OPERATIONS_BY_NAME:
        raise SoapFault(
            f"Server did not recognize the request element {{{qname.namespace}}}"
            f"{qname.localname}; expected an operation in namespace {TNS}.", version=version
        )
    return OPERATIONS_BY_NAME[qname.localname]


def _envelope(version: str) -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(
        f"{{{version}}}Envelope", nsmap={"soap": version, "xsi": XSI, "xsd": XSD}
    )
    return envelope, etree.SubElement(envelope, f"{{{version}}}Body")


def response_body(version: str, operation: Operation, result: dict[str, Any] | None) -> bytes:
    envelope, body = _envelope(version)
    response = etree.SubElement(body, f"{{{TNS}}}{operation.name}Response", nsmap={None: TNS})
    field = result_field(operation)
    if field is not None:
        append_fields(response, (field,), {field.name: result})
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def fault_body(fault: SoapFault) -> bytes:
    envelope, body = _envelope(fault.version)
    element = etree.SubElement(body, f"{{{fault.version}}}Fault")
    if fault.version == SOAP12:
        code = etree.SubElement(etree.SubElement(element, f"{{{SOAP12}}}Code"),
                                f"{{{SOAP12}}}Value")
        code.text = "soap:Sender" if fault.client else "soap:Receiver"
        reason = etree.SubElement(etree.SubElement(element, f"{{{SOAP12}}}Reason"),
                                  f"{{{SOAP12}}}Text")
        reason.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        reason.text = fault.message
        etree.SubElement(element, f"{{{SOAP12}}}Detail")
    else:
        etree.SubElement(element, "faultcode").text = (
            "soap:Client" if fault.client else "soap:Server"
        )
        etree.SubElement(element, "faultstring").text = fault.message
        etree.SubElement(element, "detail")
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")

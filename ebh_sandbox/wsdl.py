"""Generate the service's WSDL from the declarative contract in :mod:`ebh_sandbox.schema`."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from .schema import (
    COMPLEX_TYPES,
    ENUMS,
    HTTP_TRANSPORT,
    OPERATIONS,
    SOAP12_BINDING_NS,
    SOAP_BINDING_NS,
    TNS,
    WSDL_NS,
    XSD,
    Field,
    Operation,
    result_field,
)

NSMAP = {
    "tm": "http://microsoft.com/wsdl/mime/textMatching/",
    "soapenc": "http://schemas.xmlsoap.org/soap/encoding/",
    "mime": "http://schemas.xmlsoap.org/wsdl/mime/",
    "tns": TNS,
    "soap": SOAP_BINDING_NS,
    "s": XSD,
    "soap12": SOAP12_BINDING_NS,
    "http": "http://schemas.xmlsoap.org/wsdl/http/",
    "wsdl": WSDL_NS,
}

BINDINGS = (("soapAppSoap", SOAP_BINDING_NS), ("soapAppSoap12", SOAP12_BINDING_NS))


def _w(tag: str) -> str:
    return f"{{{WSDL_NS}}}{tag}"


def _s(tag: str) -> str:
    return f"{{{XSD}}}{tag}"


@lru_cache(maxsize=16)
def render_wsdl(address: str) -> bytes:
    """The WSDL document with both SOAP addresses pointing at ``address``."""
    root = etree.Element(_w("definitions"), nsmap=NSMAP, targetNamespace=TNS)
    types = etree.SubElement(root, _w("types"))
    schema = etree.SubElement(
        types, _s("schema"), elementFormDefault="qualified", targetNamespace=TNS
    )
    _add_schema_items(schema)
    for op in OPERATIONS:
        _add_messages(root, op)
    _add_port_type(root)
    for binding_name, namespace in BINDINGS:
        _add_binding(root, binding_name, namespace)
    _add_service(root, address)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _add_schema_items(schema: etree._Element) -> None:
    # ASP.NET writes each operation's element followed by the named types it introduces
    # (depth first), then the response element and its types; we follow that order.
    emitted: set[str] = set()
    for op in OPERATIONS:
        _element_decl(schema, op.name, op.request)
        _add_types_for(schema, op.request, emitted)
        response = result_field(op)
        response_fields = (response,) if response else ()
        _element_decl(schema, f"{op.name}Response", response_fields)
        _add_types_for(schema, response_fields, emitted)


def _element_decl(schema: etree._Element, name: str, fields: tuple[Field, ...]) -> None:
    element = etree.SubElement(schema, _s("element"), name=name)
    complex_type = etree.SubElement(element, _s("complexType"))
    if fields:
        _sequence(complex_type, fields)


def _sequence(parent: etree._Element, fields: tuple[Field, ...]) -> None:
    sequence = etree.SubElement(parent, _s("sequence"))
    for field in fields:
        attrs = {
            "minOccurs": str(field.min_occurs),
            "maxOccurs": "unbounded" if field.max_occurs is None else str(field.max_occurs),
            "name": field.name,
        }
        if field.nillable:
            attrs["nillable"] = "true"
        if field.type is not None:
            attrs["type"] = field.type
        etree.SubElement(sequence, _s("element"), attrs)


def _add_types_for(
    schema: etree._Element, fields: tuple[Field, ...], emitted: set[str]
) -> None:
    for field in fields:
        name = field.local_type
        if field.type is None or not field.type.startswith("tns:") or name in emitted:
            continue
        assert name is not None
        emitted.add(name)
        if name in ENUMS:
            _enum_decl(schema, name)
        else:
            complex_type = etree.SubElement(schema, _s("complexType"), name=name)
            _sequence(complex_type, COMPLEX_TYPES[name])
            _add_types_for(schema, COMPLEX_TYPES[name], emitted)


def _enum_decl(schema: etree._Element, name: str) -> None:
    simple = etree.SubElement(schema, _s("simpleType"), name=name)
    restriction = etree.SubElement(simple, _s("restriction"), base="s:string")
    for value in ENUMS[name]:
        etree.SubElement(restriction, _s("enumeration"), value=value)


def _add_messages(root: etree._Element, op: Operation) -> None:
    for suffix, element in (("SoapIn", op.name), ("SoapOut", f"{op.name}Response")):
        message = etree.SubElement(root, _w("message"), name=f"{op.name}{suffix}")
        etree.SubElement(message, _w("part"), name="parameters", element=f"tns:{element}")


def _add_port_type(root: etree._Element) -> None:
    port_type = etree.SubElement(root, _w("portType"), name="soapAppSoap")
    for op in OPERATIONS:
        operation = etree.SubElement(port_type, _w("operation"), name=op.name)
        etree.SubElement(operation, _w("input"), message=f"tns:{op.name}SoapIn")
        etree.SubElement(operation, _w("output"), message=f"tns:{op.name}SoapOut")


def _add_binding(root: etree._Element, name: str, namespace: str) -> None:
    binding = etree.SubElement(root, _w("binding"), name=name, type="tns:soapAppSoap")
    etree.SubElement(binding, f"{{{namespace}}}binding", transport=HTTP_TRANSPORT)
    for op in OPERATIONS:
        operation = etree.SubElement(binding, _w("operation"), name=op.name)
        etree.SubElement(
            operation, f"{{{namespace}}}operation", soapAction=op.soap_action, style="document"
        )
        for direction in ("input", "output"):
            holder = etree.SubElement(operation, _w(direction))
            etree.SubElement(holder, f"{{{namespace}}}body", use="literal")


def _add_service(root: etree._Element, address: str) -> None:
    service = etree.SubElement(root, _w("service"), name="soapApp")
    for name, namespace in BINDINGS:
        port = etree.SubElement(service, _w("port"), name=name, binding=f"tns:{name}")
        etree.SubElement(port, f"{{{namespace}}}address", location=address)

"""Bad input gets a SOAP Fault (or a clear HTTP error), never an entity expansion, and the
sandbox keeps serving afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests
from lxml import etree

from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.builders import Api, error_code

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
TNS = "http://www.e-boekhouden.nl/soap"


def envelope(inner: str, soap_ns: str = SOAP11, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<soap:Envelope xmlns:soap="{soap_ns}">'
            f"<soap:Body>{inner}</soap:Body></soap:Envelope>").encode()


def post(sb: SandboxProcess, body: bytes, action: str | None = None,
         soap12: bool = False) -> requests.Response:
    if soap12:
        headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{action}"'}
    else:
        headers = {"Content-Type": "text/xml; charset=utf-8"}
        if action is not None:
            headers["SOAPAction"] = f'"{action}"'
    return requests.post(sb.endpoint, data=body, headers=headers, timeout=20)


def fault_string(response: requests.Response) -> str:
    assert response.status_code == 500, response.text
    root = etree.fromstring(response.content)
    text = root.findtext(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault/faultstring")
    assert text, response.text
    return text


def get_relaties(session_id: str, code_2: str, id_value: str = "0", extra: str = "") -> str:
    return (f'<GetRelaties xmlns="{TNS}"><SessionID>{session_id}</SessionID>'
            f"<SecurityCode2>{code_2}</SecurityCode2><cFilter><Code>K1</Code>"
            f"<ID>{id_value}</ID>{extra}</cFilter></GetRelaties>")


def add_mutatie(api: Api, soort: str = "FactuurVerstuurd", nr: str = "0") -> str:
    return (f'<AddMutatie xmlns="{TNS}"><SessionID>{api.session_id}</SessionID>'
            f"<SecurityCode2>{api.guid}</SecurityCode2><oMut><MutatieNr>{nr}</MutatieNr>"
            f"<Soort>{soort}</Soort><Datum>2024-05-01</Datum></oMut></AddMutatie>")


@pytest.fixture(autouse=True)
def still_serving(sb: SandboxProcess, api: Api) -> Iterator[None]:
    yield
    assert api.ok("GetRelaties", cFilter={"ID": 0})  # whatever the test sent, we still serve


def test_malformed_xml(sb: SandboxProcess) -> None:
    message = fault_string(post(sb, b"<soap:Envelope><unclosed>", f"{TNS}/GetRelaties"))
    assert "There is an error in XML document" in message


def test_wrong_envelope_namespace(sb: SandboxProcess, api: Api) -> None:
    body = envelope(get_relaties(api.session_id, api.guid), soap_ns="urn:not-soap")
    assert "SOAP version mismatch" in fault_string(post(sb, body, f"{TNS}/GetRelaties"))


def test_wrong_operation_namespace(sb: SandboxProcess, api: Api) -> None:
    inner = get_relaties(api.session_id, api.guid).replace(TNS, TNS + "/")  # trailing slash
    assert "did not recognize" in fault_string(post(sb, envelope(inner)))
    assert "does not match SOAPAction" in fault_string(
        post(sb, envelope(inner), f"{TNS}/GetRelaties"))


def test_unknown_soap_action(sb: SandboxProcess, api: Api) -> None:
    body = envelope(get_relaties(api.session_id, api.guid))
    message = fault_string(post(sb, body, f"{TNS}/DeleteEverything"))
    assert message == (f"Server did not recognize the value of HTTP Header SOAPAction: "
                       f"{TNS}/DeleteEverything.")
    assert "does not match" in fault_string(post(sb, body, f"{TNS}/GetArtikelen"))


def test_dispatch_on_body_element_without_soap_action(sb: SandboxProcess, api: Api) -> None:
    answer = post(sb, envelope(get_relaties(api.session_id, api.guid)))
    assert answer.status_code == 200
    assert b"<GetRelatiesResult>" in answer.content


def test_text_in_a_numeric_field(sb: SandboxProcess, api: Api) -> None:
    body = envelope(get_relaties(api.session_id, api.guid, id_value="twelve"))
    assert "Input string was not in a correct format" in fault_string(post(sb, body))
    assert "Input string" in fault_string(post(sb, envelope(add_mutatie(api, nr="1.5"))))


@pytest.mark.parametrize("inner", [
    lambda api: add_mutatie(api, soort="Factuur"),
    lambda api: add_mutatie(api, soort="factuurverstuurd"),
    lambda api: (f'<GetOpenPosten xmlns="{TNS}"><SessionID>{api.session_id}</SessionID>'
                 f"<OpSoort>Klanten</OpSoort></GetOpenPosten>"),
])
def test_invalid_enum_value(sb: SandboxProcess, api: Api, inner: Callable[[Api], str]) -> None:
    assert "is not a valid value" in fault_string(post(sb, envelope(inner(api))))


def test_invalid_date_and_boolean(sb: SandboxProcess, api: Api) -> None:
    bad_date = add_mutatie(api).replace("2024-05-01", "01-05-2024")
    assert "not a valid AllXsd value" in fault_string(post(sb, envelope(bad_date)))
    bad_month = add_mutatie(api).replace("2024-05-01", "2024-13-01")
    assert "not a valid AllXsd value" in fault_string(post(sb, envelope(bad_month)))
    inner = (f'<GetSaldo xmlns="{TNS}"><cFilter><GbCode>1</GbCode><KostenPlaatsId>x'
             f"</KostenPlaatsId></cFilter></GetSaldo>")
    assert "Input string" in fault_string(post(sb, envelope(inner)))
    nil_long = get_relaties(api.session_id, api.guid).replace(
        "<ID>0</ID>", '<ID xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                      'xsi:nil="true"/>')
    assert "not nillable" in fault_string(post(sb, envelope(nil_long)))


def test_schema_strictness_is_a_setting(sb: SandboxProcess, api: Api) -> None:
    missing_id = get_relaties(api.session_id, api.guid).replace("<ID>0</ID>", "")
    assert post(sb, envelope(missing_id)).status_code == 200  # read as 0, as ASP.NET does
    typo = get_relaties(api.session_id, api.guid, extra="<Trefwoordd>x</Trefwoordd>")
    assert "Unexpected element" in fault_string(post(sb, envelope(typo)))
    twice = get_relaties(api.session_id, api.guid, extra="<ID>1</ID>")
    assert "occurs more than once" in fault_string(post(sb, envelope(twice)))
    sb.set_settings(strict_schema=False)  # ASP.NET's own leniency: skip the unknown element
    assert post(sb, envelope(typo)).status_code == 200
    assert post(sb, envelope(twice)).status_code == 200


def test_lenient_schema_reads_missing_values_as_defaults(sb: SandboxProcess, api: Api) -> None:
    sb.set_settings(strict_schema=False)
    auth = f"<SessionID>{api.session_id}</SessionID><SecurityCode2>{api.guid}</SecurityCode2>"
    for inner in (f'<GetOpenPosten xmlns="{TNS}">{auth}</GetOpenPosten>',
                  f'<GetFacturen xmlns="{TNS}">{auth}<cFilter/></GetFacturen>',
                  f'<GetMutaties xmlns="{TNS}">{auth}</GetMutaties>',
                  f'<GetSaldi xmlns="{TNS}">{auth}</GetSaldi>'):
        answer = post(sb, envelope(inner))
        assert answer.status_code == 200, answer.text
        assert b"<LastErrorCode/>" in answer.content


def test_a_10_mb_body_is_refused(sb: SandboxProcess, api: Api) -> None:
    padding = "x" * (10 * 1024 * 1024)
    body = envelope(get_relaties(api.session_id, api.guid).replace("K1", padding))
    answer = post(sb, body, f"{TNS}/GetRelaties")
    assert answer.status_code == 413
    assert b"exceeds the limit" in answer.content
    assert etree.fromstring(answer.content).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault") \
        is not None


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + "]>"
)


def test_billion_laughs_is_not_expanded(sb: SandboxProcess, api: Api) -> None:
    inner = get_relaties(api.session_id, api.guid).replace("K1", "&lol9;")
    answer = post(sb, envelope(inner, prolog=BILLION_LAUGHS), f"{TNS}/GetRelaties")
    assert "DTD is prohibited" in fault_string(answer)
    assert b"lollol" not in answer.content


def test_external_entities_are_not_fetched(sb: SandboxProcess, api: Api) -> None:
    prolog = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    inner = get_relaties(api.session_id, api.guid).replace("K1", "&xxe;")
    answer = post(sb, envelope(inner, prolog=prolog), f"{TNS}/GetRelaties")
    assert "DTD is prohibited" in fault_string(answer)
    assert b"root:" not in answer.content


def test_soap12_faults_use_the_soap12_shape(sb: SandboxProcess, api: Api) -> None:
    body = envelope(get_relaties(api.session_id, api.guid, id_value="NaN"), soap_ns=SOAP12)
    answer = post(sb, body, f"{TNS}/GetRelaties", soap12=True)
    assert answer.status_code == 500
    assert answer.headers["Content-Type"].startswith("application/soap+xml")
    root = etree.fromstring(answer.content)
    fault = root.find(f"{{{SOAP12}}}Body/{{{SOAP12}}}Fault")
    assert fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value") == "soap:Sender"
    assert "Input string" in fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text")


def test_soap12_request_gets_a_soap12_answer(sb: SandboxProcess, api: Api) -> None:
    body = envelope(get_relaties(api.session_id, api.guid), soap_ns=SOAP12)
    answer = post(sb, body, f"{TNS}/GetRelaties", soap12=True)
    assert answer.status_code == 200
    assert etree.fromstring(answer.content).tag == f"{{{SOAP12}}}Envelope"


def test_business_errors_are_http_200(sb: SandboxProcess, api: Api) -> None:
    answer = post(sb, envelope(add_mutatie(api, soort="OpeningsSaldo")), f"{TNS}/AddMutatie")
    assert answer.status_code == 200
    root = etree.fromstring(answer.content)
    assert root.findtext(f".//{{{TNS}}}LastErrorCode") == "CMUT008"
    assert root.findtext(f".//{{{TNS}}}Mutatienummer") == "0"  # value fields are always there


def test_other_http_methods_and_pages(sb: SandboxProcess) -> None:
    assert requests.put(sb.endpoint, data=b"x", timeout=10).status_code == 405
    page = requests.get(sb.endpoint, timeout=10)
    assert page.status_code == 200 and "AddMutatie" in page.text
    assert requests.get(f"{sb.url}/nope", timeout=10).status_code == 404


def test_empty_session_result_fields_are_empty_not_missing(sb: SandboxProcess, api: Api) -> None:
    answer = post(sb, envelope(get_relaties(api.session_id, api.guid)), f"{TNS}/GetRelaties")
    assert b"<LastErrorCode/><LastErrorDescription/>" in answer.content
    assert b"<Relaties/>" in answer.content
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) is None

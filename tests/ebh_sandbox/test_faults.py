"""Fault injection: latency, HTTP 500, timeouts, apply-then-drop, malformed answers, session
expiry after N calls, password changes; per operation, reproducible with a seed; stats."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
import zeep
from zeep.transports import Transport

from ebh_sandbox.testing import BINDING, SandboxError, SandboxProcess
from tests.ebh_sandbox.builders import Api, error_code, mutation, relation


@pytest.fixture
def booker(api: Api) -> Api:
    api.add_relation("K001")
    return api


@pytest.fixture
def impatient(sb: SandboxProcess, zeep_client: zeep.Client, account: dict) -> Api:
    """A session whose client gives up reading after 0.5 s."""
    client = zeep.Client(sb.wsdl_url, transport=Transport(timeout=5, operation_timeout=0.5))
    api = Api(client.create_service(BINDING, sb.endpoint), account)
    api.add_relation("K001")
    return api


def wait_for(condition: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_latency_is_added_to_selected_operations(sb: SandboxProcess, api: Api) -> None:
    sb.set_faults(latency_ms=300, jitter_ms=50, operations=["GetRelaties"])
    started = time.monotonic()
    api.ok("GetRelaties", cFilter={"ID": 0})
    assert time.monotonic() - started >= 0.3  # a sleep never ends early
    api.ok("GetKostenplaatsen", cFilter={})
    assert sb.stats()["delayed"] == {"GetRelaties": 1}


def test_http_500_does_not_apply_the_operation(sb: SandboxProcess, booker: Api) -> None:
    sb.set_faults(http500_rate=1.0, operations=["AddMutatie"])
    with pytest.raises(zeep.exceptions.Fault) as raised:
        booker("AddMutatie", oMut=mutation())
    assert "Injected HTTP 500" in raised.value.message
    assert sb.mutations(booker.guid) == []
    assert sb.stats()["faults"] == {"http500": 1}
    sb.set_faults()
    assert booker.book() == 1  # the client may simply retry


def test_http_500_is_a_real_soap_fault_on_the_wire(sb: SandboxProcess, api: Api) -> None:
    sb.set_faults(http500_rate=1.0)
    body = (
        '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
        'envelope/"><soap:Body><CloseSession xmlns="http://www.e-boekhouden.nl/soap">'
        f"<SessionID>{api.session_id}</SessionID></CloseSession></soap:Body></soap:Envelope>"
    )
    answer = requests.post(sb.endpoint, data=body, timeout=10, headers={
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '"http://www.e-boekhouden.nl/soap/CloseSession"'})
    assert answer.status_code == 500
    assert b"<faultcode>soap:Server</faultcode>" in answer.content


@pytest.mark.slow
def test_timeout_hangs_then_applies(sb: SandboxProcess, impatient: Api) -> None:
    sb.set_faults(timeout_rate=1.0, hang_seconds=3, operations=["AddMutatie"])
    with pytest.raises(requests.exceptions.ReadTimeout):
        impatient("AddMutatie", oMut=mutation())
    assert sb.mutations(impatient.guid) == []  # not yet ...
    assert wait_for(lambda: len(sb.mutations(impatient.guid)) == 1)  # ... but after the hang
    sb.set_faults()
    assert error_code(impatient("AddMutatie", oMut=mutation())) == "CMUT019"


@pytest.mark.slow
def test_timeout_without_apply_closes_the_connection(sb: SandboxProcess, impatient: Api) -> None:
    sb.set_faults(timeout_rate=1.0, hang_seconds=0.8, timeout_apply=False,
                  operations=["AddMutatie"])
    with pytest.raises(requests.exceptions.ReadTimeout):
        impatient("AddMutatie", oMut=mutation())
    time.sleep(1.2)
    assert sb.mutations(impatient.guid) == []


def test_apply_then_drop_books_but_never_answers(sb: SandboxProcess, booker: Api) -> None:
    sb.set_faults(drop_after_apply_rate=1.0, operations=["AddMutatie"])
    with pytest.raises(requests.exceptions.ConnectionError):
        booker("AddMutatie", oMut=mutation(Factuurnummer="F-DROP"))
    assert sb.bookings_per_invoice(booker.guid) == {"F-DROP": 1}
    # A blind retry is refused by the invoice-number check: the reason to read CMUT019 as
    # "already there". Money kinds have no such protection and would be booked twice.
    with pytest.raises(requests.exceptions.ConnectionError):
        booker("AddMutatie", oMut=mutation(Factuurnummer="F-DROP"))
    sb.set_faults()
    assert error_code(booker("AddMutatie", oMut=mutation(Factuurnummer="F-DROP"))) == "CMUT019"
    assert sb.bookings_per_invoice(booker.guid) == {"F-DROP": 1}
    assert sb.stats()["faults"] == {"drop": 2}


def test_apply_then_drop_on_relations(sb: SandboxProcess, api: Api) -> None:
    sb.set_faults(drop_after_apply_rate=1.0, operations=["AddRelatie"])
    with pytest.raises(requests.exceptions.ConnectionError):
        api("AddRelatie", oRel=relation("K-DROP"))
    sb.set_faults()
    assert error_code(api("AddRelatie", oRel=relation("K-DROP"))) == "CREL001"


def test_malformed_response_after_applying(sb: SandboxProcess, booker: Api) -> None:
    sb.set_faults(malformed_rate=1.0, operations=["AddMutatie"])
    with pytest.raises(zeep.exceptions.TransportError, match="invalid XML"):
        booker("AddMutatie", oMut=mutation())
    assert len(sb.mutations(booker.guid)) == 1
    raw = requests.post(sb.endpoint, timeout=10, data=b"", headers={"SOAPAction": ""})
    assert raw.status_code == 500  # an empty body is still a plain fault, not a fault mode


def test_session_expires_every_nth_data_call(sb: SandboxProcess, api: Api) -> None:
    sb.set_faults(expire_session_every=3)
    codes = [error_code(api("GetRelaties", cFilter={"ID": 0})) for _ in range(3)]
    assert codes == [None, None, "E002.3"]
    # That session is gone; calls on it fail before they count.
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) == "E002.3"
    api.session_id = api.open()  # OpenSession is no data call: it is not counted either
    codes = [error_code(api("GetRelaties", cFilter={"ID": 0})) for _ in range(3)]
    assert codes == [None, None, "E002.3"]
    assert sb.stats()["faults"] == {"session_expired": 2}  # each expiry counted as a fault


def test_password_change_rotates_security_code_1(sb: SandboxProcess, service: Any,
                                                 api: Api) -> None:
    username, old_code = api.account["username"], api.account["security_code_1"]
    answer = sb.set_faults(password_changed=username)
    new_code = answer["rotated"][username]
    assert new_code != old_code and len(new_code) == 32
    assert answer["faults"]["http500_rate"] == 0
    login = {"Username": username, "SecurityCode2": api.guid}
    assert error_code(service.OpenSession(SecurityCode1=old_code, **login)) == "E001.1"
    assert error_code(service.OpenSession(SecurityCode1=old_code, **login)) == "E001.1"
    assert error_code(service.OpenSession(SecurityCode1=new_code, **login)) is None
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) is None  # open sessions live on


def test_password_change_can_end_open_sessions(sb: SandboxProcess, service: Any,
                                               api: Api) -> None:
    sb.set_settings(rotation_ends_sessions=True)
    sb.change_password(api.account["username"])
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) == "E002.3"


def test_seeded_faults_are_reproducible(sb: SandboxProcess, api: Api) -> None:
    def outcomes() -> list[str]:
        sb.set_faults(http500_rate=0.5, seed=42, operations=["GetKostenplaatsen"])
        seen = []
        for _ in range(16):
            try:
                api("GetKostenplaatsen", cFilter={})
                seen.append("ok")
            except zeep.exceptions.Fault:
                seen.append("500")
        return seen

    first = outcomes()
    assert first == outcomes()
    assert {"ok", "500"} == set(first)


def test_stats_count_per_operation_and_administration(sb: SandboxProcess, api: Api) -> None:
    api.ok("GetRelaties", cFilter={"ID": 0})
    api("UpdateRelatie", oRel=relation("NOPE"))
    stats = sb.stats()
    assert stats["operations"] == {"OpenSession": 1, "GetRelaties": 1, "UpdateRelatie": 1}
    assert stats["administrations"][api.guid] == {
        "total": 3, "operations": {"OpenSession": 1, "GetRelaties": 1, "UpdateRelatie": 1}}
    assert stats["errors"] == {"CREL002": 1}
    assert stats["total"] == 3
    sb.reset()
    assert sb.stats() == {"total": 0, "operations": {}, "administrations": {}, "errors": {},
                          "faults": {}, "delayed": {}, "peak_in_flight": 0}


@pytest.mark.parametrize("bad", [
    {"http500_rate": 1.5}, {"http500_rate": 0.6, "drop_after_apply_rate": 0.6},
    {"operations": ["NoSuchOperation"]}, {"no_such_fault": 1}, {"latency_ms": "slow"},
])
def test_invalid_fault_configurations_are_refused(sb: SandboxProcess, bad: dict) -> None:
    with pytest.raises(SandboxError, match="400"):
        sb.set_faults(**bad)

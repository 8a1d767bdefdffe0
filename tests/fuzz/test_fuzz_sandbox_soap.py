"""The sandbox's SOAP parser under mutated envelopes (random bytes, truncation, deep nesting,
huge attributes, wrong namespaces, odd field text, DTDs): the answer is a client Fault or a
well-formed result with LastErrorCode, never a crash or a hang; a refused request stores
nothing, and the sandbox keeps serving."""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.ebh_sandbox.builders import Api, mutation, relation
from tests.ebh_sandbox.test_bad_input import BILLION_LAUGHS, SOAP11, SOAP12, TNS, post
from tests.fuzz import strategies as fz

FAULT_CODES = {"soap:Client", "soap:Sender"}  # soap:Server / Receiver: the sandbox crashed
XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")),
                   max_size=60)
FIELD_TEXT = st.one_of(st.sampled_from(fz.ODD_NUMBERS + fz.ODD_DATES), XML_TEXT,
                       st.sampled_from(["FactuurVerstuurd", "factuurverstuurd", "EX", "IN",
                                        "true", "2", "-0", "0" * 400, "9" * 40]),
                       st.sampled_from([text for text in fz.ODD_STRINGS if "\x00" not in text]))
PROLOGS = [BILLION_LAUGHS, '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
           '<!DOCTYPE soap:Envelope SYSTEM "http://127.0.0.1:9/x.dtd">', "<!ENTITY a 'b'>"]
OPERATIONS = ["AddMutatie", "AddRelatie", "GetRelaties"]


@pytest.fixture
def envelopes(zeep_client, api: Api) -> dict[str, bytes]:
    """Valid requests as zeep sends them, one per operation."""
    arguments = {"AddMutatie": {"oMut": mutation()}, "AddRelatie": {"oRel": relation("K77")},
                 "GetRelaties": {"cFilter": {"ID": 0}}}
    return {
        name: etree.tostring(zeep_client.create_message(
            api.service, name, SessionID=api.session_id, SecurityCode2=api.guid, **kwargs))
        for name, kwargs in arguments.items()
    }


def _leaves(root) -> list:
    return [el for el in root.iter() if isinstance(el.tag, str) and len(el) == 0]


@st.composite
def mutated(draw, body: bytes) -> bytes:
    root = etree.fromstring(body)
    leaves = _leaves(root)
    leaf = leaves[draw(st.integers(0, len(leaves) - 1))]
    kind = draw(st.sampled_from(["text", "text", "text", "bytes", "truncate", "nest",
                                 "attribute", "namespace", "prolog", "splice"]))
    event(f"mutation: {kind}")
    if kind == "text":
        leaf.text = draw(FIELD_TEXT)
    elif kind == "nest":
        depth = draw(st.integers(1, 5000))
        leaf.text = "NEST-HERE"  # a marker, replaced with the nested elements
        return etree.tostring(root).replace(b"NEST-HERE", b"<a>" * depth + b"</a>" * depth)
    elif kind == "attribute":
        leaf.set("huge", "x" * draw(st.integers(1, 2_000_000)))
    body = etree.tostring(root)
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    if kind == "truncate":
        return body[: draw(st.integers(0, len(body) - 1))]
    if kind == "namespace":
        old = draw(st.sampled_from([TNS, SOAP11]))
        return body.replace(old.encode(), draw(st.sampled_from(
            [SOAP12, TNS + "/", "urn:x", "", "http://www.e-boekhouden.nl/SOAP"])).encode())
    if kind == "prolog":
        return b'<?xml version="1.0"?>' + draw(st.sampled_from(PROLOGS)).encode() + body
    if kind == "splice":
        at = draw(st.integers(0, len(body)))
        return body[:at] + draw(st.binary(min_size=1, max_size=20)) + body[at:]
    return body


def _stored(sb, guid: str) -> tuple[int, int]:
    return len(sb.mutations(guid)), len(sb.relations(guid))


def _assert_answer(response) -> bool:
    """A client Fault (False) or a well-formed result (True if it carries no error code)."""
    assert response.status_code in (200, 400, 413, 500), response.status_code
    event(f"HTTP {response.status_code}")
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    fault12 = root.find(f"{{{SOAP12}}}Body/{{{SOAP12}}}Fault")
    if response.status_code != 200:
        assert fault is not None or fault12 is not None, response.text[:500]
        code = fault.findtext("faultcode") if fault is not None else fault12.findtext(
            f"{{{SOAP12}}}Code/{{{SOAP12}}}Value")
        assert code in FAULT_CODES, response.text[:2000]
        return False
    codes = root.findall(f".//{{{TNS}}}LastErrorCode")
    assert codes, response.text[:2000]
    return not any(code.text for code in codes)


@settings(fz.FUZZ, max_examples=60)
@given(data=st.data())
def test_fuzz_soap_parser(sb, api, envelopes, data):
    operation = data.draw(st.sampled_from(OPERATIONS))
    body = data.draw(mutated(envelopes[operation]))
    action = data.draw(st.sampled_from([None, f"{TNS}/{operation}", f"{TNS}/GetRelaties"]))
    before = _stored(sb, api.guid)
    accepted = _assert_answer(post(sb, body, action))
    after = _stored(sb, api.guid)
    if accepted and operation != "GetRelaties":
        assert sum(after) - sum(before) <= 1
    else:
        assert after == before
    assert api.ok("GetRelaties", cFilter={"ID": 0})  # whatever came in, we still serve

"""The SOAP side's fault injection on REST calls, and throttling."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.rest_builders import Rest, error


def test_http500_applies_nothing(sb: SandboxProcess, rest: Rest) -> None:
    body = rest.sales_invoice(rest.add_relation())
    sb.set_faults(http500_rate=1.0, operations=["AddMutatie"])
    assert error(rest.post("/v1/mutation", body)) == (500, "ERR_001")
    assert rest.get("/v1/ledger").ok  # only the selected operation fails
    sb.set_faults()
    assert rest.ok("GET", "/v1/mutation")["count"] == 0


def test_apply_then_drop_is_settled_by_a_lookup(sb: SandboxProcess, rest: Rest) -> None:
    body = rest.sales_invoice(rest.add_relation(), "F-DROP")
    sb.set_faults(drop_after_apply_rate=1.0, operations=["AddMutatie"])
    with pytest.raises(requests.ConnectionError):
        rest.post("/v1/mutation", body)
    sb.set_faults()
    found = rest.ok("GET", "/v1/mutation", invoiceNumber="F-DROP")
    assert found["count"] == 1  # booked, though the client never heard of it
    assert error(rest.post("/v1/mutation", body)) == (400, "MUT_019")
    assert sb.stats()["faults"] == {"drop": 1}


def test_a_timeout_that_applies_late(sb: SandboxProcess, rest: Rest) -> None:
    body = rest.sales_invoice(rest.add_relation(), "F-LATE")
    sb.set_faults(timeout_rate=1.0, hang_seconds=0.3, operations=["AddMutatie"])
    with pytest.raises(requests.Timeout):
        rest.http.post(f"{rest.base_url}/v1/mutation", json=body,
                       headers={"Authorization": rest.token}, timeout=0.1)
    sb.set_faults()
    for _ in range(200):  # the sandbox applies once its hang is over: wait for that state
        if rest.ok("GET", "/v1/mutation", invoiceNumber="F-LATE")["count"]:
            break
        time.sleep(0.05)
    assert rest.ok("GET", "/v1/mutation", invoiceNumber="F-LATE")["count"] == 1


def test_a_malformed_answer_is_not_json(sb: SandboxProcess, rest: Rest) -> None:
    sb.set_faults(malformed_rate=1.0, operations=["GetGrootboekrekeningen"])
    answer = rest.get("/v1/ledger")
    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)


def test_every_nth_data_call_ends_the_session(sb: SandboxProcess, rest: Rest) -> None:
    sb.set_faults(expire_session_every=2)
    assert rest.get("/v1/ledger").ok
    assert error(rest.get("/v1/ledger")) == (401, "SECURITY_010")
    assert error(rest.get("/v1/ledger")) == (401, "SECURITY_010")  # that session is over
    rest.token = rest.open()
    assert rest.get("/v1/ledger").ok
    assert sb.stats()["faults"] == {"session_expired": 1}  # counted as the fault it is


def test_throttling_answers_429_with_retry_after_and_applies_nothing(
        sb: SandboxProcess, rest: Rest) -> None:
    body = rest.sales_invoice(rest.add_relation(), "F-BURST")
    sb.set_faults(throttle_burst=2, throttle_window_s=60)
    assert rest.get("/v1/ledger").ok
    assert rest.get("/v1/ledger").ok
    refused = rest.post("/v1/mutation", body)
    assert error(refused) == (429, "SANDBOX_THROTTLED")
    # Whole seconds until the 60-second window reopens: a fact of the answer, not a time taken.
    assert refused.headers["Retry-After"].isdecimal()
    assert int(refused.headers["Retry-After"]) in range(1, 61)
    sb.set_faults()
    assert rest.ok("GET", "/v1/mutation", invoiceNumber="F-BURST")["count"] == 0
    assert sb.stats()["faults"] == {"throttle": 1}


def test_throttling_counts_per_session(sb: SandboxProcess, account: dict[str, Any],
                                       rest: Rest) -> None:
    other = Rest(sb.rest_url, account["api_token"])
    sb.set_faults(throttle_burst=1, throttle_window_s=60)
    assert rest.get("/v1/ledger").ok
    assert other.get("/v1/ledger").ok
    assert rest.get("/v1/ledger").status_code == 429

"""How the REST client fails, against the sandbox over HTTP: SOAP's error classes, one
transparent session renewal, refused tokens that need the user, throttling waited out within
bounds, and ambiguous versus certainly-not-applied faults."""

import datetime
import logging
import sys
from decimal import Decimal

import pytest
import requests
from django.views.debug import ExceptionReporter

from eboekhouden.client import (
    ApiToken,
    AuthenticationError,
    InvoiceData,
    InvoiceLine,
    MutationData,
    MutationLine,
    RejectedError,
    RelationData,
    SessionError,
    TransientError,
)
from eboekhouden.rest import error_for_status
from tests.eboekhouden.rest_helpers import make_client

DAY = datetime.date(2026, 3, 2)


def _sale(number: str) -> MutationData:
    line = MutationLine(Decimal("50.00"), Decimal("10.50"), Decimal("60.50"), "HOOG_VERK_21",
                        Decimal(21), "8000")
    return MutationData(kind="FactuurVerstuurd", date=DAY, account="1300", relation_code="C1",
                        invoice_number=number, description="Factuur", payment_term_days=14,
                        lines=(line,))


@pytest.fixture
def customer(rest, session):
    return rest.add_relatie(session, RelationData(code="C1", name="Klant"))


# --- sessions and tokens -----------------------------------------------------------------------


def test_a_session_the_service_forgot_is_renewed_once(rest, rest_sandbox, session):
    token = rest._sessions[session.session_id].token
    requests.delete(f"{rest_sandbox.url}/v1/session", headers={"Authorization": token},
                    timeout=5)
    assert rest.get_grootboekrekeningen(session, category="DEB")
    assert rest.count("POST", "/v1/session") == 2
    assert ("GET", "/v1/ledger", 401) in rest.calls
    rest.close_session(session)  # closes the renewed session
    assert rest.calls[-1] == ("DELETE", "/v1/session", 204)


def test_a_session_that_keeps_expiring_is_a_session_error(rest, rest_sandbox, session):
    rest_sandbox.set_faults(expire_session_every=1, operations=["GetGrootboekrekeningen"])
    with pytest.raises(SessionError) as caught:
        rest.get_grootboekrekeningen(session)
    assert caught.value.code == "SECURITY_010"
    assert rest.count("GET", "/v1/ledger") == 2  # tried, renewed, tried once more


@pytest.mark.parametrize("value", ["no-such-token", ""])
def test_an_unknown_or_empty_token_needs_the_user(rest, value):
    with pytest.raises(AuthenticationError) as caught:
        rest.open_session(ApiToken(value))
    assert caught.value.code.startswith(("API_SESSION_", "SECURITY_"))
    assert "API token" in caught.value.user_message


def test_a_revoked_token_needs_a_new_one(rest, rest_sandbox, account, token):
    rest_sandbox.revoke_api_token(token.token)
    with pytest.raises(AuthenticationError) as caught:
        rest.open_session(token)
    assert "revoked" in caught.value.user_message
    assert token.token not in str(caught.value)


def test_an_expired_token_says_so(rest, rest_sandbox, account):
    expired = ApiToken(rest_sandbox.add_api_token(account["administrations"][0],
                                                expires_in_s=-60))
    with pytest.raises(AuthenticationError) as caught:
        rest.open_session(expired)
    assert caught.value.code == "API_SESSION_004"
    assert "expired" in caught.value.user_message


def test_a_token_revoked_during_a_session_is_reported_at_renewal(rest, rest_sandbox, session):
    state = rest._sessions[session.session_id]
    rest_sandbox.revoke_api_token(state.api_token.token)
    requests.delete(f"{rest_sandbox.url}/v1/session", headers={"Authorization": state.token},
                    timeout=5)
    with pytest.raises(AuthenticationError):
        rest.get_kostenplaatsen(session)


# --- throttling --------------------------------------------------------------------------------


def test_throttling_is_waited_out_within_bounds(rest_sandbox, token):
    client = make_client(rest_sandbox, throttle_retries=2, max_throttle_wait=1.0)
    with client.session(token) as session:
        rest_sandbox.set_faults(throttle_burst=1, throttle_window_s=0.5)
        client.get_kostenplaatsen(session)
        assert client.get_kostenplaatsen(session)
        rest_sandbox.set_faults()
    statuses = [status for method, path, status in client.calls if path == "/v1/costcenter"]
    assert 429 in statuses and statuses[-1] == 200


def test_throttling_beyond_the_retries_is_transient_and_not_ambiguous(rest_sandbox, token):
    client = make_client(rest_sandbox, throttle_retries=0)
    with client.session(token) as session:
        client.add_relatie(session, RelationData(code="C1", name="Klant"))
        rest_sandbox.set_faults(throttle_burst=1, throttle_window_s=30)
        client.get_kostenplaatsen(session)
        with pytest.raises(TransientError) as caught:
            client.add_mutatie(session, _sale("F-T1"))
        rest_sandbox.set_faults()
    assert caught.value.kind == TransientError.THROTTLED and not caught.value.ambiguous
    assert "too many requests" in caught.value.user_message


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fault", "kind"), [
    ({"http500_rate": 1.0}, TransientError.SERVER_ERROR),
    ({"malformed_rate": 1.0}, TransientError.MALFORMED),
    ({"drop_after_apply_rate": 1.0}, TransientError.DROPPED),
])
def test_a_failed_booking_is_ambiguous(rest, rest_sandbox, session, customer, fault, kind):
    rest_sandbox.set_faults(operations=["AddMutatie"], **fault)
    with pytest.raises(TransientError) as caught:
        rest.add_mutatie(session, _sale("F-A1"))
    assert caught.value.kind == kind and caught.value.ambiguous
    rest_sandbox.set_faults()
    # The exactly-once look-up: by invoice number, before sending again.
    found = rest.get_mutaties(session, invoice_number="F-A1", date_from=DAY, date_to=DAY)
    assert len(found) == (0 if kind == TransientError.SERVER_ERROR else 1)


def test_a_dropped_invoice_is_found_by_its_number(rest, rest_sandbox, session, customer):
    invoice = InvoiceData(
        invoice_number="2026-0100", relation_code="C1", date=DAY, payment_term_days=30,
        template="Standaard", booking_description="Werkbon",
        lines=(InvoiceLine("", "Advies", Decimal(1), "uur", Decimal("80.00"), "HOOG_VERK_21",
                           "8000"),))
    rest_sandbox.set_faults(operations=["AddFactuur"], drop_after_apply_rate=1.0)
    with pytest.raises(TransientError) as caught:
        rest.add_factuur(session, invoice)
    rest_sandbox.set_faults()
    assert caught.value.kind == TransientError.DROPPED and caught.value.ambiguous
    [found] = rest.get_facturen(session, invoice_number="2026-0100", date_from=DAY, date_to=DAY)
    assert (found.relation_code, found.gross_total) == ("C1", Decimal("96.80"))
    with pytest.raises(RejectedError) as again:
        rest.add_factuur(session, invoice)
    assert again.value.code == "FACT_101"


def test_a_failed_read_is_not_ambiguous(rest, rest_sandbox, session):
    rest_sandbox.set_faults(operations=["GetGrootboekrekeningen"], http500_rate=1.0)
    with pytest.raises(TransientError) as caught:
        rest.get_grootboekrekeningen(session)
    assert caught.value.kind == TransientError.SERVER_ERROR and not caught.value.ambiguous


def test_a_read_timeout_after_sending_is_ambiguous(rest_sandbox, token):
    client = make_client(rest_sandbox, read_timeout=0.5)
    with client.session(token) as session:
        client.add_relatie(session, RelationData(code="C1", name="Klant"))
        rest_sandbox.set_faults(latency_ms=1500, operations=["AddMutatie"])
        with pytest.raises(TransientError) as caught:
            client.add_mutatie(session, _sale("F-T2"))
        rest_sandbox.set_faults()
    assert caught.value.kind == TransientError.TIMEOUT and caught.value.ambiguous


def test_unreachable_is_not_ambiguous(token):
    client = make_client(type("Closed", (), {"rest_url": "http://127.0.0.1:9"})())
    with pytest.raises(TransientError) as caught:
        client.open_session(token)
    assert caught.value.kind == TransientError.UNREACHABLE and not caught.value.ambiguous


def test_tokens_never_reach_the_log(rest, rest_sandbox, token, caplog):
    caplog.set_level(logging.DEBUG)
    with rest.session(token) as session:
        session_token = rest._sessions[session.session_id].token
        rest.get_kostenplaatsen(session)
    assert token.token not in caplog.text and session_token not in caplog.text


# --- error answers -----------------------------------------------------------------------------


def test_error_answers_map_onto_the_soap_classes():
    def error(status, code="", **body):
        return error_for_status(status, {"code": code, "title": "t", **body})

    assert isinstance(error(401, "SECURITY_010"), SessionError)
    assert isinstance(error(401), SessionError)
    assert isinstance(error(400, "API_SESSION_004"), AuthenticationError)
    assert isinstance(error(403, "SECURITY_003"), AuthenticationError)
    assert isinstance(error(400, "API_SESSION_002"), RejectedError)
    assert isinstance(error(400, "SECURITY_007"), RejectedError)
    for code in ("MUT_019", "MUT_020", "FACT_101"):
        rejected = error(400, code)
        assert isinstance(rejected, RejectedError) and rejected.code == code
    assert error(404).code == "HTTP_404"
    server = error_for_status(502, {}, writes=True)
    assert server.kind == TransientError.SERVER_ERROR and server.ambiguous
    assert not error_for_status(500, {}).ambiguous
    pascal = error_for_status(400, {"Code": "MUT_019", "Message": "Invoice number exists"})
    assert (pascal.code, pascal.description) == ("MUT_019", "Invoice number exists")


def _report_of_a_bug(rest, session) -> str:
    """The Django error report of an unexpected exception inside a REST call (this frame, the
    first of the traceback, holds no secret of its own)."""

    def bug(response, *args, **kwargs):
        raise KeyError("a bug while reading the answer")

    rest.http.hooks["response"].append(bug)
    try:
        rest.get_kostenplaatsen(session)
    except KeyError:
        report = ExceptionReporter(None, *sys.exc_info())
        return report.get_traceback_text() + report.get_traceback_html()
    finally:
        rest.http.hooks["response"].remove(bug)
    pytest.fail("the bug was swallowed")


def test_an_error_report_shows_no_token(rest, token, session):
    text = _report_of_a_bug(rest, session)
    # Every frame under a @sensitive method is masked: requests' and urllib3's too.
    assert "a bug while reading the answer" in text and "_send" in text
    state = rest._sessions[session.session_id]
    assert token.token not in text and state.token not in text

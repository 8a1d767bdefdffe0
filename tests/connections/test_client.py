"""The first part of the e-Boekhouden client (eboekhouden.client / eboekhouden.soap) against the
sandbox over HTTP: plain values back, typed errors, the WSDL parsed once per URL."""

import pytest

from connections.clients import ConfiguredSoapClient
from eboekhouden import soap
from eboekhouden.client import (
    AuthenticationError,
    Credentials,
    LimitError,
    RejectedError,
    SessionError,
    TransientError,
    error_for_code,
)
from tests.connections.factories import new_username


def _credentials(account) -> Credentials:
    return Credentials(account["username"], account["security_code_1"],
                       account["security_code_2"])


def test_session_administrations_and_ledgers(account):
    client = ConfiguredSoapClient()
    with client.session(_credentials(account)) as session:
        administrations = client.get_administraties(session)
        ledgers = client.get_grootboekrekeningen(session)
        debtors = client.get_grootboekrekeningen(session, category="DEB")
    assert [a.guid for a in administrations] == [account["security_code_2"]]
    assert administrations[0].city == "Amsterdam"
    assert administrations[0].start_boekjaar.endswith("-01-01")
    assert {"1300", "1600", "4000", "7000", "8000"} <= {lg.code for lg in ledgers}
    assert [(lg.code, lg.category) for lg in debtors] == [("1300", "DEB")]
    assert all(isinstance(lg.id, int) and lg.id > 0 for lg in ledgers)


def test_closed_session_is_a_session_error(account):
    client = ConfiguredSoapClient()
    with client.session(_credentials(account)) as session:
        pass
    with pytest.raises(SessionError) as caught:
        client.get_administraties(session)
    assert caught.value.code == "E002.4"


def test_open_session_sub_on_a_plain_account(ebh):
    account = ebh.add_account(new_username(), administrations=2)
    with pytest.raises(AuthenticationError) as caught:
        ConfiguredSoapClient().open_session_sub(_credentials(account),
                                                account["administrations"][1])
    assert caught.value.code == "E002.5"


@pytest.mark.parametrize(("fault", "kind"), [
    ({"http500_rate": 1.0}, TransientError.SERVER_ERROR),
    ({"malformed_rate": 1.0}, TransientError.MALFORMED),
    ({"drop_after_apply_rate": 1.0}, TransientError.DROPPED),
])
def test_failures_after_sending_are_transient_and_ambiguous(account, ebh, fault, kind):
    ebh.set_faults(operations=["GetAdministraties"], **fault)
    client = ConfiguredSoapClient()
    with client.session(_credentials(account)) as session, \
            pytest.raises(TransientError) as caught:
        client.get_administraties(session)
    assert caught.value.kind == kind
    assert caught.value.ambiguous


def test_unreachable_is_not_ambiguous(account, settings):
    settings.EBH_ENDPOINT_URL = "http://127.0.0.1:9/soap.asmx"
    with pytest.raises(TransientError) as caught:
        ConfiguredSoapClient().open_session(_credentials(account))
    assert caught.value.kind == TransientError.UNREACHABLE
    assert not caught.value.ambiguous


def test_a_failed_tls_handshake_is_unreachable_not_ambiguous(account, ebh, settings):
    """TLS is settled before a byte of the request is sent: a certificate or protocol failure
    is a connection that never happened, not a request that may have been applied."""
    settings.EBH_ENDPOINT_URL = ebh.endpoint.replace("http://", "https://")  # speaks plain HTTP
    with pytest.raises(TransientError) as caught:
        ConfiguredSoapClient().open_session(_credentials(account))
    assert caught.value.kind == TransientError.UNREACHABLE
    assert not caught.value.ambiguous


def test_read_timeout(account, ebh, settings):
    settings.EBH_READ_TIMEOUT = 1
    ebh.set_faults(latency_ms=2500, operations=["OpenSession"])
    with pytest.raises(TransientError) as caught:
        ConfiguredSoapClient().open_session(_credentials(account))
    assert caught.value.kind == TransientError.TIMEOUT
    assert caught.value.ambiguous


def test_wsdl_parsed_once_per_url(ebh):
    first = soap.wsdl_document(ebh.wsdl_url, 10.0)
    assert soap.wsdl_document(ebh.wsdl_url, 10.0) is first
    other_url = ebh.wsdl_url.replace("?wsdl", "?WSDL")
    assert soap.wsdl_document(other_url, 10.0) is not first


def test_error_codes_map_to_classes():
    assert isinstance(error_for_code("E001.1"), AuthenticationError)
    assert isinstance(error_for_code("E002.5"), AuthenticationError)
    assert error_for_code("E0023").code == "E002.3"
    assert isinstance(error_for_code("E0023"), SessionError)
    assert isinstance(error_for_code("E003.1"), LimitError)
    rejected = error_for_code("CMUT019", "Factuurnummer bestaat al.")
    assert isinstance(rejected, RejectedError) and rejected.code == "CMUT019"
    assert "CMUT019" in rejected.user_message


def test_source_is_short_enough(settings):
    assert len(settings.EBH_SOURCE) <= 15

"""Sessions: OpenSession(Sub), CloseSession, AutoLogin, expiry and the E001/E002 codes."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests

from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.builders import Api, error_code, relation
from tests.ebh_sandbox.conftest import unique_username


def open_session(service: Any, account: dict[str, Any], **overrides: Any) -> Any:
    fields = {"Username": account["username"], "SecurityCode1": account["security_code_1"],
              "SecurityCode2": account["security_code_2"], "Source": "pytest", **overrides}
    return service.OpenSession(**fields)


def test_open_session_returns_a_brace_wrapped_guid(service: Any, account: dict) -> None:
    result = open_session(service, account)
    assert error_code(result) is None
    assert result.ErrorMsg.LastErrorDescription is None
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", result.SessionID)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"SecurityCode1": "0" * 32}, "E001.1"),
    ({"Username": "nobody-at-all"}, "E001.1"),
    ({"SecurityCode1": None}, "E001.7"),
    ({"Username": ""}, "E001.7"),
    ({"SecurityCode2": "00000000-0000-0000-0000-000000000000"}, "E001.3"),
])
def test_bad_credentials(service: Any, account: dict, overrides: dict, code: str) -> None:
    result = open_session(service, account, **overrides)
    assert error_code(result) == code
    assert result.ErrorMsg.LastErrorDescription
    assert result.SessionID is None


def test_security_code_2_of_another_account_is_E001_3(sb: SandboxProcess, service: Any,
                                                      account: dict) -> None:
    other = sb.add_account(unique_username())
    result = open_session(service, account, SecurityCode2=other["security_code_2"])
    assert error_code(result) == "E001.3"


def test_account_without_administrations_is_E001_2(sb: SandboxProcess, service: Any) -> None:
    empty = sb.add_account(unique_username(), administrations=0)
    assert empty["administrations"] == []
    assert error_code(open_session(service, empty)) == "E001.2"


def test_user_without_api_rights_is_E001_5(sb: SandboxProcess, service: Any) -> None:
    no_rights = sb.add_account(unique_username(), api_access=False)
    assert error_code(open_session(service, no_rights)) == "E001.5"


def test_security_code_2_selects_the_administration(sb: SandboxProcess, service: Any) -> None:
    acc = sb.add_account(unique_username(), administrations=2)
    first, second = acc["administrations"]
    Api(service, acc, second).add_relation("K-TWEE")
    assert Api(service, acc, first).ok("GetRelaties", cFilter={"ID": 0}).Relaties is None
    assert [r["code"] for r in sb.relations(second)] == ["K-TWEE"]
    listed = Api(service, acc, first).ok("GetAdministraties").Administraties.cAdministratie
    assert [a.Guid for a in listed] == [first, second]
    assert listed[0].StartBoekjaar.endswith("-01-01")


def test_open_session_sub(sb: SandboxProcess, service: Any) -> None:
    accountant = sb.add_account(unique_username("acc"), administrations=3, accountant=True)
    client_admin = accountant["administrations"][2]
    login = {"Username": accountant["username"], "SecurityCode1": accountant["security_code_1"],
             "SecurityCode2": accountant["security_code_2"], "Source": "pytest"}
    result = service.OpenSessionSub(**login, AdministratieGUID=client_admin)
    assert error_code(result) is None
    # Data calls may carry the login's code 2 or the administration's own GUID.
    for code_2 in (accountant["security_code_2"], client_admin):
        added = service.AddRelatie(SessionID=result.SessionID, SecurityCode2=code_2,
                                   oRel=relation(f"K-{code_2[:4]}"))
        assert error_code(added) is None
    assert len(sb.relations(client_admin)) == 2
    assert sb.relations(accountant["administrations"][0]) == []
    unknown = service.OpenSessionSub(**login, AdministratieGUID="NOT-A-GUID")
    assert error_code(unknown) == "E001.2"


def test_open_session_sub_needs_an_accountant(service: Any, account: dict) -> None:
    result = service.OpenSessionSub(
        Username=account["username"], SecurityCode1=account["security_code_1"],
        SecurityCode2=account["security_code_2"], AdministratieGUID=account["security_code_2"])
    assert error_code(result) == "E002.5"


def test_closed_session_is_E002_4(api: Api) -> None:
    assert api.service.CloseSession(SessionID=api.session_id) is None
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) == "E002.4"
    # Closing twice, or closing nonsense, is not an error.
    assert api.service.CloseSession(SessionID=api.session_id) is None
    assert api.service.CloseSession(SessionID="{nonsense}") is None


def test_unknown_and_missing_session(service: Any, account: dict) -> None:
    code_2 = account["security_code_2"]
    unknown = service.GetRelaties(SessionID="{00000000-0000-0000-0000-000000000000}",
                                  SecurityCode2=code_2, cFilter={"ID": 0})
    assert error_code(unknown) == "E002.2"
    missing = service.GetRelaties(SessionID="", SecurityCode2=code_2, cFilter={"ID": 0})
    assert error_code(missing) == "E002.1"


def test_security_code_2_must_match_the_session(sb: SandboxProcess, api: Api) -> None:
    wrong = api.service.GetRelaties(SessionID=api.session_id, SecurityCode2="WRONG",
                                    cFilter={"ID": 0})
    assert error_code(wrong) == "E002.1"
    sb.set_settings(check_security_code_2=False)
    lenient = api.service.GetRelaties(SessionID=api.session_id, SecurityCode2="WRONG",
                                      cFilter={"ID": 0})
    assert error_code(lenient) is None


@pytest.mark.slow
def test_idle_session_expires(sb: SandboxProcess, api: Api) -> None:
    sb.set_settings(session_idle_timeout_s=3.0)  # room for a busy machine before this call
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) is None
    time.sleep(3.3)
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) == "E002.3"
    sb.set_settings(session_idle_timeout_s=1800)
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) == "E002.3"  # stays expired
    api.session_id = api.open()
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) is None


def test_expired_code_spelling_is_a_setting(sb: SandboxProcess, api: Api) -> None:
    sb.set_settings(session_idle_timeout_s=0.2, session_expired_code="E0023")
    time.sleep(0.4)
    assert error_code(api("GetRelaties", cFilter={"ID": 0})) == "E0023"


@pytest.mark.slow
def test_session_survives_a_sandbox_restart(sandbox: SandboxProcess, api: Api) -> None:
    api.add_relation("K-RESTART")
    sandbox.restart()
    found = api.ok("GetRelaties", cFilter={"Code": "K-RESTART", "ID": 0}).Relaties.cRelatie
    assert [r.Code for r in found] == ["K-RESTART"]


def test_auto_login_token_opens_the_web_view_once(sb: SandboxProcess, api: Api) -> None:
    token = api.ok("AutoLogin", Username=api.account["username"]).Token
    url = f"{sb.url}/bh/inloggen.asp"
    params = {"LOGIN": "1", "t": token, "g": api.guid}
    first = requests.get(url, params=params, allow_redirects=False, timeout=10)
    assert first.status_code == 302
    assert first.headers["Location"].startswith("/administratie/")
    second = requests.get(url, params=params, allow_redirects=False, timeout=10)
    assert second.status_code == 403
    assert error_code(api("AutoLogin", Username="someone-else")) == "E001.1"

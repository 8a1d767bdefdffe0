"""Connect dialog: the three codes are verified with OpenSession at the (sandbox) service
before anything is stored; each refusal has its own clear message."""

import pytest
from django.urls import reverse
from django.utils import translation

from connections.models import Connection

URL = "/settings/connections/e-boekhouden/connect/"


def _post(client, account, **changes):
    data = {
        "username": account["username"],
        "security_code_1": account["security_code_1"],
        "security_code_2": account["security_code_2"],
        **changes,
    }
    return client.post(URL, data)


def test_connect_page_has_the_three_fields(client_a, ebh):
    page = client_a.get(URL).content.decode()
    assert "Gebruikersnaam" in page
    assert "Beveiligingscode 1" in page
    assert "Beveiligingscode 2" in page
    assert 'type="password"' in page


def test_connect_verifies_and_stores_encrypted(client_a, org_a, account):
    response = _post(client_a, account)
    connection = Connection.objects.get(organization=org_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("connections:configure", args=[connection.pk])
    assert connection.status == Connection.Status.CONNECTED
    assert connection.credential("security_code_1") == account["security_code_1"]
    assert account["security_code_1"] not in connection.security_code_1_encrypted
    assert connection.connected_at is not None


WRONG = [
    pytest.param(
        {"security_code_1": "0" * 32},
        "De gebruikersnaam of beveiligingscode 1 is onjuist",
        id="wrong-code-1",
    ),
    pytest.param(
        {"username": "nobody-here@example.test"},
        "De gebruikersnaam of beveiligingscode 1 is onjuist",
        id="unknown-user",
    ),
    pytest.param(
        {"security_code_2": "00000000-0000-0000-0000-000000000000"},
        "Beveiligingscode 2 is onjuist",
        id="wrong-code-2",
    ),
]


@pytest.mark.parametrize(("changes", "message"), WRONG)
def test_wrong_credentials_show_a_clear_message_and_store_nothing(
    client_a, org_a, account, changes, message
):
    response = _post(client_a, account, **changes)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert not Connection.objects.filter(organization=org_a).exists()
    # Security code 1 is never sent back into the page; code 2 only when it was not the
    # problem (the user need not look it up again).
    assert account["security_code_1"] not in page
    assert (account["security_code_2"] in page) == ("security_code_2" not in changes)


def test_user_without_api_rights(client_a, org_a, ebh):
    account = ebh.add_account("no-api-" + org_a.name.replace(" ", ""), api_access=False)
    page = _post(client_a, account).content.decode()
    assert "geen rechten om de API te gebruiken" in page
    assert not Connection.objects.filter(organization=org_a).exists()


def test_messages_in_english(client_a, user_a, org_a, account):
    user_a.language = "en"
    user_a.save()
    page = _post(client_a, account, security_code_2="0" * 36).content.decode()
    assert "Security code 2 is wrong" in page
    page = _post(client_a, account, security_code_1="0" * 32).content.decode()
    assert "The username or security code 1 is wrong" in page
    translation.activate("nl")


def test_unreachable_service(client_a, org_a, account, settings):
    settings.EBH_ENDPOINT_URL = "http://127.0.0.1:9/soap.asmx"  # closed port
    page = _post(client_a, account).content.decode()
    assert "e-Boekhouden.nl is niet bereikbaar" in page
    assert not Connection.objects.filter(organization=org_a).exists()


def test_unreachable_wsdl(client_a, org_a, account, settings):
    settings.EBH_WSDL_URL = "http://127.0.0.1:9/soap.asmx?wsdl"
    page = _post(client_a, account).content.decode()
    assert "e-Boekhouden.nl is niet bereikbaar" in page
    assert not Connection.objects.filter(organization=org_a).exists()


def test_timeout(client_a, org_a, account, settings, ebh):
    settings.EBH_READ_TIMEOUT = 1
    ebh.set_faults(timeout_rate=1.0, hang_seconds=3, timeout_apply=False,
                   operations=["OpenSession"])
    page = _post(client_a, account).content.decode()
    assert "e-Boekhouden.nl antwoordde niet op tijd" in page
    assert not Connection.objects.filter(organization=org_a).exists()


def test_server_error(client_a, org_a, account, ebh):
    ebh.set_faults(http500_rate=1.0, operations=["OpenSession"])
    page = _post(client_a, account).content.decode()
    assert "interne fout" in page
    assert not Connection.objects.filter(organization=org_a).exists()


def test_missing_fields_are_form_errors(client_a, org_a, ebh):
    response = client_a.post(URL, {"username": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"security_code_1", "security_code_2"}
    assert not Connection.objects.filter(organization=org_a).exists()


def test_member_cannot_connect(member_client, org_a, account):
    assert member_client.get(URL).status_code == 403
    assert _post(member_client, account).status_code == 403
    assert not Connection.objects.filter(organization=org_a).exists()


def test_reconnecting_replaces_the_codes(client_a, org_a, account, ebh):
    _post(client_a, account)
    other = ebh.add_account("second-" + account["username"])
    _post(client_a, other)
    connection = Connection.objects.get(organization=org_a)
    assert connection.credential("username") == other["username"]
    assert connection.configured_at is None


def test_a_refusal_about_code_1_keeps_the_typed_code_2_but_never_code_1(client_a, account):
    page = _post(client_a, account, security_code_1="0" * 32).content.decode()
    assert "De gebruikersnaam of beveiligingscode 1 is onjuist" in page
    assert f'value="{account["security_code_2"]}"' in page
    assert "0" * 32 not in page and account["security_code_1"] not in page


def test_a_refusal_about_code_2_clears_it(client_a, account):
    wrong = "00000000-0000-0000-0000-000000000000"
    page = _post(client_a, account, security_code_2=wrong).content.decode()
    assert "Beveiligingscode 2 is onjuist" in page and wrong not in page

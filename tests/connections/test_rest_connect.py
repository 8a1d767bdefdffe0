"""Connecting with an API token (REST): verified with a session before it is stored, no
administration to choose; a refused token stores nothing; a new token after "Actie nodig";
switching a connection with security codes over to an API token of the same administration."""

import pytest
from django.urls import reverse

from connections import services
from connections.models import Connection, Transport
from tests.connections.factories import new_username

URL = "/settings/connections/e-boekhouden/connect/"


@pytest.fixture
def rest(ebh, settings):
    settings.EBH_REST_URL = ebh.rest_url
    settings.EBH_REST_CLIENT_CLASS = "connections.clients.ConfiguredRestClient"
    return ebh


def _connect(client, token):
    return client.post(URL, {"method": "token", "api_token": token})


def test_connect_page_offers_the_token_and_the_codes(client_a, rest):
    page = client_a.get(URL).content.decode()
    assert 'data-testid="connect-token"' in page and 'name="api_token"' in page
    assert 'data-testid="connect-codes"' in page and 'name="security_code_1"' in page
    assert page.index('name="api_token"') < page.index('name="security_code_1"')


@pytest.mark.django_db
def test_token_is_verified_stored_encrypted_and_needs_no_administration_choice(
    client_a, org_a, account, rest
):
    response = _connect(client_a, account["api_token"])
    connection = Connection.objects.get(organization=org_a)
    assert response["Location"] == reverse("connections:configure", args=[connection.pk])
    assert connection.transport == Transport.REST and connection.has_credentials
    assert connection.credential("api_token") == account["api_token"]
    assert account["api_token"] not in connection.api_token_encrypted
    assert not connection.security_code_1_encrypted

    page = client_a.get(response["Location"]).content.decode()
    assert 'data-testid="token-administration"' in page
    assert "data-autosubmit" not in page  # the administration select of the codes
    response = client_a.post(response["Location"], {
        "debtor_account": "1300", "creditor_account": "1600",
        "sales_contra_account": "8000", "purchase_contra_account": "4000",
        "invoice_mode": "booking",
    })
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.can_sync
    assert connection.administration_guid() == account["administrations"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(("how", "message"), [
    ("revoke_api_token", "ingetrokken"), ("expire_api_token", "verlopen")])
def test_refused_token_stores_nothing(client_a, org_a, rest, how, message):
    token = rest.add_account(new_username())["api_token"]
    getattr(rest, how)(token)
    response = _connect(client_a, token)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Connection.objects.filter(organization=org_a).exists()


@pytest.mark.django_db
def test_action_needed_offers_a_new_token(client_a, org_a, account, rest):
    connection = services.connection_connect_token(
        organization=org_a, api_token=account["api_token"])
    choices = services.connection_load_choices(connection=connection)
    connection = services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000")
    services.connection_mark_action_needed(connection=connection, reason="API_SESSION_004")
    url = reverse("connections:api_token", args=[connection.pk])
    assert url in client_a.get(reverse("connections:overview")).content.decode()
    banner = client_a.get(URL).content.decode()  # any other page: the banner's button
    assert 'id="connection-banner"' in banner and url in banner
    old = reverse("connections:security_code", args=[connection.pk])
    assert client_a.get(old)["Location"] == url

    rest.revoke_api_token(account["api_token"])
    refused = client_a.post(url, {"api_token": account["api_token"]})
    assert "ingetrokken" in refused.content.decode()
    new_token = rest.add_api_token(account["administrations"][0])
    assert client_a.post(url, {"api_token": new_token}).status_code == 302
    connection.refresh_from_db()
    assert connection.status == Connection.Status.CONNECTED
    assert connection.credential("api_token") == new_token


@pytest.mark.django_db
def test_switch_offered_and_another_administration_refused(client_a, org_a, account, rest):
    connection = services.connection_connect(
        organization=org_a, username=account["username"],
        security_code_1=account["security_code_1"], security_code_2=account["security_code_2"])
    choices = services.connection_load_choices(connection=connection)
    connection = services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000")
    url = reverse("connections:api_token", args=[connection.pk])
    assert url in client_a.get(reverse("connections:overview")).content.decode()

    other = rest.add_account(new_username())["api_token"]
    refused = client_a.post(url, {"api_token": other})
    assert refused.status_code == 200 and 'class="error"' in refused.content.decode()
    connection.refresh_from_db()
    assert connection.transport == Transport.SOAP and connection.has_credentials

    token = rest.add_api_token(account["administrations"][0])
    assert client_a.post(url, {"api_token": token}).status_code == 302
    connection.refresh_from_db()
    assert connection.transport == Transport.REST and connection.can_sync

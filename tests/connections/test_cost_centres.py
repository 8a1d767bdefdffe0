"""Cost centres (issue 12 §3): GetKostenplaatsen through the client, a default cost centre per
connection chosen on the configure page, and no such field when the administration has none."""

import pytest
from django.urls import reverse

from connections.clients import ConfiguredSoapClient
from connections.models import Connection
from connections.services import administration_key
from eboekhouden.client import CostCentre, Credentials, RejectedError

CONNECT = "/settings/connections/e-boekhouden/connect/"


class NoCostCentresClient(ConfiguredSoapClient):
    """An administration that uses no cost centres (every sandbox administration has two)."""

    def get_kostenplaatsen(self, session):
        return []


class RefusingCostCentresClient(ConfiguredSoapClient):
    """An administration whose GetKostenplaatsen answers with an error code."""

    def get_kostenplaatsen(self, session):
        raise RejectedError("CKP001", "Kostenplaatsen niet beschikbaar")


def _connect(client, account) -> Connection:
    response = client.post(CONNECT, {
        "username": account["username"],
        "security_code_1": account["security_code_1"],
        "security_code_2": account["security_code_2"],
    })
    assert response.status_code == 302
    return Connection.objects.get()


def _url(connection) -> str:
    return reverse("connections:configure", args=[connection.pk])


def _post(client, connection, account, **changes):
    return client.post(_url(connection), {
        "administration": administration_key(account["security_code_2"]),
        "sales_contra_account": "8000", "purchase_contra_account": "4000",
        "debtor_account": "1300", "creditor_account": "1600", **changes,
    })


def test_get_kostenplaatsen_from_the_sandbox(account):
    client = ConfiguredSoapClient()
    credentials = Credentials(account["username"], account["security_code_1"],
                              account["security_code_2"])
    with client.session(credentials) as session:
        centres = client.get_kostenplaatsen(session)
    assert centres == [CostCentre(1, "Algemeen", 0), CostCentre(2, "Webwinkel", 1)]


def test_configure_page_lists_the_cost_centres(client_a, account):
    connection = _connect(client_a, account)
    response = client_a.get(_url(connection))
    field = response.context["form"].fields["default_cost_centre"]
    assert [(str(value), str(label)) for value, label in field.choices][1:] == [
        ("1", "Algemeen"), ("2", "Algemeen › Webwinkel")]
    assert response.context["form"]["default_cost_centre"].value() == "0"
    assert 'name="default_cost_centre"' in response.content.decode()


def test_the_default_cost_centre_is_saved_and_shown(client_a, account):
    connection = _connect(client_a, account)
    assert connection.default_cost_centre_id == 0
    assert _post(client_a, connection, account, default_cost_centre="2").status_code == 302
    connection.refresh_from_db()
    assert connection.default_cost_centre_id == 2
    assert connection.default_cost_centre_name == "Algemeen › Webwinkel"
    assert "Algemeen › Webwinkel" in client_a.get(
        reverse("connections:overview")).content.decode()
    form = client_a.get(_url(connection)).context["form"]
    assert form["default_cost_centre"].value() == "2"

    assert _post(client_a, connection, account, default_cost_centre="0").status_code == 302
    connection.refresh_from_db()
    assert (connection.default_cost_centre_id, connection.default_cost_centre_name) == (0, "")


def test_an_unknown_cost_centre_is_refused(client_a, account):
    connection = _connect(client_a, account)
    response = _post(client_a, connection, account, default_cost_centre="99")
    assert response.status_code == 200
    assert response.context["form"].errors["default_cost_centre"]
    connection.refresh_from_db()
    assert not connection.is_configured and connection.default_cost_centre_id == 0


@pytest.mark.parametrize("client_class", ["NoCostCentresClient", "RefusingCostCentresClient"])
def test_no_cost_centre_field_without_cost_centres(client_a, account, settings, client_class):
    connection = _connect(client_a, account)
    Connection.objects.filter(pk=connection.pk).update(
        default_cost_centre_id=2, default_cost_centre_name="Webwinkel")
    settings.EBH_CLIENT_CLASS = f"{__name__}.{client_class}"
    response = client_a.get(_url(connection))
    form = response.context["form"]
    assert "default_cost_centre" not in form.fields
    assert 'name="default_cost_centre"' not in response.content.decode()
    # The default kept from before is named as missing, and dropped on save.
    assert any("Webwinkel" in warning for warning in form.warnings)
    assert _post(client_a, connection, account, default_cost_centre="2").status_code == 302
    connection.refresh_from_db()
    assert connection.can_sync
    assert (connection.default_cost_centre_id, connection.default_cost_centre_name) == (0, "")


def test_reconnecting_keeps_the_default_cost_centre(client_a, account):
    connection = _connect(client_a, account)
    _post(client_a, connection, account, default_cost_centre="1")
    client_a.post(reverse("connections:disconnect", args=[connection.pk]))
    _connect(client_a, account)
    form = client_a.get(_url(connection)).context["form"]
    assert form["default_cost_centre"].value() == "1"
    assert form.warnings == []


def test_another_organization_cannot_configure_this_connection(client_a, client_b, account):
    connection = _connect(client_a, account)
    assert client_b.get(_url(connection)).status_code == 404
    response = _post(client_b, connection, account, default_cost_centre="2")
    assert response.status_code == 404
    connection.refresh_from_db()
    assert connection.default_cost_centre_id == 0 and not connection.is_configured

"""Disconnect: the ciphertexts go, the row and its history stay, pending syncs are told to
stop (signal), and connecting again later works."""

from django.urls import reverse

from connections import signals
from connections.models import Connection
from connections.services import administration_key

CONNECT = "/settings/connections/e-boekhouden/connect/"


def _connect_and_configure(client, account) -> Connection:
    client.post(CONNECT, {
        "username": account["username"],
        "security_code_1": account["security_code_1"],
        "security_code_2": account["security_code_2"],
    })
    connection = Connection.objects.get()
    client.post(reverse("connections:configure", args=[connection.pk]), {
        "administration": administration_key(account["security_code_2"]),
        "sales_contra_account": "8000", "purchase_contra_account": "4000",
        "debtor_account": "1300", "creditor_account": "1600",
    })
    connection.refresh_from_db()
    assert connection.can_sync
    return connection


def test_disconnect_and_connect_again(client_a, org_a, account):
    connection = _connect_and_configure(client_a, account)
    received = []

    def on_disconnected(sender, connection, **kwargs):
        received.append(connection.pk)

    signals.disconnected.connect(on_disconnected)
    try:
        response = client_a.post(reverse("connections:disconnect", args=[connection.pk]))
    finally:
        signals.disconnected.disconnect(on_disconnected)
    assert response.status_code == 302
    assert received == [connection.pk]

    connection.refresh_from_db()
    assert connection.status == Connection.Status.NOT_CONNECTED
    assert not connection.can_sync
    assert connection.username_encrypted == ""
    assert connection.security_code_1_encrypted == ""
    assert connection.security_code_2_encrypted == ""
    assert connection.administration_guid_encrypted == ""
    assert connection.administration_name  # kept for the history
    page = client_a.get(reverse("connections:overview")).content.decode()
    assert "Niet verbonden" in page and "Verbinden" in page

    again = _connect_and_configure(client_a, account)
    assert again.pk == connection.pk
    assert again.status == Connection.Status.CONNECTED


def test_disconnect_needs_post(client_a, org_a, account):
    connection = _connect_and_configure(client_a, account)
    url = reverse("connections:disconnect", args=[connection.pk])
    assert client_a.get(url).status_code == 405
    connection.refresh_from_db()
    assert connection.has_credentials


def test_disconnect_asks_for_confirmation(client_a, account):
    _connect_and_configure(client_a, account)
    page = client_a.get(reverse("connections:overview")).content.decode()
    assert 'data-confirm="Verbinding met e-Boekhouden.nl verbreken?' in page


def test_member_cannot_disconnect(member_client, client_a, account):
    connection = _connect_and_configure(client_a, account)
    response = member_client.post(reverse("connections:disconnect", args=[connection.pk]))
    assert response.status_code == 403
    connection.refresh_from_db()
    assert connection.can_sync

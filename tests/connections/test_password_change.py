"""Security code 1 changes with the e-Boekhouden password: the connection goes to
"Actie nodig", a banner asks for the new code, and entering it resumes the syncs."""

import pytest
from django.urls import reverse

from connections import signals
from connections.models import Connection
from connections.services import (
    administration_key,
    connection_mark_action_needed,
    connection_session,
)

CONNECT = "/settings/connections/e-boekhouden/connect/"
def _connected(client, account) -> Connection:
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


def _sync_once(connection: Connection) -> None:
    """What the sync does with a connection: one session; on E001.x, mark action needed."""
    from eboekhouden.client import AuthenticationError

    try:
        with connection_session(connection=connection) as (client, session):
            client.get_grootboekrekeningen(session, category="DEB")
    except AuthenticationError as error:
        connection_mark_action_needed(
            connection=connection, reason=f"{error.code}: {error.description}"
        )
        raise


def test_password_change_end_to_end(client_a, member_client, org_a, account, ebh):
    connection = _connected(client_a, account)
    _sync_once(connection)  # works before the password change

    new_code_1 = ebh.change_password(account["username"])
    from eboekhouden.client import AuthenticationError

    with pytest.raises(AuthenticationError) as caught:
        _sync_once(connection)
    assert caught.value.code == "E001.1"
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTION_NEEDED
    assert not connection.can_sync
    assert connection.status_reason.startswith("E001.1")

    overview = client_a.get(reverse("connections:overview")).content.decode()
    assert "Actie nodig" in overview
    assert 'id="connection-banner"' in overview
    security_url = reverse("connections:security_code", args=[connection.pk])
    assert security_url in overview
    member_page = member_client.get(reverse("connections:overview")).content.decode()
    assert "Vraag een eigenaar" in member_page and security_url not in member_page

    restored = []

    def on_restored(sender, connection, **kwargs):
        restored.append(connection.status)

    signals.credentials_restored.connect(on_restored)
    try:
        # The old code is refused with a precise message; nothing changes.
        wrong = client_a.post(security_url, {"security_code_1": account["security_code_1"]})
        assert "beveiligingscode 1 is onjuist" in wrong.content.decode()
        connection.refresh_from_db()
        assert connection.status == Connection.Status.ACTION_NEEDED
        assert restored == []

        response = client_a.post(security_url, {"security_code_1": new_code_1})
        assert response.status_code == 302
    finally:
        signals.credentials_restored.disconnect(on_restored)

    assert restored == [Connection.Status.CONNECTED]
    connection.refresh_from_db()
    assert connection.status == Connection.Status.CONNECTED
    assert connection.status_reason == ""
    assert connection.credential("security_code_1") == new_code_1
    assert connection.can_sync
    _sync_once(connection)  # the paused syncs can run again
    page = client_a.get(reverse("connections:overview")).content.decode()
    assert 'id="connection-banner"' not in page


def test_mark_action_needed_only_from_connected(org_a, credential_keys):
    from tests.connections.factories import make_connection

    connection = make_connection(org_a, status=Connection.Status.NOT_CONNECTED)
    connection_mark_action_needed(connection=connection, reason="E001.1: x")
    connection.refresh_from_db()
    assert connection.status == Connection.Status.NOT_CONNECTED


def test_security_code_form_never_renders_the_stored_code(client_a, org_a, credential_keys):
    from tests.connections.factories import make_connection

    connection = make_connection(org_a, status=Connection.Status.ACTION_NEEDED,
                                 security_code_1="feedfacefeedfacefeedfacefeedface")
    page = client_a.get(reverse("connections:security_code", args=[connection.pk]))
    text = page.content.decode()
    assert "Nieuwe beveiligingscode 1" in text
    assert "feedface" not in text
    assert 'type="password"' in text


def test_member_cannot_enter_the_code(member_client, org_a, credential_keys):
    from tests.connections.factories import make_connection

    connection = make_connection(org_a, status=Connection.Status.ACTION_NEEDED)
    url = reverse("connections:security_code", args=[connection.pk])
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, {"security_code_1": "x"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_password_change_with_the_real_sync(client_a, org_a, user_a, account, ebh):
    """Finalized invoices are booked by themselves; after the password change the booking
    pauses (no attempt used up) and goes through once the new code 1 is entered."""
    from ebh_sync.models import SyncJob
    from tests.invoicing.factories import make_sent

    connection = _connected(client_a, account)
    first = make_sent(org_a, user_a)  # the sync runs on commit (eager Celery in tests)
    assert SyncJob.objects.get(sales_invoice=first).state == SyncJob.State.BOOKED

    new_code_1 = ebh.change_password(account["username"])
    second = make_sent(org_a, user_a)
    job = SyncJob.objects.get(sales_invoice=second)
    assert job.state == SyncJob.State.PAUSED
    assert job.attempts == 0
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTION_NEEDED

    response = client_a.post(reverse("connections:security_code", args=[connection.pk]),
                             {"security_code_1": new_code_1})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == SyncJob.State.BOOKED
    booked = [m["factuurnummer"] for m in ebh.mutations(account["security_code_2"])]
    assert booked == [first.number, second.number]

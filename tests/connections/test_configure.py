"""Configure: choose the administration (GetAdministraties, OpenSessionSub for accountants)
and the ledger accounts (GetGrootboekrekeningen, fitting categories first)."""

import pytest
from django.urls import reverse

from connections import signals
from connections.models import Connection, LedgerOverride
from connections.services import administration_key
from tests.connections.factories import new_username

CONNECT = "/settings/connections/e-boekhouden/connect/"


def _connect(client, account) -> Connection:
    response = client.post(CONNECT, {
        "username": account["username"],
        "security_code_1": account["security_code_1"],
        "security_code_2": account["security_code_2"],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return Connection.objects.get()


def _configure_url(connection) -> str:
    return reverse("connections:configure", args=[connection.pk])


def _save(client, connection, key, **ledgers):
    data = {
        "administration": key,
        "sales_contra_account": "8000",
        "purchase_contra_account": "4000",
        "debtor_account": "1300",
        "creditor_account": "1600",
        **ledgers,
    }
    return client.post(_configure_url(connection), data)


def test_defaults_are_preselected_and_fitting_accounts_come_first(client_a, account):
    connection = _connect(client_a, account)
    response = client_a.get(_configure_url(connection))
    form = response.context["form"]
    assert form["sales_contra_account"].value() == "8000"
    assert form["purchase_contra_account"].value() == "4000"
    assert form["debtor_account"].value() == "1300"
    assert form["creditor_account"].value() == "1600"
    # Only debtors accounts (DEB) for the debtors account.
    assert [code for code, _ in form.fields["debtor_account"].choices] == ["1300"]
    assert form.fields["sales_contra_account"].choices[0][0] == "Voorgesteld"
    revenue = [code for code, _ in form.fields["sales_contra_account"].choices[0][1]]
    assert revenue[:4] == ["8000", "8010", "8100", "8140"]  # revenue accounts first
    costs = [code for code, _ in form.fields["purchase_contra_account"].choices[0][1]]
    assert costs[:4] == ["4000", "4100", "4500", "7000"]
    assert "1300" not in revenue + costs
    page = response.content.decode()
    assert "1300 Debiteuren" in page
    # The administration's Guid is its security code 2: never in the page.
    assert account["security_code_2"] not in page
    assert "administratie 1" in page


def test_save_configuration_with_overrides(client_a, org_a, account):
    connection = _connect(client_a, account)
    key = administration_key(account["security_code_2"])
    ready = []

    def on_ready(sender, connection, **kwargs):
        ready.append(connection.can_sync)

    signals.credentials_restored.connect(on_ready)
    try:
        response = _save(client_a, connection, key, purchase_contra_account="7000",
                         **{"override_sales_LAAG_VERK_9": "8010",
                            "override_sales_BI_EU_VERK": "8140"})
    finally:
        signals.credentials_restored.disconnect(on_ready)
    assert response.status_code == 302
    assert ready == [True]  # bookings paused until now may go
    connection.refresh_from_db()
    assert connection.can_sync
    assert connection.administration_guid() == account["security_code_2"]
    assert connection.administration_name.endswith("administratie 1")
    assert connection.purchase_contra_account == "7000"
    assert not connection.uses_sub_session
    assert connection.contra_account_for(kind="sales", vat_code="LAAG_VERK_9") == "8010"
    assert connection.contra_account_for(kind="sales", vat_code="HOOG_VERK_21") == "8000"
    assert connection.contra_account_for(kind="purchase", vat_code="LAAG_INK_9") == "7000"
    assert connection.contra_account_for(
        kind="sales", vat_code="LAAG_VERK_9", product_account="8100") == "8100"
    assert LedgerOverride.objects.filter(connection=connection).count() == 2
    page = client_a.get(reverse("connections:overview")).content.decode()
    assert "Verbonden" in page and "administratie 1" in page and "7000" in page
    assert "9% (laag tarief) → 8010" in page


def test_account_that_does_not_exist_in_the_chart_is_refused(client_a, account):
    connection = _connect(client_a, account)
    response = _save(client_a, connection, administration_key(account["security_code_2"]),
                     sales_contra_account="9999")
    assert response.status_code == 200
    assert response.context["form"].errors["sales_contra_account"]
    connection.refresh_from_db()
    assert not connection.is_configured


def test_refused_save_summarizes_the_errors_at_the_top_with_links_to_the_fields(
    client_a, account
):
    connection = _connect(client_a, account)
    response = _save(client_a, connection, administration_key(account["security_code_2"]),
                     sales_contra_account="9999", override_purchase_HOOG_INK_21="9999")
    page = response.content.decode()
    summary = page[page.index('id="error-summary"'):page.index("</div>", page.index(
        'id="error-summary"'))]
    assert page.index('id="error-summary"') < page.index('<section class="card">')
    assert 'href="#id_sales_contra_account"' in summary
    assert 'id="id_sales_contra_account"' in page
    # An error in the folded per-rate section opens it, so its link leads somewhere visible.
    assert 'href="#id_override_purchase_HOOG_INK_21"' in summary
    assert '<details class="card overrides" open>' in page


def test_plain_account_with_two_administrations(client_a, ebh):
    account = ebh.add_account(new_username(), administrations=2)
    connection = _connect(client_a, account)
    second = account["administrations"][1]
    key = administration_key(second)
    page = client_a.get(_configure_url(connection), {"administration": key})
    assert page.context["choices"].administration.guid == second
    assert _save(client_a, connection, key).status_code == 302
    connection.refresh_from_db()
    # A plain account reaches the other administration with its Guid as security code 2.
    assert not connection.uses_sub_session
    assert connection.administration_guid() == second
    assert connection.credential("security_code_2") == second
    assert connection.administration_name.endswith("administratie 2")


def test_accountant_account_uses_open_session_sub(client_a, ebh):
    account = ebh.add_account(new_username(), administrations=3, accountant=True)
    connection = _connect(client_a, account)
    third = account["administrations"][2]
    assert _save(client_a, connection, administration_key(third)).status_code == 302
    connection.refresh_from_db()
    assert connection.uses_sub_session
    assert connection.administration_guid() == third
    assert connection.credential("security_code_2") == account["security_code_2"]
    from connections.services import connection_session

    with connection_session(connection=connection) as (client, session):
        assert session.administration_guid == third
        assert len(client.get_grootboekrekeningen(session, category="DEB")) == 1


def test_unknown_administration_is_refused(client_a, account):
    connection = _connect(client_a, account)
    response = _save(client_a, connection, "not-a-key")
    assert response.status_code == 302
    connection.refresh_from_db()
    assert not connection.is_configured


def test_configure_while_service_is_down_shows_the_reason(client_a, account, settings):
    connection = _connect(client_a, account)
    settings.EBH_ENDPOINT_URL = "http://127.0.0.1:9/soap.asmx"
    response = client_a.get(_configure_url(connection), follow=True)
    assert "e-Boekhouden.nl is niet bereikbaar" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_member_cannot_configure(member_client, client_a, account, method):
    connection = _connect(client_a, account)
    assert getattr(member_client, method)(_configure_url(connection)).status_code == 403

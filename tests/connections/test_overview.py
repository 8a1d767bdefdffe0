"""Instellingen > Verbindingen > Online boekhoudsoftware: e-Boekhouden.nl with its status,
the buttons, and the "Foutmeldingen (N)" link when the sync provides one."""

from django.urls import reverse

from connections.models import Connection
from tests.connections.factories import make_connection

URL = "/settings/connections/"


def sync_errors_for_tests(organization):
    return "/sync/errors/", 3 if organization.name == "Alpha B.V." else 0


def test_url_name_and_settings_navigation(client_a):
    assert reverse("connections:overview") == URL
    page = client_a.get(reverse("accounts:organization_settings")).content.decode()
    assert f'href="{URL}"' in page and "Verbindingen" in page


def test_not_connected(client_a):
    page = client_a.get(URL).content.decode()
    assert "Online boekhoudsoftware" in page
    assert "e-Boekhouden.nl" in page
    assert "Niet verbonden" in page
    assert reverse("connections:connect") in page
    assert "Verbinding verbreken" not in page
    assert not Connection.objects.exists()  # looking does not create a row


def test_connected_and_configured(client_a, org_a, credential_keys):
    connection = make_connection(org_a)
    page = client_a.get(URL).content.decode()
    assert "Verbonden" in page
    assert "Testadministratie" in page
    assert reverse("connections:configure", args=[connection.pk]) in page
    assert "Configureer koppeling" in page
    assert "Verbinding verbreken" in page
    assert "zijn ingesteld" in page  # the codes are shown as set, never their values
    assert "0123456789abcdef" not in page


def test_connected_but_not_configured_asks_to_finish(client_a, org_a, credential_keys):
    make_connection(org_a, configured=False)
    page = client_a.get(URL).content.decode()
    assert "Kies de administratie en de grootboekrekeningen" in page


def test_action_needed(client_a, org_a, credential_keys):
    connection = make_connection(org_a, status=Connection.Status.ACTION_NEEDED)
    page = client_a.get(URL).content.decode()
    assert "Actie nodig" in page
    assert reverse("connections:security_code", args=[connection.pk]) in page


def test_english(client_a, user_a, org_a, credential_keys):
    user_a.language = "en"
    user_a.save()
    make_connection(org_a, status=Connection.Status.ACTION_NEEDED)
    page = client_a.get(URL).content.decode()
    assert "Online accounting software" in page and "Action needed" in page


def test_error_list_link_only_when_the_sync_provides_it(client_a, settings):
    settings.CONNECTIONS_SYNC_ERRORS = None
    assert "Foutmeldingen" not in client_a.get(URL).content.decode()
    settings.CONNECTIONS_SYNC_ERRORS = "tests.connections.test_overview.sync_errors_for_tests"
    page = client_a.get(URL).content.decode()
    assert "Foutmeldingen (3)" in page and 'href="/sync/errors/"' in page


def test_member_sees_the_page_read_only(member_client, org_a, credential_keys):
    make_connection(org_a)
    page = member_client.get(URL).content.decode()
    assert "Verbonden" in page
    assert "Verbinding verbreken" not in page
    assert "Configureer koppeling" not in page
    assert "Alleen eigenaren" in page


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]

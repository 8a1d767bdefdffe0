"""The three codes never leave the encrypted columns: run a connect, a configuration, a sync
(bookings in the sandbox), a password change with its new security code 1, then search a
database dump, the logs (everything at DEBUG, zeep included), the broker messages, the admin
pages and a Django error report for them in clear text."""

import base64
import json
import logging
import subprocess
import uuid

import pytest
import redis
from django.db import connection as db_connection
from django.test import Client
from django.urls import reverse
from django.views.debug import ExceptionReporter

from connections.clients import ConfiguredSoapClient
from connections.models import Connection
from connections.services import administration_key
from tests.celery_broker import publishing_to
from tests.factories import make_user
from tests.invoicing.factories import make_sent

CONNECT = "/settings/connections/e-boekhouden/connect/"


class ExplodingClient(ConfiguredSoapClient):
    """The client with a bug: opening a session fails with an unexpected error (a 500)."""

    def open_session(self, credentials):
        raise RuntimeError("unexpected failure while opening a session")


@pytest.fixture
def broker_messages(settings):
    """Publish for real to Redis, on a queue of this test's own; returns a reader of the
    messages the broker holds, their bodies decoded."""
    queue = f"secrets-{uuid.uuid4().hex}"
    url = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    store = redis.Redis.from_url(url)
    with publishing_to(url, queue):
        try:
            yield lambda: [_readable(raw) for raw in store.lrange(queue, 0, -1)]
        finally:
            store.delete(queue, f"_kombu.binding.{queue}")


def _readable(raw: bytes) -> str:
    message = json.loads(raw)
    body = message["body"]
    if message["properties"].get("body_encoding") == "base64":
        body = base64.b64decode(body).decode()
    return raw.decode() + "\n" + body


def _sync(connection: Connection) -> None:
    """Book what is due, as the Celery task does (in this process, to see its logs)."""
    from ebh_sync.engine import drain_connection

    drain_connection(connection.pk)


def _dump_database() -> str:
    name = db_connection.settings_dict["NAME"]
    settings_dict = db_connection.settings_dict
    result = subprocess.run(
        ["pg_dump", "-h", settings_dict.get("HOST") or "127.0.0.1",
         "-p", str(settings_dict.get("PORT") or 5432),
         "-U", settings_dict.get("USER") or "postgres", name],
        capture_output=True, text=True, timeout=120,
        env={"PGPASSWORD": settings_dict.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _admin_pages(connection: Connection) -> str:
    admin = make_user("root@example.test", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    pages = []
    for url in (
        reverse("admin:connections_connection_changelist"),
        reverse("admin:connections_connection_change", args=[connection.pk]),
        reverse("admin:connections_ledgeroverride_changelist"),
        reverse("admin:connections_connection_history", args=[connection.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    return "\n".join(pages)


def _error_report(client_a, secrets, settings) -> str:
    """A request that crashes inside the connect view: Django's error report of it."""
    settings.EBH_CLIENT_CLASS = f"{__name__}.ExplodingClient"
    client_a.raise_request_exception = False
    response = client_a.post(CONNECT, {
        "username": secrets["username"],
        "security_code_1": secrets["security_code_1"],
        "security_code_2": secrets["security_code_2"],
    })
    assert response.status_code == 500
    reporter = ExceptionReporter(response.wsgi_request, *response.exc_info)
    text = reporter.get_traceback_text() + reporter.get_traceback_html()
    assert "security_code_1" in text and "unexpected failure" in text  # POST data is listed
    return text


def _find(secrets: dict, text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    lowered = text.lower()
    for harmless in allowed:
        lowered = lowered.replace(harmless.lower(), "")
    return [name for name, value in secrets.items() if value.lower() in lowered]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_secrets_appear_nowhere(
    client_a, org_a, user_a, ebh, caplog, broker_messages, settings
):
    caplog.set_level(logging.DEBUG)
    for name in ("zeep", "zeep.transports", "zeep.wsdl", "urllib3", "requests", "django",
                 "celery", "kombu", "connections", "ebh_sync"):
        caplog.set_level(logging.DEBUG, logger=name)

    account = ebh.add_account(f"geheim-{uuid.uuid4().hex[:12]}@example.test")
    secrets = {
        "username": account["username"],
        "security_code_1": account["security_code_1"],
        "security_code_2": account["security_code_2"],
    }
    response = client_a.post(CONNECT, secrets)
    assert response.status_code == 302
    connection = Connection.objects.get(organization=org_a)
    response = client_a.post(reverse("connections:configure", args=[connection.pk]), {
        "administration": administration_key(account["security_code_2"]),
        "sales_contra_account": "8000", "purchase_contra_account": "4000",
        "debtor_account": "1300", "creditor_account": "1600",
        "override_sales_LAAG_VERK_9": "8010",
    })
    assert response.status_code == 302
    # A sync: an invoice is finalized and booked in the sandbox.
    first = make_sent(org_a, user_a)
    _sync(connection)
    assert [m["factuurnummer"] for m in ebh.mutations(account["security_code_2"])] == [
        first.number]

    # The password changes: the next sync is refused, the connection needs action, the
    # new code 1 is entered and the paused booking goes through.
    secrets["new_security_code_1"] = ebh.change_password(account["username"])
    second = make_sent(org_a, user_a)
    _sync(connection)
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTION_NEEDED
    response = client_a.post(
        reverse("connections:security_code", args=[connection.pk]),
        {"security_code_1": secrets["new_security_code_1"]},
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.can_sync
    assert connection.credential("security_code_1") == secrets["new_security_code_1"]
    _sync(connection)
    booked = [m["factuurnummer"] for m in ebh.mutations(account["security_code_2"])]
    assert booked == [first.number, second.number]
    published = broker_messages()
    assert published, "nothing was published: the broker check would prove nothing"
    # The sandbox names an administration after its user ("<username> administratie 1");
    # that company name is ordinary data from GetAdministraties, shown and stored as such.
    company = connection.administration_name
    assert company.startswith(account["username"])

    # The pages the owner sees afterwards do not echo the codes either.
    pages = "".join(
        client_a.get(url).content.decode()
        for url in (reverse("connections:overview"),
                    reverse("connections:configure", args=[connection.pk]),
                    reverse("connections:security_code", args=[connection.pk]))
    )
    assert _find(secrets, pages, (company,)) == []

    dump = _dump_database()
    assert "connections_connection" in dump
    assert _find(secrets, dump, (company,)) == [], "clear-text secret in the database dump"
    assert _find(secrets, _admin_pages(connection), (company,)) == [], "secret on an admin page"
    assert _find(secrets, _error_report(client_a, secrets, settings)) == [], \
        "secret in an error report"
    logs = caplog.text + "\n".join(repr(record.__dict__) for record in caplog.records)
    assert caplog.records, "nothing was logged: the log check would prove nothing"
    assert _find(secrets, logs, (company,)) == [], "secret in the logs"
    assert _find(secrets, "\n".join(published)) == [], "secret in a broker message"


@pytest.mark.django_db
def test_error_page_masks_the_codes_with_debug_on(client_a, org_a, settings):
    """``make run`` runs with DEBUG on: the technical 500 page of a crash during connect
    must not show the codes either (Django's own filter stands down under DEBUG)."""
    settings.DEBUG = True
    secrets = {"username": "debug-user@example.test",
               "security_code_1": "c0ffee11c0ffee11c0ffee11c0ffee11",
               "security_code_2": "ABCDEF12-3456-7890-ABCD-EF1234567890"}
    assert _find(secrets, _error_report(client_a, secrets, settings)) == []

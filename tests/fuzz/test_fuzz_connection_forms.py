"""The e-Boekhouden connection forms (connect, new security code 1, configure, export)
under hostile POSTs against the sandbox: never a server error, nothing stored on a refusal,
and stored codes and ledger accounts are exactly what was posted."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from connections.models import Connection, LedgerOverride
from connections.services import administration_key
from ebh_sync.models import ExportBatch
from tests.connections.factories import make_connection
from tests.fuzz import strategies as fz

CONNECT = reverse("connections:connect")
EXPORT = reverse("ebh_sync:export")
DATE_MIN, DATE_MAX = datetime.date(2000, 1, 1), datetime.date(2049, 12, 31)
SECRET_COLUMNS = ("username_encrypted", "security_code_1_encrypted", "security_code_2_encrypted")


def padded(value: str) -> st.SearchStrategy:
    """The value as typed, or with the blanks a paste brings (the form strips them)."""
    return st.sampled_from([value, f" {value}", f"{value}\t", f"\n{value} "])


def connect_posts(account: dict) -> st.SearchStrategy:
    return fz.form_data({name: fz.text(padded(account[name]))
                         for name in ("username", "security_code_1", "security_code_2")})


def _stored(connection: Connection) -> dict:
    return Connection.objects.filter(pk=connection.pk).values().get()


@pytest.mark.django_db
@fz.FUZZ
@given(data=st.data())
def test_fuzz_connect(client_a, org_a, ebh, account, data):
    post = data.draw(connect_posts(account))

    def check_saved(_before) -> None:
        connection = Connection.objects.get(organization=org_a)
        for name in ("username", "security_code_1", "security_code_2"):
            assert connection.credential(name) == post[name].strip()

    fz.post_checked(client_a, CONNECT, post, (Connection,), check_saved)


@pytest.mark.django_db
@fz.FUZZ
@given(data=st.data())
def test_fuzz_connect_when_the_service_is_unreachable(client_a, ebh, account, settings, data):
    settings.EBH_ENDPOINT_URL = "http://127.0.0.1:9/soap.asmx"  # nothing listens there
    post = data.draw(connect_posts(account))
    with fz.rolled_back():
        response = client_a.post(CONNECT, post)
        assert response.status_code == 200
        assert not Connection.objects.exists()


@pytest.fixture
def connection(org_a, ebh, account):
    return make_connection(org_a, username=account["username"],
                           security_code_1=account["security_code_1"],
                           security_code_2=account["security_code_2"])


@pytest.mark.django_db
@fz.FUZZ
@given(data=st.data())
def test_fuzz_security_code_1(client_a, account, connection, data):
    post = data.draw(fz.form_data({"security_code_1": fz.text(padded(account["security_code_1"]))}))
    url = reverse("connections:security_code", args=[connection.pk])
    with fz.rolled_back():
        before = _stored(connection)
        response = client_a.post(url, post)
        fz.assert_no_server_error(response)
        if response.status_code == 302:
            connection.refresh_from_db()
            assert connection.credential("security_code_1") == post["security_code_1"].strip()
        else:
            assert {k: _stored(connection)[k] for k in SECRET_COLUMNS} == \
                {k: before[k] for k in SECRET_COLUMNS}


LEDGERS = {
    "sales_contra_account": fz.choice(["8000", "8010"]),
    "purchase_contra_account": fz.choice(["4000", "7000"]),
    "debtor_account": fz.choice("1300"),
    "creditor_account": fz.choice("1600"),
    "override_sales_HOOG_VERK_21": fz.choice(["", "8010"]),
    "override_purchase_HOOG_INK_21": fz.choice(["", "7000"]),
}


@pytest.mark.django_db
@fz.FUZZ
@given(data=st.data())
def test_fuzz_configure(client_a, account, connection, data):
    key = administration_key(account["security_code_2"])
    post = data.draw(fz.form_data({**LEDGERS, "administration": fz.choice(key)}))
    url = reverse("connections:configure", args=[connection.pk])
    with fz.rolled_back():
        before, overrides = _stored(connection), fz.rows(LedgerOverride)
        response = client_a.post(url, post)
        fz.assert_no_server_error(response)
        if response.status_code == 302 and response["Location"] == reverse(
                "connections:overview"):
            connection.refresh_from_db()
            for name in ("sales_contra_account", "purchase_contra_account", "debtor_account",
                         "creditor_account"):
                assert getattr(connection, name) == post[name]
        else:
            assert _stored(connection) == before and fz.rows(LedgerOverride) == overrides


EXPORT_FIELDS = {
    "date_from": fz.date(st.dates(min_value=DATE_MIN, max_value=DATE_MAX).map(str)),
    "date_to": fz.date(st.dates(min_value=DATE_MIN, max_value=DATE_MAX).map(str)),
    "kind": fz.choice(["all", "sales", "purchase"]),
}


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data(EXPORT_FIELDS))
def test_fuzz_export(client_a, connection, post):
    def check_saved(_before) -> None:
        batch = ExportBatch.objects.get()
        assert batch.selected == 0 and batch.organization == connection.organization

    fz.post_checked(client_a, EXPORT, post, (ExportBatch,), check_saved)

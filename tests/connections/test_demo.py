"""`make run`: the demo organization is connected to the sandbox when the sandbox is given."""

import json

from connections import demo
from connections.models import Connection
from tests.connections.factories import new_username


def test_demo_connects_to_the_sandbox(org_a, ebh, monkeypatch, tmp_path):
    account = ebh.add_account(new_username())
    account_file = tmp_path / "account.json"
    account_file.write_text(json.dumps(account) + "\n")
    monkeypatch.setenv("EBH_DEMO_SANDBOX_URL", ebh.url)
    monkeypatch.setenv("EBH_DEMO_ACCOUNT_FILE", str(account_file))

    summary = demo.load(org_a)
    connection = Connection.objects.get(organization=org_a)
    assert "sandbox" in summary
    assert connection.can_sync
    assert (connection.sales_contra_account, connection.purchase_contra_account,
            connection.debtor_account, connection.creditor_account) == (
        "8000", "4000", "1300", "1600")
    assert demo.load(org_a) == "e-Boekhouden.nl sandbox already connected"


def test_demo_without_sandbox_does_nothing(org_a, monkeypatch):
    monkeypatch.delenv("EBH_DEMO_SANDBOX_URL", raising=False)
    monkeypatch.delenv("EBH_DEMO_ACCOUNT_FILE", raising=False)
    assert demo.load(org_a) == ""
    assert not Connection.objects.exists()


def test_demo_over_rest_with_one_setting(org_a, ebh, settings, monkeypatch, tmp_path):
    settings.EBH_REST_URL = ebh.rest_url
    account = ebh.add_account(new_username())
    account_file = tmp_path / "account.json"
    account_file.write_text(json.dumps(account) + "\n")
    monkeypatch.setenv("EBH_DEMO_SANDBOX_URL", ebh.url)
    monkeypatch.setenv("EBH_DEMO_ACCOUNT_FILE", str(account_file))
    monkeypatch.setenv("EBH_DEMO_TRANSPORT", "rest")

    assert "sandbox" in demo.load(org_a)
    connection = Connection.objects.get(organization=org_a)
    assert connection.uses_rest and connection.can_sync
    assert demo.load(org_a) == "e-Boekhouden.nl sandbox already connected"

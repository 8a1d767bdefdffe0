"""Demo connection for `make run`: the demo organization books into the local sandbox.

Needs two environment variables (``make run`` sets them after starting the sandbox):
EBH_DEMO_SANDBOX_URL (e.g. http://127.0.0.1:8765) and EBH_DEMO_ACCOUNT_FILE (the JSON line
printed by ``python -m ebh_sandbox add-account``). Without them the demo stays unconnected.
The demo process talks to the sandbox through EBH_WSDL_URL/EBH_ENDPOINT_URL, so those must
point at the same sandbox for the web and worker processes.

EBH_DEMO_TRANSPORT=rest connects with the account's API token (REST) instead of the codes;
a demo connection made earlier over SOAP switches to the token of the same administration."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings

from connections import services
from connections.models import Connection


def _sandbox_urls(base: str) -> dict[str, str]:
    base = base.rstrip("/")
    return {"EBH_WSDL_URL": f"{base}/soap.asmx?wsdl", "EBH_ENDPOINT_URL": f"{base}/soap.asmx"}


def load(organization) -> str:
    base = os.environ.get("EBH_DEMO_SANDBOX_URL", "")
    account_file = os.environ.get("EBH_DEMO_ACCOUNT_FILE", "")
    if not base or not account_file:
        return ""
    existing = Connection.objects.for_organization(organization).first()
    account = json.loads(Path(account_file).read_text().strip().splitlines()[-1])
    rest = os.environ.get("EBH_DEMO_TRANSPORT", "").strip().lower() == "rest"
    if existing is not None and existing.can_sync:
        if rest and not existing.uses_rest:
            services.connection_use_api_token(connection=existing, api_token=account["api_token"])
            return "e-Boekhouden.nl sandbox connection switched to its API token (REST)"
        return "e-Boekhouden.nl sandbox already connected"
    if rest:
        connection = services.connection_connect_token(
            organization=organization, api_token=account["api_token"])
        return _configure(connection)
    urls = _sandbox_urls(base)
    if urls["EBH_ENDPOINT_URL"] != settings.EBH_ENDPOINT_URL:
        # The web and worker processes need the same address (EBH_WSDL_URL/EBH_ENDPOINT_URL).
        return (f"not connected: set EBH_WSDL_URL={urls['EBH_WSDL_URL']} and "
                f"EBH_ENDPOINT_URL={urls['EBH_ENDPOINT_URL']}")
    connection = services.connection_connect(
        organization=organization,
        username=account["username"],
        security_code_1=account["security_code_1"],
        security_code_2=account["security_code_2"],
    )
    return _configure(connection)


def _configure(connection: Connection) -> str:
    choices = services.connection_load_choices(connection=connection)
    codes = {ledger.code for ledger in choices.ledgers}
    services.connection_configure(
        connection=connection,
        choices=choices,
        debtor_account="1300" if "1300" in codes else connection.debtor_account,
        creditor_account="1600" if "1600" in codes else connection.creditor_account,
        sales_contra_account="8000" if "8000" in codes else connection.sales_contra_account,
        purchase_contra_account="4000" if "4000" in codes
        else connection.purchase_contra_account,
    )
    return f"connected to the e-Boekhouden.nl sandbox ({choices.administration.name})"

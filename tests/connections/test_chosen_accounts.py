"""Accounts a bookkeeper would choose (issue 12 §3): contra accounts only from the profit and
loss accounts (Categorie VW), debtors only DEB, creditors only CRED, refused on the server too;
the 9 % revenue account proposed next to the sales contra account; a reconnect keeps the
per-rate accounts and the invoicing-module settings, and warns about what the chart lacks."""

import re

import pytest
from django.urls import reverse

from connections.forms import LedgerForm, low_rate_revenue_account
from connections.models import Connection, InvoiceMode, LedgerOverride
from connections.services import ConfigureChoices, administration_key
from ebh_sandbox import chart
from eboekhouden.client import Administration, LedgerAccount
from tests.connections.factories import make_connection

CONNECT = "/settings/connections/e-boekhouden/connect/"
VW = [code for code, _name, category, _group in chart.LEDGERS if category == "VW"]


def _connect(client, account) -> Connection:
    response = client.post(CONNECT, {
        "username": account["username"],
        "security_code_1": account["security_code_1"],
        "security_code_2": account["security_code_2"],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return Connection.objects.get()


def _url(connection) -> str:
    return reverse("connections:configure", args=[connection.pk])


def _post(client, connection, account, **changes):
    data = {
        "administration": administration_key(account["security_code_2"]),
        "sales_contra_account": "8000", "purchase_contra_account": "4000",
        "debtor_account": "1300", "creditor_account": "1600",
        **changes,
    }
    return client.post(_url(connection), data)


def _codes(choices) -> list[str]:
    """Flatten (grouped) select choices to the offered codes, without the blank one."""
    codes = []
    for value, label in choices:
        codes += [code for code, _ in label] if isinstance(label, list | tuple) else [value]
    return [code for code in codes if code]


def _page_data(response) -> dict:
    """What the browser would post back unchanged: every field's shown value."""
    data = {"administration": response.context["choices"].key}
    for form in (response.context["form"], response.context["mode_form"]):
        for field in form:
            value = field.value()
            if value not in (None, "", False):
                data[field.html_name] = "on" if value is True else value
    return data


# --- only fitting categories ------------------------------------------------------------------


def test_configure_page_offers_only_fitting_categories(client_a, account):
    connection = _connect(client_a, account)
    response = client_a.get(_url(connection))
    form = response.context["form"]
    sales = _codes(form.fields["sales_contra_account"].choices)
    purchase = _codes(form.fields["purchase_contra_account"].choices)
    # Every profit and loss account, revenue (8xxx) first for sales, costs first for purchases.
    assert sales == ["8000", "8010", "8100", "8140", "4000", "4100", "4500", "7000"]
    assert purchase == ["4000", "4100", "4500", "7000", "8000", "8010", "8100", "8140"]
    assert sorted(sales) == sorted(VW)
    assert _codes(form.fields["debtor_account"].choices) == ["1300"]
    assert _codes(form.fields["creditor_account"].choices) == ["1600"]
    for name, field in form.fields.items():
        if name.startswith("override_"):
            assert sorted(_codes(field.choices)) == sorted(VW), name
    page = response.content.decode()
    for code in ("1000", "1500", "1530", "0100"):  # cash, VAT, input VAT, fixed assets
        assert f'value="{code}"' not in page


@pytest.mark.parametrize(("field", "code", "shown"), [
    ("sales_contra_account", "1500", "1500 Af te dragen BTW hoog (AF19)"),
    ("sales_contra_account", "1000", "1000 Kas (FIN)"),
    ("purchase_contra_account", "1530", "1530 Voorbelasting (VOOR)"),
    ("debtor_account", "1600", "1600 Crediteuren (CRED)"),
    ("creditor_account", "1300", "1300 Debiteuren (DEB)"),
    ("override_sales_BI_EU_VERK", "1010", "1010 Bank (FIN)"),
    ("override_purchase_LAAG_INK_9", "0130", "0130 Voorraad (BAL)"),
])
def test_a_posted_account_of_another_category_is_refused(
    client_a, account, field, code, shown
):
    connection = _connect(client_a, account)
    response = _post(client_a, connection, account, **{field: code})
    assert response.status_code == 200
    [error] = response.context["form"].errors[field]
    account_label, category = shown.rsplit(" (", 1)
    assert account_label in error and category.rstrip(")") in error
    connection.refresh_from_db()
    assert not connection.is_configured
    assert not connection.overrides.exists()


def test_the_refusal_names_the_wanted_category(client_a, account):
    connection = _connect(client_a, account)
    errors = _post(client_a, connection, account, sales_contra_account="1500",
                   debtor_account="1600", creditor_account="9999").context["form"].errors
    assert "VW" in errors["sales_contra_account"][0]
    assert "DEB" in errors["debtor_account"][0]
    assert "9999" in errors["creditor_account"][0]


# --- the 9 % revenue account ------------------------------------------------------------------


def test_low_rate_revenue_account_is_proposed_next_to_the_sales_account(client_a, account):
    connection = _connect(client_a, account)
    response = client_a.get(_url(connection))
    form = response.context["form"]
    main = [field.name for field in form.main_fields()]
    assert main[:2] == ["sales_contra_account", "override_sales_LAAG_VERK_9"]
    assert form["override_sales_LAAG_VERK_9"].value() == "8010"
    assert "8010 Omzet laag tarief" in form.fields["override_sales_LAAG_VERK_9"].help_text
    page = response.content.decode()
    # Shown in the main section, not in the collapsed per-rate section.
    details = page[page.index("<details"):page.index("</details>")]
    assert 'name="override_sales_LAAG_VERK_9"' in page
    assert 'name="override_sales_LAAG_VERK_9"' not in details
    assert "<details class=\"card overrides\" open" not in page

    assert client_a.post(_url(connection), _page_data(response)).status_code == 302
    connection.refresh_from_db()
    assert connection.contra_account_for(kind="sales", vat_code="LAAG_VERK_9") == "8010"
    assert connection.contra_account_for(kind="sales", vat_code="HOOG_VERK_21") == "8000"


def test_the_9_percent_account_can_be_left_on_the_sales_account(client_a, account):
    connection = _connect(client_a, account)
    assert _post(client_a, connection, account,
                 override_sales_LAAG_VERK_9="").status_code == 302
    connection.refresh_from_db()
    assert connection.contra_account_for(kind="sales", vat_code="LAAG_VERK_9") == "8000"
    # Chosen "same as the sales account": the page keeps that and names both accounts.
    form = client_a.get(_url(connection)).context["form"]
    assert form["override_sales_LAAG_VERK_9"].value() == ""
    help_text = form.fields["override_sales_LAAG_VERK_9"].help_text
    assert "8000" in help_text and "8010 Omzet laag tarief" in help_text


def _ledger(code: str, description: str, category: str = "VW") -> LedgerAccount:
    return LedgerAccount(id=int(code), code=code, description=description, category=category,
                         group="")


def _choices(ledgers) -> ConfigureChoices:
    guid = "11111111-2222-3333-4444-555555555555"
    return ConfigureChoices([Administration(guid, "Test", "", "")],
                            Administration(guid, "Test", "", ""), False, False, ledgers)


@pytest.mark.parametrize(("ledgers", "proposal"), [
    ([_ledger("8000", "Omzet hoog"), _ledger("8010", "Omzet laag tarief")], "8010"),
    ([_ledger("8000", "Omzet 21%"), _ledger("8020", "Omzet 9% btw")], "8020"),
    ([_ledger("8000", "Omzet"), _ledger("8001", "Omzet 9 %")], "8001"),
    ([_ledger("8000", "Omzet"), _ledger("7010", "Inkopen laag tarief")], None),
    ([_ledger("8000", "Omzet"), _ledger("8019", "Omzet 19%")], None),
    ([_ledger("8000", "Omzet"), _ledger("1510", "Af te dragen BTW laag", "AF6")], None),
])
def test_which_account_counts_as_low_rate_revenue(ledgers, proposal):
    found = low_rate_revenue_account(ledgers)
    assert (found.code if found else None) == proposal


def test_without_a_low_rate_account_the_page_says_where_9_percent_goes(org_a, credential_keys):
    connection = make_connection(org_a, configured=False)
    chart_rows = [_ledger("1300", "Debiteuren", "DEB"), _ledger("1600", "Crediteuren", "CRED"),
                  _ledger("4000", "Kosten"), _ledger("8000", "Omzet")]
    form = LedgerForm(connection=connection, choices=_choices(chart_rows))
    field = form["override_sales_LAAG_VERK_9"]
    assert field.value() in ("", None)
    assert field.field.help_text  # visible explanation instead of a silent default
    assert form.warnings == [] and form.chart_gaps == []


def test_a_chart_without_creditors_account_is_named(org_a, credential_keys):
    connection = make_connection(org_a, configured=False)
    form = LedgerForm(connection=connection, choices=_choices([
        _ledger("1300", "Debiteuren", "DEB"), _ledger("8000", "Omzet")]))
    assert len(form.chart_gaps) == 1 and "CRED" in form.chart_gaps[0]


# --- reconnecting keeps the choices -----------------------------------------------------------


INVOICE_MODULE = {
    "invoice_mode": InvoiceMode.INVOICE_MODULE, "invoice_template": "Zakelijk",
    "email_by_eboekhouden": "on", "email_subject": "Uw factuur",
    "email_message": "Bijgaand de factuur.", "email_from_address": "info@alpha.test",
    "email_from_name": "Alpha B.V.",
}
OVERRIDES = {
    ("sales", "LAAG_VERK_9"): "8010",
    ("sales", "BI_EU_VERK"): "8140",
    ("purchase", "LAAG_INK_9"): "7000",
}


def _configure_all(client, connection, account) -> None:
    overrides = {f"override_{kind}_{code}": acc for (kind, code), acc in OVERRIDES.items()}
    response = _post(client, connection, account, sales_contra_account="8100",
                     purchase_contra_account="4500", **overrides, **INVOICE_MODULE)
    assert response.status_code == 302, response.context["form"].errors


def _reconnect(client, connection, account) -> None:
    client.post(reverse("connections:disconnect", args=[connection.pk]))
    connection.refresh_from_db()
    assert not connection.is_connected
    assert _connect(client, account).pk == connection.pk


def _stored_overrides(connection) -> dict:
    return {(o.kind, o.vat_code): o.account for o in connection.overrides.all()}


def test_reconnecting_keeps_overrides_and_invoice_module_settings(client_a, account):
    connection = _connect(client_a, account)
    _configure_all(client_a, connection, account)
    _reconnect(client_a, connection, account)

    response = client_a.get(_url(connection))
    form, mode_form = response.context["form"], response.context["mode_form"]
    assert form["sales_contra_account"].value() == "8100"
    assert form["purchase_contra_account"].value() == "4500"
    for (kind, code), acc in OVERRIDES.items():
        assert form[f"override_{kind}_{code}"].value() == acc
    for name, value in INVOICE_MODULE.items():
        assert mode_form[name].value() == (True if value == "on" else value), name
    assert form.warnings == []
    assert 'data-testid="ledger-warnings"' not in response.content.decode()

    # Saving the page as it is shown keeps every choice.
    assert client_a.post(_url(connection), _page_data(response)).status_code == 302
    connection.refresh_from_db()
    assert connection.can_sync
    assert _stored_overrides(connection) == OVERRIDES
    assert connection.makes_invoices_in_module
    assert connection.invoice_template == "Zakelijk" and connection.email_by_eboekhouden
    assert connection.email_from_name == "Alpha B.V."
    assert (connection.sales_contra_account, connection.purchase_contra_account) == (
        "8100", "4500")


def test_a_kept_account_missing_from_the_new_chart_is_a_warning(client_a, account):
    connection = _connect(client_a, account)
    _configure_all(client_a, connection, account)
    _reconnect(client_a, connection, account)
    # Accounts that this chart lacks, or has with another category (the old page allowed it).
    Connection.objects.filter(pk=connection.pk).update(sales_contra_account="8300")
    LedgerOverride.objects.filter(connection=connection, vat_code="BI_EU_VERK").update(
        account="1500")
    response = client_a.get(_url(connection))
    form = response.context["form"]
    assert len(form.warnings) == 2
    assert "8300" in form.warnings[0]
    assert "1500 Af te dragen BTW hoog" in form.warnings[1] and "AF19" in form.warnings[1]
    page = response.content.decode()
    warnings = re.search(r'data-testid="ledger-warnings">(.*?)</div>', page, re.S).group(1)
    assert "8300" in warnings and "1500 Af te dragen BTW hoog" in warnings
    # The fields fall back to what the chart offers.
    assert form["sales_contra_account"].value() == "8000"
    assert form["override_sales_BI_EU_VERK"].value() == ""
    assert form["override_sales_LAAG_VERK_9"].value() == "8010"


def test_disconnect_keeps_the_choices_in_the_database(client_a, account):
    connection = _connect(client_a, account)
    _configure_all(client_a, connection, account)
    client_a.post(reverse("connections:disconnect", args=[connection.pk]))
    connection.refresh_from_db()
    assert _stored_overrides(connection) == OVERRIDES
    assert connection.invoice_template == "Zakelijk"

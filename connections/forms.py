from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from connections.models import (
    DEFAULT_CREDITOR_ACCOUNT,
    DEFAULT_DEBTOR_ACCOUNT,
    DEFAULT_PURCHASE_CONTRA_ACCOUNTS,
    DEFAULT_SALES_CONTRA_ACCOUNT,
    PURCHASE_VAT_CODES,
    SALES_VAT_CODES,
    Connection,
    InvoiceMode,
    LedgerOverride,
)


def _secret_input(autocomplete: str = "off") -> forms.PasswordInput:
    # Write-only: a stored code is never rendered back into the page.
    return forms.PasswordInput(render_value=False, attrs={"autocomplete": autocomplete})


class ConnectForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=55,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none",
                                      "spellcheck": "false"}),
    )
    security_code_1 = forms.CharField(
        label=_("Security code 1"), max_length=50, strip=True, widget=_secret_input()
    )
    security_code_2 = forms.CharField(
        label=_("Security code 2"), max_length=50, strip=True, widget=_secret_input()
    )

    def apply_error(self, error) -> None:
        """Show the service's refusal at the field it is about."""
        field = {"E001.3": "security_code_2"}.get(getattr(error, "code", ""))
        self.add_error(field, error.user_message)


class SecurityCode1Form(forms.Form):
    security_code_1 = forms.CharField(
        label=_("New security code 1"), max_length=50, widget=_secret_input(),
        help_text=_("Find it in e-Boekhouden.nl under Beheer > Instellingen > Koppelingen > "
                    "API/SOAP."),
    )

    def apply_error(self, error) -> None:
        field = "security_code_1" if getattr(error, "code", "") == "E001.1" else None
        self.add_error(field, error.user_message)


class AdministrationForm(forms.Form):
    """Chosen with GET: the ledger accounts below depend on the administration."""

    administration = forms.ChoiceField(label=_("Administration"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["administration"].choices = choices.options()
        self.fields["administration"].widget.attrs["data-autosubmit"] = ""


# Which ledger categories fit each choice; fitting accounts are offered first.
FITTING_CATEGORIES = {
    "sales_contra_account": ("VW",),
    "purchase_contra_account": ("VW",),
    "debtor_account": ("DEB",),
    "creditor_account": ("CRED",),
}
PREFERRED_DEFAULTS = {
    "sales_contra_account": (DEFAULT_SALES_CONTRA_ACCOUNT,),
    "purchase_contra_account": DEFAULT_PURCHASE_CONTRA_ACCOUNTS,
    "debtor_account": (DEFAULT_DEBTOR_ACCOUNT,),
    "creditor_account": (DEFAULT_CREDITOR_ACCOUNT,),
}


# Within the profit & loss accounts, the usual Dutch chart puts revenue under 8xxx and costs
# under 4xxx-7xxx: offer those first for the sales and purchase contra accounts.
PREFERRED_PREFIXES = {
    "sales_contra_account": ("8",),
    "purchase_contra_account": ("4", "7", "5", "6"),
}


def ledger_choices(ledgers, fitting: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> list:
    """Grouped choices: the fitting categories first, then every other account."""
    def rank(ledger) -> tuple[int, str]:
        for position, prefix in enumerate(prefixes):
            if ledger.code.startswith(prefix):
                return position, ledger.code
        return len(prefixes), ledger.code

    fitting_ledgers = sorted((lg for lg in ledgers if lg.category in fitting), key=rank)
    first = [(lg.code, lg.label) for lg in fitting_ledgers]
    rest = [(lg.code, f"{lg.label} ({lg.category})") for lg in ledgers
            if lg.category not in fitting]
    groups = []
    if first:
        groups.append((_("Suggested"), first))
    if rest:
        groups.append((_("Other ledger accounts"), rest))
    return groups


def _initial_code(connection: Connection, name: str, ledgers, same_administration: bool) -> str:
    codes = {lg.code for lg in ledgers}
    stored = getattr(connection, name)
    if same_administration and stored in codes:
        return stored
    for code in PREFERRED_DEFAULTS[name]:
        if code in codes:
            return code
    fitting = [lg.code for lg in ledgers if lg.category in FITTING_CATEGORIES[name]]
    return fitting[0] if fitting else ""


class LedgerForm(forms.Form):
    sales_contra_account = forms.ChoiceField(
        label=_("Contra account for sales invoices"),
        help_text=_("Revenue account, for example 8000."),
    )
    purchase_contra_account = forms.ChoiceField(
        label=_("Contra account for purchase invoices"),
        help_text=_("Costs account, for example 4000 or 7000."),
    )
    debtor_account = forms.ChoiceField(label=_("Debtors account"))
    creditor_account = forms.ChoiceField(label=_("Creditors account"))

    def __init__(self, *args, connection: Connection, choices, **kwargs):
        super().__init__(*args, **kwargs)
        ledgers = choices.ledgers
        same = connection.administration_guid().upper() == choices.administration.guid.upper()
        for name, fitting in FITTING_CATEGORIES.items():
            self.fields[name].choices = ledger_choices(
                ledgers, fitting, PREFERRED_PREFIXES.get(name, ())
            )
            self.fields[name].initial = _initial_code(connection, name, ledgers, same)
        self.override_fields = []
        stored = {(o.kind, o.vat_code): o.account for o in connection.overrides.all()} if (
            connection.pk and same) else {}
        blank = [("", _("Use the default"))]
        for kind, codes in ((LedgerOverride.Kind.SALES, SALES_VAT_CODES),
                            (LedgerOverride.Kind.PURCHASE, PURCHASE_VAT_CODES)):
            for vat_code, vat_label in codes:
                name = f"override_{kind}_{vat_code}"
                self.fields[name] = forms.ChoiceField(
                    label=vat_label, required=False,
                    choices=blank + ledger_choices(
                        ledgers, ("VW",), PREFERRED_PREFIXES[f"{kind}_contra_account"]
                    ),
                    initial=stored.get((kind, vat_code), ""),
                )
                self.override_fields.append((kind, vat_code, name))

    def main_fields(self):
        return [self[name] for name in FITTING_CATEGORIES]

    def sales_override_fields(self):
        return [self[name] for kind, _code, name in self.override_fields
                if kind == LedgerOverride.Kind.SALES]

    def purchase_override_fields(self):
        return [self[name] for kind, _code, name in self.override_fields
                if kind == LedgerOverride.Kind.PURCHASE]

    def overrides(self) -> list[tuple[str, str, str]]:
        return [
            (kind, vat_code, self.cleaned_data[name])
            for kind, vat_code, name in self.override_fields
            if self.cleaned_data.get(name)
        ]


EMAIL_FIELDS = ("email_subject", "email_message", "email_from_address")


class InvoiceModeForm(forms.Form):
    """How checked work orders reach e-Boekhouden: booked from our own invoice, or made as an
    invoice in e-Boekhouden's invoicing module (AddFactuur), optionally emailed by it."""

    # Not required: a form posted without it (an older page) keeps the booking mode.
    invoice_mode = forms.ChoiceField(
        label=_("Invoices of checked work orders"), choices=InvoiceMode.choices,
        widget=forms.RadioSelect, required=False,
    )
    invoice_template = forms.CharField(
        label=_("Invoice template"), max_length=50, required=False,
        help_text=_("The exact name of an invoice template in e-Boekhouden.nl (Factureren > "
                    "Sjablonen), for example Standaard."),
    )
    email_by_eboekhouden = forms.BooleanField(
        label=_("Let e-Boekhouden.nl email the invoice to the customer"), required=False,
    )
    email_subject = forms.CharField(label=_("Email subject"), max_length=200, required=False)
    email_message = forms.CharField(
        label=_("Email message"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email_from_address = forms.EmailField(
        label=_("Sender address"), max_length=150, required=False,
    )
    email_from_name = forms.CharField(label=_("Sender name"), max_length=150, required=False)

    def __init__(self, *args, connection: Connection, **kwargs):
        initial = {name: getattr(connection, name) for name in self.base_fields}
        super().__init__(*args, initial=initial, **kwargs)

    def clean_invoice_mode(self) -> str:
        return self.cleaned_data["invoice_mode"] or InvoiceMode.BOOKING

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("invoice_mode") != InvoiceMode.INVOICE_MODULE:
            return cleaned
        if not cleaned.get("invoice_template"):
            self.add_error("invoice_template", _(
                "Enter the name of the invoice template that e-Boekhouden.nl should use."))
        if cleaned.get("email_by_eboekhouden"):
            for name in EMAIL_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _(
                        "Needed when e-Boekhouden.nl emails the invoice."))
        return cleaned

    def settings(self) -> dict:
        """The cleaned choice; the email fields only count in invoice-module mode."""
        values = dict(self.cleaned_data)
        if values["invoice_mode"] != InvoiceMode.INVOICE_MODULE:
            values["email_by_eboekhouden"] = False
        return values

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.single_line import SingleLineMixin
from connections.models import (
    DEFAULT_CREDITOR_ACCOUNT,
    DEFAULT_DEBTOR_ACCOUNT,
    DEFAULT_PURCHASE_CONTRA_ACCOUNTS,
    DEFAULT_SALES_CONTRA_ACCOUNT,
    PREFERRED_PREFIXES,
    PURCHASE_VAT_CODES,
    SALES_VAT_CODES,
    Connection,
    InvoiceMode,
    LedgerOverride,
    prefix_rank,
)


def _secret_input(autocomplete: str = "off") -> forms.PasswordInput:
    # Write-only: a stored code is never rendered back into the page.
    return forms.PasswordInput(render_value=False, attrs={"autocomplete": autocomplete})


class ConnectForm(SingleLineMixin, forms.Form):
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
        if field != "security_code_2":
            # The refusal is about something else: keep the code 2 just typed rather than make
            # the user look it up again. Security code 1 is never sent back into the page.
            self.fields["security_code_2"].widget.render_value = True


class ApiTokenForm(SingleLineMixin, forms.Form):
    api_token = forms.CharField(
        label=_("API token"), max_length=500, strip=True, widget=_secret_input(),
        help_text=_("Create it in e-Boekhouden.nl under Beheer > Instellingen > Koppelingen > "
                    "API-tokens. It is shown only once there."),
    )

    def apply_error(self, error) -> None:
        self.add_error("api_token", error.user_message)


class SecurityCode1Form(SingleLineMixin, forms.Form):
    security_code_1 = forms.CharField(
        label=_("New security code 1"), max_length=50, widget=_secret_input(),
        help_text=_("Find it in e-Boekhouden.nl under Beheer > Instellingen > Koppelingen > "
                    "API/SOAP."),
    )

    def apply_error(self, error) -> None:
        field = "security_code_1" if getattr(error, "code", "") == "E001.1" else None
        self.add_error(field, error.user_message)


class AdministrationForm(SingleLineMixin, forms.Form):
    """Chosen with GET: the ledger accounts below depend on the administration."""

    administration = forms.ChoiceField(label=_("Administration"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["administration"].choices = choices.options()
        self.fields["administration"].widget.attrs["data-autosubmit"] = ""


PREFERRED_DEFAULTS = {
    "sales_contra_account": (DEFAULT_SALES_CONTRA_ACCOUNT,),
    "purchase_contra_account": DEFAULT_PURCHASE_CONTRA_ACCOUNTS,
    "debtor_account": (DEFAULT_DEBTOR_ACCOUNT,),
    "creditor_account": (DEFAULT_CREDITOR_ACCOUNT,),
}
FIELD_PREFIXES = {
    "sales_contra_account": PREFERRED_PREFIXES["sales"],
    "purchase_contra_account": PREFERRED_PREFIXES["purchase"],
}
REFUSALS = {
    "VW": _("%(account)s (category %(category)s) is not a profit and loss account: choose an "
            "account of category VW."),
    "DEB": _("%(account)s (category %(category)s) is not a debtors account: choose an account "
             "of category DEB."),
    "CRED": _("%(account)s (category %(category)s) is not a creditors account: choose an "
              "account of category CRED."),
}
# The sales override of LAAG_VERK_9, shown next to the sales contra account.
LOW_RATE_FIELD = "override_sales_LAAG_VERK_9"
# "8010 Omzet laag tarief", "8020 Omzet 9% btw", "8011 Revenue low rate".
LOW_RATE_NAME = re.compile(r"laag|(?<!\d)9\s?%|\blow\b", re.IGNORECASE)


def ledger_choices(ledgers, category: str, prefixes: tuple[str, ...] = ()) -> list:
    """The accounts of ``category`` only; with ``prefixes``, grouped: those accounts first."""
    fitting = sorted((lg for lg in ledgers if lg.category == category),
                     key=lambda lg: (prefix_rank(lg.code, prefixes), lg.code))
    if not prefixes:
        return [(lg.code, lg.label) for lg in fitting]
    first = [(lg.code, lg.label) for lg in fitting
             if prefix_rank(lg.code, prefixes) < len(prefixes)]
    rest = [(lg.code, lg.label) for lg in fitting
            if prefix_rank(lg.code, prefixes) == len(prefixes)]
    groups = [(_("Suggested"), first), (_("Other profit and loss accounts"), rest)]
    return [group for group in groups if group[1]]


def low_rate_revenue_account(ledgers):
    """The chart's own revenue account for the 9 % rate, if it has one: a profit and loss
    account named for the low rate, among the revenue accounts (8xxx or "omzet")."""
    candidates = [
        lg for lg in ledgers
        if lg.category == "VW" and LOW_RATE_NAME.search(lg.description)
        and (lg.code.startswith("8") or "omzet" in lg.description.casefold())
    ]
    return min(candidates, key=lambda lg: lg.code, default=None)


class LedgerField(forms.ChoiceField):
    """A ledger account of one GetGrootboekrekeningen category (Categorie) of the
    administration's chart (see :meth:`offer`). Contra accounts are profit and loss accounts
    (VW), never balance sheet, cash or VAT accounts; debtors DEB and creditors CRED."""

    def __init__(self, *, category: str, **kwargs):
        super().__init__(**kwargs)
        self.category = category
        self.chart: dict = {}
        self.prefixes: tuple[str, ...] = ()

    def offer(self, ledgers, prefixes: tuple[str, ...] = (), blank: str = "") -> None:
        self.chart, self.prefixes = {lg.code: lg for lg in ledgers}, prefixes
        offered = ledger_choices(ledgers, self.category, prefixes)
        self.choices = [("", blank), *offered] if blank else offered

    def first_code(self) -> str:
        codes = [code for code, lg in self.chart.items() if lg.category == self.category]
        return min(codes, key=lambda code: (prefix_rank(code, self.prefixes), code), default="")

    def offers(self, code: str) -> bool:
        ledger = self.chart.get(code)
        return ledger is not None and ledger.category == self.category

    def refusal(self, code: str) -> str:
        ledger = self.chart.get(code)
        if ledger is None:
            return _("%(code)s is not a ledger account of this administration.") % {
                "code": code}
        return REFUSALS[self.category] % {"account": ledger.label, "category": ledger.category}

    def validate(self, value) -> None:
        # A clear reason instead of Django's "Select a valid choice" for a posted code that
        # the page did not offer (an account of another category, or one that does not exist).
        if value and not self.offers(value):
            raise forms.ValidationError(self.refusal(value), code="invalid_choice")
        super().validate(value)


class LedgerForm(SingleLineMixin, forms.Form):
    """The ledger accounts of one administration (``choices``). What the connection stored
    before is kept where the chart still has it, also after disconnecting and connecting again;
    what the chart lacks is listed in :attr:`warnings`."""

    sales_contra_account = LedgerField(
        category="VW", label=_("Contra account for sales invoices"),
        help_text=_("Revenue account, for example 8000."),
    )
    purchase_contra_account = LedgerField(
        category="VW", label=_("Contra account for purchase invoices"),
        help_text=_("Costs account, for example 4000 or 7000."),
    )
    debtor_account = LedgerField(category="DEB", label=_("Debtors account"))
    creditor_account = LedgerField(category="CRED", label=_("Creditors account"))

    def __init__(self, *args, connection: Connection, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection, self.available = connection, choices
        self.warnings: list[str] = []  # choices kept from before that this chart lacks
        self.chart_gaps: list[str] = []  # categories this chart has no account of
        for name in PREFERRED_DEFAULTS:
            self._set_up_main(name)
        self.override_fields = []
        stored = {(o.kind, o.vat_code): o.account for o in connection.overrides.all()} if (
            connection.pk) else {}
        for kind, codes in ((LedgerOverride.Kind.SALES, SALES_VAT_CODES),
                            (LedgerOverride.Kind.PURCHASE, PURCHASE_VAT_CODES)):
            for vat_code, vat_label in codes:
                self._add_override(kind, vat_code, vat_label, stored.get((kind, vat_code), ""))
        self._propose_low_rate()
        self._add_cost_centre()

    # --- building the fields ------------------------------------------------------------------

    def _set_up_main(self, name: str) -> None:
        field = self.fields[name]
        field.offer(self.available.ledgers, FIELD_PREFIXES.get(name, ()))
        if not field.choices:
            self.chart_gaps.append(_(
                "The chart of accounts of this administration has no account of category "
                "%(category)s. Add one in e-Boekhouden.nl under Beheer > Inrichting > "
                "Grootboekrekeningen.") % {"category": field.category})
        stored = getattr(self.connection, name)
        field.initial = stored if field.offers(stored) else self._proposal(name, field)
        if stored and not field.offers(stored) and stored != Connection._meta.get_field(
                name).default:
            self._warn(field.label, field.refusal(stored))

    @staticmethod
    def _proposal(name: str, field: LedgerField) -> str:
        for code in PREFERRED_DEFAULTS[name]:
            if field.offers(code):
                return code
        return field.first_code()

    def _add_override(self, kind: str, vat_code: str, vat_label, stored: str) -> None:
        name = f"override_{kind}_{vat_code}"
        field = LedgerField(category="VW", label=vat_label, required=False)
        field.offer(self.available.ledgers, PREFERRED_PREFIXES[kind],
                    blank=_("Use the default"))
        field.initial = stored if field.offers(stored) else ""
        if stored and not field.offers(stored):
            side = LedgerOverride.Kind(kind).label
            self._warn(f"{side}, {vat_label}", field.refusal(stored))
        self.fields[name] = field
        self.override_fields.append((kind, vat_code, name))

    def _propose_low_rate(self) -> None:
        """9 % revenue goes to the sales contra account unless this field names another: show
        it next to that account, with the chart's low-rate revenue account proposed."""
        field = self.fields[LOW_RATE_FIELD]
        field.label = _("Revenue at 9% VAT")
        field.choices = [("", _("Same as the contra account for sales invoices")),
                         *field.choices[1:]]
        proposal = low_rate_revenue_account(self.available.ledgers)
        field.help_text = self._low_rate_help(field.initial, proposal)
        # Only a first configuration gets the proposal filled in: a saved "same as the sales
        # account" (administration_name survives a disconnect) stays the user's choice.
        if not field.initial and proposal and not self.connection.administration_name:
            field.initial = proposal.code

    def _low_rate_help(self, chosen: str, proposal) -> str:
        if chosen:
            return _("Sales lines at 9% VAT are booked on this account.")
        if proposal is None:
            return _("The chart of accounts has no separate revenue account for the low rate: "
                     "lines at 9% VAT are booked on the contra account for sales invoices.")
        if not self.connection.administration_name:
            return _("Proposed from the chart of accounts: %(account)s.") % {
                "account": proposal.label}
        return _("Lines at 9%% VAT are now booked on %(account)s. The chart of accounts has "
                 "%(proposal)s: choose it to book them there.") % {
            "account": self.connection.sales_contra_account, "proposal": proposal.label}

    def _add_cost_centre(self) -> None:
        labels = self.available.cost_centre_labels()
        stored = self.connection.default_cost_centre_id
        if stored and stored not in labels:
            self._warn(_("Default cost centre"), _(
                "%(name)s is not a cost centre of this administration.") % {
                "name": self.connection.default_cost_centre_name or stored})
        if not labels:
            return  # the administration uses no cost centres: nothing to choose
        self.fields["default_cost_centre"] = forms.TypedChoiceField(
            label=_("Default cost centre"), coerce=int, empty_value=0, required=False,
            choices=[("0", _("No cost centre")), *((str(i), n) for i, n in labels.items())],
            initial=str(stored if stored in labels else 0),
            help_text=_("Every booking line is booked on this cost centre in e-Boekhouden.nl."),
        )

    def _warn(self, label, reason: str) -> None:
        self.warnings.append(f"{label}: {reason}")

    # --- what the template and the view read --------------------------------------------------

    def main_fields(self):
        # A row for sales and a row for purchases on a wide page.
        names = ["sales_contra_account", LOW_RATE_FIELD, "debtor_account",
                 "purchase_contra_account", "creditor_account"]
        return [self[name] for name in names]

    def cost_centre_field(self):
        return self["default_cost_centre"] if "default_cost_centre" in self.fields else None

    def sales_override_fields(self):
        return [self[name] for kind, _code, name in self.override_fields
                if kind == LedgerOverride.Kind.SALES and name != LOW_RATE_FIELD]

    def purchase_override_fields(self):
        return [self[name] for kind, _code, name in self.override_fields
                if kind == LedgerOverride.Kind.PURCHASE]

    def has_other_overrides(self) -> bool:
        """Open the per-rate section when one of its fields (not the 9 % one) is in use, or
        has an error (the error summary links to it)."""
        fields = [*self.sales_override_fields(), *self.purchase_override_fields()]
        return any(field.value() or field.errors for field in fields)

    def overrides(self) -> list[tuple[str, str, str]]:
        return [
            (kind, vat_code, self.cleaned_data[name])
            for kind, vat_code, name in self.override_fields
            if self.cleaned_data.get(name)
        ]

    def cost_centre_id(self) -> int:
        return self.cleaned_data.get("default_cost_centre") or 0


EMAIL_FIELDS = ("email_subject", "email_message", "email_from_address")


class InvoiceModeForm(SingleLineMixin, forms.Form):
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

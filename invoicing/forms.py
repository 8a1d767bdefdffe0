import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.forms import StoredFormsMixin
from accounts.single_line import SingleLineMixin
from accounts.validators import validate_invoice_number_format
from invoicing.exchange_rates import ECB, MANUAL, EcbRate, ecb_rate
from invoicing.models import (
    MAX_DESCRIPTION,
    MAX_LINES,
    Customer,
    Product,
    SalesInvoice,
    Supplier,
    validate_business_date,
)
from invoicing.money import format_number, parse_decimal
from invoicing.services import LineData, PurchaseData, PurchaseLineData
from invoicing.uploads import validate_attachment
from invoicing.vat import PurchaseVatRate, VatRate

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BusinessDateField(forms.DateField):
    widget = DATE_WIDGET
    default_validators = [validate_business_date]


class DecimalInput(forms.DecimalField):
    """A number typed the way the page's language writes it ("1.234,56" or "1234,56" on a
    Dutch page, "1,234.56" on an English one), read by the one parser the editors' live
    preview follows too (money.parse_decimal, Babel's strict mode); shown the same way."""

    def __init__(self, *args, shown_places: int = 2, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)
        self.shown_places = shown_places
        self.validators = [_localized(v) for v in self.validators]

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if isinstance(value, Decimal) and value.is_finite():
            # A stored 52.5000 shows as 52,50, 1.2345 as 1,2345 and a quantity 4.000 as 4.
            return format_number(value, places=self.shown_places,
                                 max_places=self.decimal_places or 4, grouping=False)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value)
        except ValueError:
            raise ValidationError(
                _("Enter a number, such as %(example)s."), code="invalid",
                params={"example": format_number(Decimal("1234.56"))},
            ) from None


class _LocalizedLimit:
    """A min/max validator whose message shows its limit the way the language writes it
    ("minstens 0,01", not "0.01")."""

    def __init__(self, validator):
        self.validator = validator

    def __call__(self, value):
        try:
            self.validator(value)
        except ValidationError as error:
            limit = format_number(Decimal(self.validator.limit_value), places=0, max_places=4)
            raise ValidationError(error.message, code=error.code,
                                  params={**error.params, "limit_value": limit}) from None


def _localized(validator):
    return _LocalizedLimit(validator) if isinstance(validator, BaseValidator) else validator


class TableRowFormSet(forms.BaseFormSet):
    """A line editor shows its fields in table cells under one header row: each input
    carries its column's name as aria-label, so a screen reader can tell what it is."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class PartyForm(StoredFormsMixin, SingleLineMixin, forms.ModelForm):
    class Meta:
        fields = ["kind", "name", "contact_person", "address", "postcode", "city", "country",
                  "email", "phone", "kvk_number", "vat_id", "iban", "payment_term_days",
                  "language", "reverse_charge"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Enter a name."))
        return name


class CustomerForm(PartyForm):
    class Meta(PartyForm.Meta):
        model = Customer
        fields = [*PartyForm.Meta.fields, "send_reminders", "send_ubl"]

    def clean(self):
        cleaned = super().clean()
        identified = cleaned.get("kvk_number") or cleaned.get("vat_id")
        if cleaned.get("send_ubl") and not identified and "send_ubl" not in self.errors:
            # The e-invoice addresses the customer by one of them (its Peppol address).
            self.add_error("send_ubl", _("An e-invoice needs the customer's KvK number or VAT "
                                         "id; enter one, or leave this off."))
        return cleaned


class SupplierForm(PartyForm):
    class Meta(PartyForm.Meta):
        model = Supplier
        fields = [f for f in PartyForm.Meta.fields if f not in ("language", "reverse_charge")]


class ProductForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = ["description", "unit", "unit_price", "vat_rate", "ledger_account"]
        field_classes = {"unit_price": DecimalInput}


def ecb_note(proposal: EcbRate, date: datetime.date) -> str:
    """"ECB reference rate of 2-3-2026", saying so when it is older than the ECB's longest
    closure (the daily refresh could not reach the ECB)."""
    note = _("ECB reference rate of %(date)s") % {
        "date": date_format(proposal.rate_date, "j-n-Y")}
    if date - proposal.rate_date > datetime.timedelta(days=4):
        note = _("%(note)s, the newest available here") % {"note": note}
    return note


def rate_note(currency: str, date: datetime.date, rate: Decimal | None) -> str:
    """What the exchange rate field says about ``rate``: the ECB's, or the user's own."""
    proposal = ecb_rate(currency, date)
    if proposal is None:
        return _("No ECB reference rate for %(currency)s on this date: enter the rate.") % {
            "currency": currency}
    if rate is None or rate == proposal.rate:
        return ecb_note(proposal, date)
    return manual_note(proposal, date)


def manual_note(proposal: EcbRate, date: datetime.date) -> str:
    return _("Your own rate. %(note)s: %(rate)s.") % {
        "note": ecb_note(proposal, date), "rate": number_format(proposal.rate, 6)}


class InvoiceForm(SingleLineMixin, forms.ModelForm):
    issue_date = BusinessDateField(label=_("Invoice date"))
    delivery_date = BusinessDateField(
        label=_("Delivery date"), required=False,
        help_text=_("Date of supply, when it differs from the invoice date."),
    )

    class Meta:
        model = SalesInvoice
        fields = ["customer", "issue_date", "delivery_date", "payment_term_days", "language",
                  "currency", "exchange_rate", "reference", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"exchange_rate": DecimalInput}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_organization(organization).filter(
            archived=False
        ) | Customer.objects.filter(pk=self.instance.customer_id or 0)
        rate = self.fields["exchange_rate"]
        rate.required = False  # left empty: the ECB's rate of the invoice date
        rate.widget.attrs["data-rate-url"] = reverse("invoicing:exchange_rate")
        rate.help_text = format_html(
            '<span data-rate-note aria-live="polite">{}</span> {}', self._stored_rate_note(),
            _("Euros per 1 unit of the invoice currency; 1 for EUR."),
        )

    def _stored_rate_note(self) -> str:
        invoice = self.instance
        if invoice.pk is None or not invoice.is_foreign_currency:
            return ""
        return rate_note(invoice.currency, invoice.issue_date, invoice.exchange_rate)

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        rate, currency = cleaned.get("exchange_rate"), cleaned.get("currency")
        self.rate_origin = (None, "")
        if currency == "EUR":
            cleaned["exchange_rate"] = Decimal(1)
        elif rate is not None and rate <= 0:
            self.add_error("exchange_rate", _("The exchange rate must be greater than zero."))
        elif currency and "exchange_rate" not in self.errors:
            self._settle_rate(cleaned, currency, rate)
        return cleaned

    def _settle_rate(self, cleaned, currency: str, rate: Decimal | None) -> None:
        """The ECB's rate of the invoice date where the user left none (or the euro's 1, or
        the ECB rate of a previous currency or date); the user's own rate is "manual"."""
        issue_date = cleaned.get("issue_date")
        proposal = ecb_rate(currency, issue_date) if issue_date else None
        if rate in (None, 1) or self._left_previous_ecb_rate(rate):
            if proposal is None:
                # 1 is the euro default left standing; no real currency trades at exactly 1.
                self.add_error("exchange_rate", _(
                    "Enter the exchange rate for %(currency)s: euros per 1 %(currency)s."
                ) % {"currency": currency})
                return
            cleaned["exchange_rate"] = proposal.rate
        if proposal is not None and cleaned["exchange_rate"] == proposal.rate:
            self.rate_origin = (proposal.rate_date, ECB)
        else:
            self.rate_origin = (None, MANUAL)

    def _left_previous_ecb_rate(self, rate: Decimal) -> bool:
        stored = self.instance
        return (stored.pk is not None and stored.exchange_rate_source == ECB
                and rate == stored.exchange_rate)

    def save(self, commit=True):
        self.instance.exchange_rate_date, self.instance.exchange_rate_source = self.rate_origin
        return super().save(commit)


def cost_centre_field(choices: list, current: int = 0) -> forms.TypedChoiceField:
    """A line's cost centre among the administration's (0: the connection's default). One a
    copied line has that the administration no longer holds stays visible; saving then
    refuses it with a message."""
    choices = list(choices)
    if current and current not in {c_id for c_id, _label in choices}:
        choices.append((current, _("%(id)s (no longer in your administration)")
                        % {"id": current}))
    return forms.TypedChoiceField(
        label=_("Cost centre"), required=False, coerce=int, empty_value=0,
        choices=[(0, _("Default cost centre"))] + choices,
        error_messages={"invalid_choice": _(
            "Cost centre %(value)s is not one of the cost centres of your administration; "
            "choose another.")},
    )


class CostCentreMixin:
    """Adds the cost-centre choice to a line form when the administration has cost centres;
    without them the form has no such field and every line keeps 0 (the default)."""

    def add_cost_centre(self, choices) -> None:
        if choices:
            current = _int_or_zero(self.initial.get("cost_centre"))
            self.fields["cost_centre"] = cost_centre_field(choices, current)

    def chosen_cost_centre(self) -> int:
        return self.cleaned_data.get("cost_centre") or 0


def _int_or_zero(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class LineForm(CostCentreMixin, SingleLineMixin, forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), required=False,
                                     label=_("Product"))
    description = forms.CharField(label=_("Description"), max_length=MAX_DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 1}))
    # Negative quantities and prices make advance-payment and discount lines; the invoice's
    # total may not drop below zero (services.invoice_save_draft says so).
    quantity = DecimalInput(label=_("Quantity"), max_digits=12, decimal_places=3, shown_places=0,
                            initial=1)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    unit_price = DecimalInput(label=_("Unit price"), max_digits=14, decimal_places=4)
    discount_percent = DecimalInput(label=_("Discount %"), max_digits=5, decimal_places=2,
                                          min_value=0, max_value=100, required=False)
    vat_rate = forms.ChoiceField(label=_("VAT"), choices=VatRate.choices, initial=VatRate.HIGH)

    def __init__(self, *args, organization=None, product_choices=None, cost_centre_choices=(),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.add_cost_centre(cost_centre_choices)
        if organization is not None:
            self.fields["product"].queryset = Product.objects.for_organization(organization)
        if product_choices is not None:
            self.fields["product"].choices = product_choices  # rendered without a query

    def line_data(self) -> LineData:
        data = self.cleaned_data
        product = data.get("product")
        return LineData(
            description=data["description"].strip(), quantity=data["quantity"],
            unit=data.get("unit", ""), unit_price=data["unit_price"],
            discount_percent=data.get("discount_percent") or Decimal("0"),
            vat_rate=data["vat_rate"], product_id=product.pk if product else None,
            ledger_account=product.ledger_account if product else "",
            cost_centre=self.chosen_cost_centre(),
        )


class BaseLineFormSet(TableRowFormSet):
    def __init__(self, *args, form_kwargs=None, **kwargs):
        # One product query for the whole editor, not one per line (up to 500 lines).
        form_kwargs = dict(form_kwargs or {})
        organization = form_kwargs.get("organization")
        if organization is not None:
            products = Product.objects.for_organization(organization).filter(archived=False)
            form_kwargs["product_choices"] = [("", "---------")] + [
                (p.pk, str(p)) for p in products.only("pk", "description")
            ]
        super().__init__(*args, form_kwargs=form_kwargs, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.line_data():
            raise ValidationError(_("Add at least one line."))

    def line_data(self) -> list[LineData]:
        return [form.line_data() for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=MAX_LINES,
    validate_max=True, absolute_max=MAX_LINES,
)


# The email adds these below the message itself (services.payment_instructions).
PAYMENT_DETAILS_HELP = _("Below your message the email gives the amount, the due date and how "
                         "to pay: IBAN and payment reference.")


class FinalizeForm(SingleLineMixin, forms.Form):
    send_email = forms.BooleanField(label=_("Email the invoice to the customer"), required=False,
                                    initial=True)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}),
                              required=False, max_length=4000, help_text=PAYMENT_DETAILS_HELP)


class EmailForm(SingleLineMixin, forms.Form):
    to = forms.EmailField(label=_("To"))
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}),
                              max_length=4000, help_text=PAYMENT_DETAILS_HELP)


class PaymentForm(SingleLineMixin, forms.Form):
    amount = DecimalInput(label=_("Amount"), max_digits=14, decimal_places=2,
                                min_value=Decimal("0.01"))
    date = BusinessDateField(label=_("Payment date"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


OWN_FORMAT = "own"


class NumberingForm(SingleLineMixin, forms.Form):
    """The number format as a choice among examples ("2026-0001"), or one of the user's own;
    without a choice posted the format stays as it is."""

    number_format = forms.ChoiceField(label=_("Invoice numbers look like"), required=False,
                                      widget=forms.RadioSelect)
    own_format = forms.CharField(
        label=_("Own format"), required=False, max_length=40,
        validators=[validate_invoice_number_format],
        help_text=_("For example INV-{year}-{seq:05}: {year} becomes the year, {seq:05} the "
                    "invoice's sequence number in 5 digits (00001)."),
    )
    next_number = forms.IntegerField(label=_("Next invoice number (sequence)"), min_value=1,
                                     max_value=99_999_999)

    def __init__(self, *args, examples: list[tuple[str, str]], current_format: str, **kwargs):
        own = current_format not in dict(examples)
        kwargs.setdefault("initial", {}).update(
            number_format=OWN_FORMAT if own else current_format,
            own_format=current_format if own else "")
        super().__init__(*args, **kwargs)
        self.current_format = current_format
        self.fields["number_format"].choices = examples + [(OWN_FORMAT, _("Own format"))]

    def chosen_format(self) -> str:
        chosen = self.cleaned_data.get("number_format") or ""
        if chosen == OWN_FORMAT:
            return self.cleaned_data.get("own_format") or self.current_format
        return chosen or self.current_format

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("number_format") == OWN_FORMAT and not cleaned.get("own_format") \
                and "own_format" not in self.errors:
            self.add_error("own_format", _("Type your own format, or choose an example."))
        return cleaned


# Rates whose VAT the supplier prints (and may round its own way); the others carry none.
PRINTED_VAT_RATES = (PurchaseVatRate.HIGH, PurchaseVatRate.LOW)


def printed_vat_field_name(rate: str) -> str:
    return f"vat_{rate}"


class PurchaseForm(SingleLineMixin, forms.Form):
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.none(), label=_("Supplier"))
    supplier_invoice_number = forms.CharField(label=_("Supplier's invoice number"),
                                              max_length=50)
    invoice_date = BusinessDateField(label=_("Invoice date"))
    due_date = BusinessDateField(label=_("Due date"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Supplier's PDF or image"), required=False,
                                 help_text=_("PDF, PNG or JPEG, at most 10 MB."))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.for_organization(
            organization).filter(archived=False) | Supplier.objects.filter(
            pk=self.initial.get("supplier") or 0, organization=organization)
        for rate in PRINTED_VAT_RATES:
            self.fields[printed_vat_field_name(rate)] = DecimalInput(
                label=_("VAT %(percentage)s%% as printed") % {"percentage": rate.value},
                max_digits=14,
                decimal_places=2, required=False,
            )

    def header_fields(self):
        """The fields above the lines; the printed VAT fields are shown below them."""
        printed = {printed_vat_field_name(rate) for rate in PRINTED_VAT_RATES}
        return [self[name] for name in self.fields if name not in printed]

    def printed_vat_fields(self):
        return [(str(rate), self[printed_vat_field_name(rate)]) for rate in PRINTED_VAT_RATES]

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            validate_attachment(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_date") and cleaned.get("invoice_date") and \
                cleaned["due_date"] < cleaned["invoice_date"]:
            self.add_error("due_date", _("The due date lies before the invoice date."))
        return cleaned

    def printed_vat(self) -> dict[str, Decimal]:
        values = {str(rate): self.cleaned_data.get(printed_vat_field_name(rate))
                  for rate in PRINTED_VAT_RATES}
        return {rate: value for rate, value in values.items() if value is not None}

    def purchase_data(self, lines: list[PurchaseLineData]) -> PurchaseData:
        data = self.cleaned_data
        return PurchaseData(
            supplier=data["supplier"], supplier_invoice_number=data["supplier_invoice_number"],
            invoice_date=data["invoice_date"], due_date=data["due_date"],
            description=data["description"], lines=lines, printed_vat=self.printed_vat(),
        )


class PurchaseLineForm(CostCentreMixin, SingleLineMixin, forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    ledger_account = forms.CharField(
        label=_("Cost account"), max_length=10, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("default"), "size": 8}),
    )
    vat_rate = forms.ChoiceField(label=_("VAT"), choices=PurchaseVatRate.choices)
    net_amount = DecimalInput(label=_("Amount excl. VAT"), max_digits=14,
                                    decimal_places=2)

    def __init__(self, *args, ledger_choices=(), cost_centre_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_cost_centre(cost_centre_choices)
        if ledger_choices:
            self.fields["ledger_account"] = forms.ChoiceField(
                label=_("Cost account"), required=False,
                choices=self._account_choices(list(ledger_choices)),
            )

    def _account_choices(self, choices: list) -> list:
        """The chart's accounts; an account a copied line has that the chart no longer holds
        stays visible (the register step then refuses it with a message)."""
        current = self.initial.get("ledger_account") or ""
        if current and current not in {code for code, _label in choices}:
            choices.append((current, _("%(code)s (not in the chart)") % {"code": current}))
        return [("", _("Default cost account"))] + [
            (code, f"{code} {label}".strip()) for code, label in choices]

    def line_data(self) -> PurchaseLineData:
        data = self.cleaned_data
        return PurchaseLineData(vat_rate=data["vat_rate"], net_amount=data["net_amount"],
                                description=data["description"].strip(),
                                ledger_account=(data.get("ledger_account") or "").strip(),
                                cost_centre=self.chosen_cost_centre())


class BasePurchaseLineFormSet(TableRowFormSet):
    def clean(self):
        super().clean()
        if not any(self.errors) and not self.line_data():
            raise ValidationError(_("Add at least one line."))

    def line_data(self) -> list[PurchaseLineData]:
        return [form.line_data() for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]


PurchaseLineFormSet = forms.formset_factory(
    PurchaseLineForm, formset=BasePurchaseLineFormSet, extra=0, can_delete=True,
    max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES,
)


class CreditForm(SingleLineMixin, forms.Form):
    """One quantity field per original line, prefilled with what can still be credited."""

    def __init__(self, *args, lines, open_quantities, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line_{line.pk}"] = DecimalInput(
                label=line.description[:80], min_value=min(0, open_quantities[line.pk]),
                max_value=max(0, open_quantities[line.pk]),
                decimal_places=3, max_digits=12, initial=open_quantities[line.pk],
                required=False,
            )

    def quantities(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or Decimal(0)
                for line in self.lines}

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.single_line import SingleLineMixin
from invoicing.forms import BusinessDateField, DecimalInput, TableRowFormSet
from invoicing.models import Customer, Product
from invoicing.vat import VatRate
from workorders.models import MAX_LINES, LineKind, WorkOrder, WorkOrderState
from workorders.services import WorkOrderLineData

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


def members_of(organization):
    return User.objects.filter(memberships__organization=organization).order_by(
        "full_name", "email")


class WorkOrderForm(SingleLineMixin, forms.ModelForm):
    planned_date = BusinessDateField(label=_("Planned date"))
    assigned_to = MemberChoiceField(queryset=User.objects.none(), required=False,
                                    label=_("Assigned to"))

    class Meta:
        model = WorkOrder
        fields = ["customer", "planned_date", "planned_start", "planned_end", "assigned_to",
                  "work_street", "work_postcode", "work_city", "description", "notes"]
        widgets = {"planned_start": TIME_WIDGET, "planned_end": TIME_WIDGET,
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "customer": {"required": _("Choose the customer of this work order.")},
            "planned_start": {"required": _("Enter the planned start time.")},
            "description": {"required": _("Describe the work to be done.")},
        }
        help_texts = {
            "work_street": _("Empty: the customer's address."),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_organization(organization).filter(
            archived=False) | Customer.objects.filter(pk=self.instance.customer_id or 0)
        self.fields["assigned_to"].queryset = members_of(organization)
        self.fields["planned_date"].error_messages["required"] = _("Enter the planned date.")


class WorkOrderLineForm(SingleLineMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LineKind.choices, initial=LineKind.HOURS)
    product = forms.ModelChoiceField(queryset=Product.objects.none(), required=False,
                                     label=_("Product"))
    description = forms.CharField(label=_("Description"), max_length=500,
                                  error_messages={"required": _("Enter a description.")})
    quantity = DecimalInput(
        label=_("Hours or quantity"), max_digits=10, decimal_places=2, min_value=0, shown_places=0,
        error_messages={"min_value": _("Hours and quantities cannot be negative."),
                        "required": _("Enter the hours or the quantity.")},
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    unit_price = DecimalInput(
        label=_("Rate or price"), max_digits=14, decimal_places=4, min_value=0,
        error_messages={"min_value": _("A rate or price cannot be negative."),
                        "required": _("Enter the hourly rate or the price.")},
    )
    vat_rate = forms.ChoiceField(label=_("VAT"), choices=VatRate.choices, initial=VatRate.HIGH)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.fields["product"].queryset = Product.objects.for_organization(organization)

    def line_data(self) -> WorkOrderLineData:
        data = self.cleaned_data
        product = data.get("product")
        return WorkOrderLineData(
            kind=data["kind"], description=data["description"].strip(),
            quantity=data["quantity"], unit_price=data["unit_price"], unit=data.get("unit", ""),
            vat_rate=data["vat_rate"], product_id=product.pk if product else None,
        )


class BaseWorkOrderLineFormSet(TableRowFormSet):
    """Lines are optional (a planned job has none yet); a blank row is simply skipped."""

    def line_data(self) -> list[WorkOrderLineData]:
        return [form.line_data() for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]


def _line_formset(extra: int):
    return forms.formset_factory(
        WorkOrderLineForm, formset=BaseWorkOrderLineFormSet, extra=extra, can_delete=True,
        max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES,
    )


LineFormSet = _line_formset(0)
LineFormSetWithBlank = _line_formset(1)  # a first, empty row when there are no lines yet


class SignOffForm(SingleLineMixin, forms.Form):
    signed_off_by = forms.CharField(
        label=_("Signed off by"), max_length=150,
        help_text=_("The customer's name, as signed on the work order."),
        error_messages={"required": _("Enter the name of the customer who signed off the work.")},
    )


class WorkOrderFilterForm(SingleLineMixin, forms.Form):
    """The list's filters; invalid values are ignored rather than shown as errors."""

    state = forms.ChoiceField(required=False, choices=[("", _("All"))] + WorkOrderState.choices)
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), required=False)
    assigned = forms.CharField(required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    q = forms.CharField(required=False, max_length=100)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_organization(organization)

    def filters(self) -> dict:
        """The valid filters only (a bad date in the URL is dropped, not an error page)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

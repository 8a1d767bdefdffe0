from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.single_line import SingleLineMixin
from invoicing.forms import BaseLineFormSet, BusinessDateField, LineForm
from invoicing.models import MAX_LINES, Customer
from recurring.models import RecurringTemplate
from recurring.periods import placeholder_problems


def check_placeholders(text: str) -> str:
    problems = placeholder_problems(text)
    if problems:
        raise ValidationError(problems)
    return text


class TemplateForm(SingleLineMixin, forms.ModelForm):
    start_date = BusinessDateField(label=_("First invoice date"), help_text=_(
        "The first invoice is dated on this day; the next ones follow from it. Periods "
        "before today are invoiced at once."))
    end_date = BusinessDateField(label=_("Last invoice date"), required=False,
                                 help_text=_("Optional. Or give a number of invoices."))

    class Meta:
        model = RecurringTemplate
        fields = ["name", "customer", "frequency", "start_date", "end_date", "count",
                  "payment_term_days", "language", "reference", "note", "mode"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "mode": forms.RadioSelect}
        help_texts = {"count": _("Optional: stop after this many invoices."),
                      "name": _("For yourself, e.g. \"Maintenance contract\".")}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.for_organization(organization).filter(
            archived=False) | Customer.objects.filter(pk=self.instance.customer_id or 0)
        if self.instance.pk and self.instance.next_period:
            # Period n is start + n steps: once invoiced, the schedule's base stays put.
            for name in ("start_date", "frequency"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Fixed once an invoice has been made; make a new recurring invoice to "
                    "change it.")

    def clean_reference(self) -> str:
        return check_placeholders(self.cleaned_data["reference"])

    def clean_note(self) -> str:
        return check_placeholders(self.cleaned_data["note"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if end and cleaned.get("count"):
            self.add_error("count", _("Choose an end date or a number of invoices, not both."))
        if start and end and end < start:
            self.add_error("end_date", _("The last invoice date lies before the first."))
        return cleaned


class TemplateLineForm(LineForm):
    """An invoice line whose description may name the period."""

    def clean_description(self) -> str:
        return check_placeholders(self.cleaned_data["description"])


TemplateLineFormSet = forms.formset_factory(
    TemplateLineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=MAX_LINES,
    validate_max=True, absolute_max=MAX_LINES,
)

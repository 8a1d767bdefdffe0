import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.single_line import SingleLineMixin
from accounts.validators import validate_invoice_number_format
from invoicing.forms import BusinessDateField
from invoicing.models import Customer
from quotes.models import VALIDITY_DAYS, Quote


class QuoteForm(SingleLineMixin, forms.ModelForm):
    issue_date = BusinessDateField(label=_("Quote date"))
    valid_until = BusinessDateField(label=_("Valid until"), required=False)

    class Meta:
        model = Quote
        fields = ["customer", "issue_date", "valid_until", "language", "reference", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].help_text = gettext(
            "Empty: %(days)s days after the quote date.") % {"days": VALIDITY_DAYS}
        self.fields["customer"].queryset = Customer.objects.for_organization(organization).filter(
            archived=False) | Customer.objects.filter(pk=self.instance.customer_id or 0)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("issue_date") and not cleaned.get("valid_until") \
                and "valid_until" not in self.errors:
            cleaned["valid_until"] = cleaned["issue_date"] + datetime.timedelta(
                days=VALIDITY_DAYS)
        return cleaned


class SendForm(SingleLineMixin, forms.Form):
    to = forms.EmailField(label=_("To"))
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}),
                              max_length=4000, required=False)


class AnswerForm(SingleLineMixin, forms.Form):
    """Accept or decline, with an optional name and remark (the public page and the app)."""

    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    remark = forms.CharField(label=_("Remark"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    @property
    def accepts(self) -> bool:
        return self.cleaned_data["answer"] == "accept"


class QuoteNumberingForm(SingleLineMixin, forms.Form):
    number_format = forms.CharField(
        label=_("Quote numbers look like"), max_length=40,
        validators=[validate_invoice_number_format],
        help_text=_("For example O{year}-{seq:04}: {year} becomes the year, {seq:04} the "
                    "quote's sequence number in 4 digits (0001). With {year} in it the "
                    "numbering restarts every year."))
    next_number = forms.IntegerField(label=_("Next quote number (sequence)"), min_value=1,
                                     max_value=99_999_999)

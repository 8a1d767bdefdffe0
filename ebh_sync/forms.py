import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.single_line import SingleLineMixin
from invoicing.models import validate_business_date


class DecideForm(SingleLineMixin, forms.Form):
    """A booking in doubt: send it now, or record that it is already in e-Boekhouden."""

    decision = forms.ChoiceField(choices=[("book", "book"), ("booked", "booked")],
                                 widget=forms.HiddenInput)
    mutation_number = forms.IntegerField(
        label=_("Mutation number in e-Boekhouden.nl (if you know it)"), required=False,
        min_value=1, max_value=2**63 - 1,
    )


class ExportForm(SingleLineMixin, forms.Form):
    """Pick a period; every finalized invoice in it that is not booked yet is exported."""

    KIND_CHOICES = [
        ("all", _("Sales and purchase invoices")),
        ("sales", _("Sales invoices and credit notes")),
        ("purchase", _("Purchase invoices")),
    ]

    date_from = forms.DateField(
        label=_("From"), validators=[validate_business_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Up to and including"), validators=[validate_business_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(label=_("Invoices"), choices=KIND_CHOICES, initial="all")
    # Set when the page listed the period's invoices: then only the checked ones are booked.
    picked = forms.BooleanField(required=False, widget=forms.HiddenInput)
    invoices = forms.MultipleChoiceField(label=_("Invoices to book"), required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["invoices"].choices = [(row.key, row.number) for row in self.candidates]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must lie before the end date."))
        if start and end and end - start > datetime.timedelta(days=3 * 366):
            raise forms.ValidationError(_("Export at most three years at a time."))
        if cleaned.get("picked") and not cleaned.get("invoices"):
            raise forms.ValidationError(_("Tick the invoices to book."))
        return cleaned

    def selection(self) -> list[str] | None:
        """The ticked invoices' keys, or None for "every unbooked invoice of the period"."""
        return self.cleaned_data["invoices"] if self.cleaned_data.get("picked") else None


class ConflictChoiceForm(SingleLineMixin, forms.Form):
    """Per relation that changed on both sides: keep the local values or take e-Boekhouden's."""

    choice = forms.ChoiceField(
        label=_("Choice"),
        choices=[("keep", _("Keep mine")), ("take", _("Take e-Boekhouden's"))],
        error_messages={"invalid_choice": _("Choose “Keep mine” or “Take e-Boekhouden's”."),
                        "required": _("Choose “Keep mine” or “Take e-Boekhouden's”.")},
    )


class ImportSettingsForm(SingleLineMixin, forms.Form):
    periodic = forms.BooleanField(
        label=_("Import relations and articles from e-Boekhouden.nl every day"), required=False,
    )

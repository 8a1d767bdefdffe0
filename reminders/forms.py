from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.single_line import SingleLineMixin
from reminders import letters
from reminders.models import ReminderSchedule, ReminderStep

TEXT_FIELDS = ("subject_nl", "body_nl", "subject_en", "body_en")


class ScheduleForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = ReminderSchedule
        fields = ["active", "collection_costs"]


class StepForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = ReminderStep
        fields = ["enabled", "days_after_due", *TEXT_FIELDS]
        widgets = {"body_nl": forms.Textarea(attrs={"rows": 12}),
                   "body_en": forms.Textarea(attrs={"rows": 12})}

    def clean(self):
        data = super().clean()
        for name in TEXT_FIELDS:
            try:
                letters.check(data.get(name) or "")
            except letters.PlaceholderError as error:
                self.add_error(name, str(error))
        return data


class BaseStepFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        days = [form.cleaned_data["days_after_due"] for form in self.forms]
        if any(later <= earlier for earlier, later in zip(days, days[1:], strict=False)):
            raise forms.ValidationError(_("Each step must come more days after the due date "
                                          "than the step before it."))


StepFormSet = forms.modelformset_factory(ReminderStep, form=StepForm, formset=BaseStepFormSet,
                                         extra=0, can_delete=False)


class DisputeForm(SingleLineMixin, forms.Form):
    text = forms.CharField(label=_("What does the customer dispute?"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

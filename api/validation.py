"""The web UI's forms validate the API's input too: the same rules, the same (translated)
messages, the same normalization. A serializer here gives types and the schema; a form
decides; a service acts."""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

NON_FIELD = "non_field_errors"


def form_errors(form: forms.BaseForm) -> dict:
    return {(NON_FIELD if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in form.errors.items()}


def formset_errors(formset: forms.BaseFormSet) -> list | dict:
    """Per line its errors ({} for a line without), or the lines' own errors as a whole."""
    if formset.non_form_errors():
        return [str(message) for message in formset.non_form_errors()]
    return [form_errors(form) for form in formset.forms]


def formset_data(prefix: str, rows: list[dict]) -> dict:
    """The POST a line editor would send for these rows."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()
                     if value is not None})
    return data


def valid(form: forms.BaseForm, **extra_errors) -> forms.BaseForm:
    """The form, valid; or a 400 with its messages (and any extra ones, e.g. the lines')."""
    ok = form.is_valid()
    errors = {name: value for name, value in extra_errors.items() if value}
    if not ok or errors:
        raise serializers.ValidationError({**(form_errors(form) if not ok else {}), **errors})
    return form


def refused(error: Exception) -> serializers.ValidationError:
    """A service's refusal (InvoicingError, a model's ValidationError) as a 400."""
    if isinstance(error, DjangoValidationError) and hasattr(error, "message_dict"):
        return serializers.ValidationError(
            {(NON_FIELD if k == "__all__" else k): v for k, v in error.message_dict.items()})
    messages = getattr(error, "messages", None) or [str(error)]
    return serializers.ValidationError({NON_FIELD: [str(m) for m in messages]})


class FormChoiceField(serializers.ChoiceField):
    """Documented with its choices (the same enum as the model's); the web form checks the
    choice, with its own message."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid_choice", input=data)
        return str(data)


def choice(choices, **kwargs) -> serializers.ChoiceField:
    return FormChoiceField(choices=choices, **kwargs)


def form_value(value):
    """A value as a form expects it in its data: a country by its code, a row by its id."""
    if hasattr(value, "code") and hasattr(value, "name") and not hasattr(value, "pk"):
        return value.code
    if hasattr(value, "pk"):
        return value.pk
    return value

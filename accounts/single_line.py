"""Single-line text fields refuse control characters, in every form of the project.

A form that mixes in ``SingleLineMixin`` gives each of its text fields that is not a Textarea
(or a password) the ``validate_single_line`` validator: a name, number, reference or code typed
with a line break, tab or NUL is a clear form error, never stored. Textareas keep their line
breaks."""

from django import forms

from accounts.validators import validate_single_line

MULTI_LINE_WIDGETS = (forms.Textarea, forms.PasswordInput)


def is_single_line(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(field.widget, MULTI_LINE_WIDGETS)


class SingleLineMixin:
    def full_clean(self):
        # At cleaning time, so fields a form adds or replaces in its __init__ are covered too.
        for field in self.fields.values():  # deep copies: the class's fields stay untouched
            if is_single_line(field) and validate_single_line not in field.validators:
                field.validators.append(validate_single_line)
        super().full_clean()

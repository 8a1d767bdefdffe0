from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.single_line import SingleLineMixin

CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off",
    "spellcheck": "false", "autofocus": True, "class": "code-input",
}


class AppCodeForm(SingleLineMixin, forms.Form):
    """The six digits the authenticator app shows (confirms the set-up)."""

    code = forms.RegexField(
        label=_("Code from the app"), regex=r"^\s*\d{6}\s*$", strip=True, max_length=12,
        error_messages={"invalid": _("Enter the 6 digits the app shows.")},
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "pattern": r"\d{6}"}),
    )


class VerifyCodeForm(SingleLineMixin, forms.Form):
    """A code from the app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "inputmode": "text"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class DisableTwoFactorForm(SingleLineMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from the app or a recovery code"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "autofocus": False,
                                      "inputmode": "text"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class OrganizationTwoFactorForm(SingleLineMixin, forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Two-step verification required for all members"), required=False,
        help_text=_("Members without two-step verification are asked to turn it on before "
                    "they can work in this organization."),
    )

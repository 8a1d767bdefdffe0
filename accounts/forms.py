from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, Membership, Organization, User
from accounts.single_line import SingleLineMixin
from accounts.validators import validate_logo


class EmailAuthenticationForm(SingleLineMixin, AuthenticationForm):
    # Django's own message names the field "%(username)s", which reads "een juiste
    # e-mailadres" in Dutch; ours says what to do in words that fit.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email address or the password is not right. Check both; the "
                           "password is case-sensitive."),
    }
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()


class LogoField(forms.ImageField):
    def validate(self, value) -> None:
        super().validate(value)
        if value:
            validate_logo(value)


class SignupForm(SingleLineMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    organization_name = forms.CharField(label=_("Name of your business"), max_length=200)
    logo = LogoField(label=_("Logo (optional)"), required=False)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email address already exists. Log in instead.")
            )
        return email

    def clean_organization_name(self) -> str:
        name = self.cleaned_data["organization_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name of your business."))
        return name

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class StoredFormsMixin:
    """The model stores postcode, VAT id, IBAN and BIC normalized (the first two by country);
    the form's cleaned data shows those stored values, not the text as typed."""

    NORMALIZED = ("postcode", "vat_id", "iban", "bic")

    def _post_clean(self) -> None:
        super()._post_clean()
        for name in self.NORMALIZED:
            if name in self.cleaned_data:
                self.cleaned_data[name] = getattr(self.instance, name)


class OrganizationForm(StoredFormsMixin, SingleLineMixin, forms.ModelForm):
    logo = LogoField(label=_("Logo"), required=False)

    class Meta:
        model = Organization
        fields = [
            "name",
            "address",
            "postcode",
            "city",
            "country",
            "kvk_number",
            "vat_id",
            "iban",
            "bic",
            "email",
            "email_copy_to_self",
            "phone",
            "logo",
            "payment_term_days",
            "invoice_number_yearly_reset",
            "default_language",
        ]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name of your business."))
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email_copy_to_self") and not cleaned.get("email"):
            self.add_error("email", _("Enter the address the copies should go to."))
        return cleaned


class NewOrganizationForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name"]


class InvitationForm(SingleLineMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(organization=self.organization, user__email=email).exists():
            raise forms.ValidationError(_("This person is already a member."))
        open_invites = Invitation.objects.filter(
            organization=self.organization, email=email, accepted_at__isnull=True
        )
        if any(invite.is_open for invite in open_invites):
            raise forms.ValidationError(_("An invitation has already been sent to this address."))
        return email


class ProfileForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class EmailChangeForm(SingleLineMixin, forms.Form):
    new_email = forms.EmailField(
        label=_("New email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your current password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].lower()
        if email == self.user.email.lower():
            raise forms.ValidationError(_("This is already your email address."))
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Another account already uses this email address."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Your password was entered incorrectly."))
        return password


class AcceptInvitationForm(SingleLineMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        candidate = User(email=self.email, full_name=self.data.get("full_name", ""))
        password_validation.validate_password(password, candidate)
        return password

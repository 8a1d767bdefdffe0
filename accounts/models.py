import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.identifiers import normalize_party_fields, validate_bic, validate_iban
from accounts.validators import validate_invoice_number_format

LANGUAGE_CHOICES = [("nl", _("Dutch")), ("en", _("English"))]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        # An operator made this account at the console: the address is theirs to vouch for.
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Email is the login name; the language is per user."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=LANGUAGE_CHOICES, default="nl"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # When the user proved the address is theirs (a link sent to it was opened); until then
    # nothing is emailed on their behalf (accounts/sending.py).
    email_verified_at = models.DateTimeField(_("email address verified"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


kvk_validator = RegexValidator(r"^\d{8}$", _("A KvK number has 8 digits."))


class Organization(models.Model):
    """The business that sends invoices: the tenant every domain row belongs to."""

    name = models.CharField(_("legal name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="NL")
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[kvk_validator]
    )
    vat_id = models.CharField(_("VAT id (btw-id)"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/%Y/", blank=True)
    payment_term_days = models.PositiveSmallIntegerField(
        _("default payment term (days)"),
        default=14,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
    )
    invoice_number_format = models.CharField(
        _("invoice number format"),
        max_length=40,
        default="{year}-{seq:04}",
        validators=[validate_invoice_number_format],
        help_text=_("Use {year} and {seq}, for example {year}-{seq:04} gives 2026-0001."),
    )
    quote_number_format = models.CharField(
        _("quote number format"),
        max_length=40,
        default="O{year}-{seq:04}",
        validators=[validate_invoice_number_format],
        help_text=_("Use {year} and {seq}, for example O{year}-{seq:04} gives O2026-0001."),
    )
    invoice_number_yearly_reset = models.BooleanField(
        _("restart numbering every year"), default=True
    )
    default_language = models.CharField(
        _("default document language"), max_length=5, choices=LANGUAGE_CHOICES, default="nl"
    )
    email_copy_to_self = models.BooleanField(
        _("Send me a copy (bcc)"), default=False,
        help_text=_("Every invoice email also goes, as a blind copy, to the email address above."),
    )
    require_two_factor = models.BooleanField(
        _("Two-step verification required for all members"), default=False,
        help_text=_("Members without two-step verification are asked to turn it on before "
                    "they can work in this organization."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        normalize_party_fields(self)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


def _invitation_token() -> str:
    """The clear token of before migration 0004 (its migrations still name this default)."""
    return secrets.token_urlsafe(32)


def _invitation_nonce() -> str:
    return secrets.token_hex(16)


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An emailed invitation to join an organization; accepted once, valid for a week."""

    VALID_FOR = timedelta(days=7)

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    # The link's token is an HMAC of the nonce under SECRET_KEY (so the worker can rebuild it
    # for the email); only its hash is stored: the database alone opens no invitation.
    nonce = models.CharField(max_length=32, default=_invitation_nonce, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token_hash = invitation_token_hash(self.token())
        super().save(*args, **kwargs)

    def token(self) -> str:
        """The secret of the emailed link (never stored)."""
        return salted_hmac("accounts.Invitation", self.nonce, algorithm="sha256").hexdigest()

    @classmethod
    def for_token(cls, token: str):
        """The invitation this link's token opens, or None."""
        return cls.objects.filter(token_hash=invitation_token_hash(token)).first()

    @property
    def is_expired(self) -> bool:
        return timezone.now() > self.created_at + self.VALID_FOR

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and not self.is_expired

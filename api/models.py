"""API tokens of an organization and the requests made with them.

A token is shown once: only the SHA-256 of the whole token is stored (the token carries 256
random bits, so a plain hash cannot be reversed and needs no key that could rotate away). The
short prefix ("fct_" and eight characters) stays readable, so a user can tell which token a
leaked string is."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import OrganizationOwnedModel, OrganizationQuerySet

TOKEN_PREFIX = "fct_"  # noqa: S105 (a public prefix, not a secret)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(OrganizationQuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ApiToken(OrganizationOwnedModel):
    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices,
                             default=Scope.READ)
    prefix = models.CharField(_("token starts with"), max_length=20, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiRequest(OrganizationOwnedModel):
    """One request made with a token: who (the token's name, kept when the token goes),
    what and the answer's status; the token page lists the latest."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="requests")
    token_name = models.CharField(_("token"), max_length=100)
    at = models.DateTimeField(_("time"), default=timezone.now)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("status"))

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["token", "-at"])]
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status_code}"

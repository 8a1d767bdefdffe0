"""Tenant scoping. Every domain row carries its organization; views load rows only through
``for_organization`` (or ``get_for_org_or_404``), so another organization's id is a 404."""

from django.db import models
from django.http import Http404, HttpRequest


class OrganizationQuerySet(models.QuerySet):
    def for_organization(self, organization) -> "OrganizationQuerySet":
        if organization is None:
            return self.none()
        return self.filter(organization=organization)


class OrganizationOwnedModel(models.Model):
    """Abstract base for every row that belongs to one organization."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        abstract = True


def get_for_org_or_404(request: HttpRequest, queryset_or_model, **lookup):
    """Fetch one row of the active organization, or raise Http404 (never 403: no leaks)."""
    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model
    )
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    try:
        return queryset.filter(organization=organization).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc

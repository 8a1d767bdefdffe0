from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken


class HasToken(permissions.BasePermission):
    """Every endpoint needs a token; one with the read scope may only read."""

    message = _("This API token may only read; make a token with the write scope.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        return request.method in permissions.SAFE_METHODS or token.can_write

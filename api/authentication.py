"""``Authorization: Bearer <token>``: the token acts for its own organization only, as the
member who made it, while that person is still a member."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import Membership
from api.models import ApiToken
from api.services import token_for

INVALID = _("The API token is invalid, expired or revoked.")


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        token = token_for(parts[1].decode("latin-1"))
        if token is None or not _still_member(token):
            raise exceptions.AuthenticationFailed(INVALID)
        return token.created_by, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


def _still_member(token: ApiToken) -> bool:
    user = token.created_by
    return user.is_active and Membership.objects.filter(
        organization_id=token.organization_id, user=user).exists()


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI document names the scheme, so the reference page's "Authorize" takes a
    token."""

    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API token from Settings > API: fct_…"}

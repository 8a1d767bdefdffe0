"""Workflows of API tokens: create (the token is returned once), revoke, record a request."""

import logging
import secrets

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from accounts.models import Organization
from api.models import TOKEN_PREFIX, ApiRequest, ApiToken, token_digest

logger = logging.getLogger("api.requests")
# Rows kept per token for the token page; older ones are removed as new ones come in.
REQUESTS_KEPT = 200


@transaction.atomic
def token_create(*, organization: Organization, user, name: str, scope: str,
                 expires_at=None) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned here only and never stored."""
    public = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        organization=organization, created_by=user, name=name, scope=scope,
        expires_at=expires_at, prefix=f"{TOKEN_PREFIX}{public}", digest=token_digest(plain))
    return token, plain


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """From this moment on the token authenticates nothing (it is checked on each request)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for(plain: str) -> ApiToken | None:
    """The usable token with this text, with its organization and creator; None otherwise."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    return (ApiToken.objects.usable().select_related("organization", "created_by")
            .filter(digest=token_digest(plain)).first())


def request_record(*, token: ApiToken, method: str, path: str, status_code: int) -> None:
    """A row for the token page and a log line, both with the token's name (never its text)."""
    now = timezone.now()
    ApiRequest.objects.create(organization_id=token.organization_id, token=token,
                              token_name=token.name, at=now, method=method, path=path[:300],
                              status_code=status_code)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    _prune(token)
    logger.info("api request token=%r %s %s %s", token.name, method, path[:300], status_code,
                extra={"token_name": token.name, "token_id": token.pk,
                       "organization_id": token.organization_id, "method": method,
                       "path": path[:300], "status": status_code})


def _prune(token: ApiToken) -> None:
    """Keep the newest REQUESTS_KEPT rows of the token (one statement; none while fewer)."""
    cutoff = token.requests.order_by("-at", "-id").values("at")[REQUESTS_KEPT - 1:REQUESTS_KEPT]
    token.requests.filter(at__lt=Subquery(cutoff)).delete()

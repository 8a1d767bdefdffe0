"""Settings > API: the organization's tokens (made, shown once, revoked) and their requests."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import owner_required
from accounts.tenancy import get_for_org_or_404
from api import services
from api.forms import TokenForm
from api.models import ApiRequest, ApiToken

RECENT_REQUESTS = 25


@owner_required
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, plain = services.token_create(
            organization=request.organization, user=request.user,
            name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
            expires_at=form.expires_at())
        created = {"token": token, "plain": plain}
        form = TokenForm()
    response = render(request, "api/tokens.html", _context(request, form, created))
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


def _context(request, form, created) -> dict:
    organization = request.organization
    return {
        "form": form, "created": created, "settings_section": "api",
        "tokens": ApiToken.objects.for_organization(organization).select_related("created_by"),
        "recent": ApiRequest.objects.for_organization(organization)[:RECENT_REQUESTS],
    }


@owner_required
@require_POST
def token_revoke(request, pk: int):
    token = get_for_org_or_404(request, ApiToken, pk=pk)
    services.token_revoke(token=token)
    messages.success(request, _("Token %(name)s was revoked; it no longer works.")
                     % {"name": token.name})
    return redirect("api_tokens:tokens")

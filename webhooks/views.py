"""Settings › Webhooks: the organization's endpoints, each with its signing secret (for owners)
and its latest deliveries, a test ping and "send again" for a failed delivery."""

from django.contrib import messages
from django.db.models import Count, Max, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required, owner_required
from accounts.tenancy import get_for_org_or_404
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services import WebhookError

REVEAL_KEY = "webhooks_reveal"
DELIVERIES_SHOWN = 25


@organization_required
def endpoint_list(request):
    endpoints = Endpoint.objects.for_organization(request.organization).annotate(
        failed=Count("deliveries", filter=Q(deliveries__state=Delivery.State.FAILED)),
        last_delivery=Max("deliveries__created_at"),
    )
    return render(request, "webhooks/endpoint_list.html", {
        "settings_section": "webhooks", "endpoints": endpoints,
        "can_edit": request.membership.is_owner,
    })


def _save(request, form, endpoint=None):
    """The form's endpoint saved through the service, or None with the error on the form."""
    if not form.is_valid():
        return None
    try:
        if endpoint is None:
            return services.endpoint_create(organization=request.organization,
                                            data=form.endpoint_data(), user=request.user)
        return services.endpoint_update(endpoint=endpoint, data=form.endpoint_data())
    except WebhookError as error:
        form.add_error(error.field, str(error))
        return None


@owner_required
def endpoint_create(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and (endpoint := _save(request, form)):
        request.session[REVEAL_KEY] = endpoint.pk
        messages.success(request, _("The webhook was added. Copy its signing secret now."))
        return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html",
                  {"settings_section": "webhooks", "form": form})


@owner_required
def endpoint_edit(request, pk: int):
    endpoint = get_for_org_or_404(request, Endpoint, pk=pk)
    form = EndpointForm.for_endpoint(endpoint, request.POST or None)
    if request.method == "POST" and _save(request, form, endpoint):
        messages.success(request, _("The webhook was saved."))
        return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html",
                  {"settings_section": "webhooks", "form": form, "endpoint": endpoint})


def _deliveries(endpoint: Endpoint) -> list[Delivery]:
    attempts = Prefetch("attempts_made", queryset=Attempt.objects.order_by("-at", "-id"))
    return list(endpoint.deliveries.prefetch_related(attempts)[:DELIVERIES_SHOWN])


@sensitive_variables("secret")
def _detail(request, endpoint: Endpoint, secret: str = ""):
    return render(request, "webhooks/endpoint_detail.html", {
        "settings_section": "webhooks", "endpoint": endpoint, "secret": secret,
        "deliveries": _deliveries(endpoint), "can_edit": request.membership.is_owner,
    })


@never_cache
@organization_required
@sensitive_variables("secret")
def endpoint_detail(request, pk: int):
    endpoint = get_for_org_or_404(request, Endpoint, pk=pk)
    reveal = request.session.get(REVEAL_KEY) == endpoint.pk and request.membership.is_owner
    if reveal:
        del request.session[REVEAL_KEY]
    secret = services.endpoint_secret(endpoint=endpoint) if reveal else ""
    return _detail(request, endpoint, secret)


@never_cache
@require_POST
@owner_required
def endpoint_secret(request, pk: int):
    endpoint = get_for_org_or_404(request, Endpoint, pk=pk)
    return _detail(request, endpoint, services.endpoint_secret(endpoint=endpoint))


@require_POST
@owner_required
def endpoint_new_secret(request, pk: int):
    endpoint = services.endpoint_new_secret(
        endpoint=get_for_org_or_404(request, Endpoint, pk=pk))
    request.session[REVEAL_KEY] = endpoint.pk
    messages.success(request, _("A new signing secret was made; the old one no longer works."))
    return redirect("webhooks:endpoint_detail", pk=endpoint.pk)


@require_POST
@owner_required
def endpoint_delete(request, pk: int):
    services.endpoint_delete(endpoint=get_for_org_or_404(request, Endpoint, pk=pk))
    messages.success(request, _("The webhook was deleted."))
    return redirect("webhooks:endpoint_list")


@require_POST
@owner_required
def endpoint_ping(request, pk: int):
    endpoint = get_for_org_or_404(request, Endpoint, pk=pk)
    services.endpoint_ping(endpoint=endpoint)
    messages.success(request, _("A test was sent; its result is in the list below."))
    return redirect("webhooks:endpoint_detail", pk=endpoint.pk)


@require_POST
@owner_required
def delivery_resend(request, pk: int):
    delivery = get_for_org_or_404(request, Delivery, pk=pk)
    try:
        services.delivery_resend(delivery=delivery)
    except WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The delivery is being sent again."))
    return redirect("webhooks:endpoint_detail", pk=delivery.endpoint_id)

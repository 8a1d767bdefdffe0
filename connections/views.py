"""Instellingen > Verbindingen: the e-Boekhouden.nl connection of the active organization.

Everyone in the organization sees the page; only owners connect, configure, enter a new
security code 1 or disconnect. The codes are write-only: never rendered, never in the session
(between the steps they live encrypted on the Connection row)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required, owner_required
from accounts.limits import TOO_MANY_REQUESTS, limited
from accounts.tenancy import get_for_org_or_404
from connections import services
from connections.crypto import CredentialDecryptError
from connections.forms import (
    AdministrationForm,
    ApiTokenForm,
    ConnectForm,
    InvoiceModeForm,
    LedgerForm,
    SecurityCode1Form,
)
from connections.models import Connection
from eboekhouden.client import EbhError
from invoicing.extensions import start_items

SECRET_POST_FIELDS = ("username", "security_code_1", "security_code_2", "api_token")
TOKEN_REFUSALS = (EbhError, services.TokenWithoutAdministration, services.OtherAdministration)


def _sync_errors(organization) -> tuple[str, int] | None:
    """The sync's error list link and count, when the sync provides one (a setting)."""
    path = getattr(settings, "CONNECTIONS_SYNC_ERRORS", None)
    if not path:
        return None
    url, count = import_string(path)(organization)
    return url, count


def _context(request, **extra) -> dict:
    return {"settings_section": "connections", "can_change": request.membership.is_owner,
            **extra}


@organization_required
def overview(request):
    connection = services.connection_get(organization=request.organization)
    sync_errors = _sync_errors(request.organization)
    return render(request, "connections/overview.html", _context(
        request,
        connection=connection,
        sync_errors_url=sync_errors[0] if sync_errors else None,
        sync_errors_count=sync_errors[1] if sync_errors else 0,
        notices=start_items(request.organization)["notice"],  # e.g. what an import brought in
    ))


@owner_required
@sensitive_post_parameters(*SECRET_POST_FIELDS)
@sensitive_variables()
def connect(request):
    """Two ways in: an API token (REST, recommended) or username and security codes (SOAP).
    The hidden ``method`` field says which form was sent."""
    codes = request.method == "POST" and request.POST.get("method", "codes") == "codes"
    token_form = ApiTokenForm(request.POST if request.method == "POST" and not codes else None)
    form = ConnectForm(request.POST if codes else None)
    if _too_many_attempts(request):
        return render(request, "connections/connect.html", _context(
            request, form=form, token_form=token_form), status=TOO_MANY_REQUESTS)
    connection = None
    if codes and form.is_valid():
        connection = _connect(request, form, services.connection_connect, form.cleaned_data)
    elif request.method == "POST" and not codes and token_form.is_valid():
        connection = _connect(request, token_form, services.connection_connect_token,
                              token_form.cleaned_data)
    if connection is not None:
        messages.success(request, _("Connected to e-Boekhouden.nl. Now choose the "
                                    "ledger accounts."))
        return redirect("connections:configure", pk=connection.pk)
    return render(request, "connections/connect.html", _context(
        request, form=form, token_form=token_form))


def _too_many_attempts(request) -> bool:
    """Every POST that would try credentials at e-Boekhouden.nl counts, per organization."""
    return request.method == "POST" and limited(
        request, connect_organization=request.organization.pk)


@sensitive_variables()
def _connect(request, form, service, data: dict):
    try:
        return service(organization=request.organization, **data)
    except TOKEN_REFUSALS as error:
        form.apply_error(error)
    return None


def _load_choices_or_redirect(request, connection: Connection, administration: str):
    try:
        return services.connection_load_choices(
            connection=connection, administration=administration
        ), None
    except CredentialDecryptError:
        messages.error(request, _("The stored credentials cannot be read. Connect again."))
    except (EbhError, services.AdministrationNotAvailable) as error:
        messages.error(request, error.user_message)
        if administration:
            # Only this other administration failed: back to the working choice.
            return None, redirect("connections:configure", pk=connection.pk)
    return None, redirect("connections:overview")


@owner_required
@sensitive_variables()
def configure(request, pk: int):
    connection = get_for_org_or_404(request, Connection, pk=pk)
    if not connection.has_credentials:
        messages.info(request, _("Connect to e-Boekhouden.nl first."))
        return redirect("connections:connect")
    wanted = request.POST.get("administration") or request.GET.get("administration", "")
    choices, response = _load_choices_or_redirect(request, connection, wanted)
    if response is not None:
        return response
    if wanted and wanted != choices.key:
        messages.error(request, _("That administration is not available for these codes."))
        return redirect("connections:configure", pk=connection.pk)
    admin_form = AdministrationForm(initial={"administration": choices.key}, choices=choices)
    form = LedgerForm(request.POST or None, connection=connection, choices=choices)
    mode_form = InvoiceModeForm(request.POST or None, connection=connection)
    if request.method == "POST" and all([form.is_valid(), mode_form.is_valid()]):
        services.connection_configure(
            connection=connection,
            choices=choices,
            overrides=[services.OverrideChoice(*o) for o in form.overrides()],
            invoicing=services.InvoiceSettings(**mode_form.settings()),
            cost_centre_id=form.cost_centre_id(),
            **{name: form.cleaned_data[name] for name in
               ("debtor_account", "creditor_account", "sales_contra_account",
                "purchase_contra_account")},
        )
        messages.success(request, _("The connection with e-Boekhouden.nl is set up. New "
                                    "invoices are booked automatically."))
        return redirect("connections:overview")
    return render(request, "connections/configure.html", _context(
        request, connection=connection, choices=choices, admin_form=admin_form, form=form,
        mode_form=mode_form,
    ))


@owner_required
@sensitive_post_parameters("security_code_1")
@sensitive_variables()
def security_code(request, pk: int):
    connection = get_for_org_or_404(request, Connection, pk=pk)
    if not connection.has_credentials:
        messages.info(request, _("Connect to e-Boekhouden.nl first."))
        return redirect("connections:connect")
    if connection.uses_rest:
        return redirect("connections:api_token", pk=connection.pk)
    form = SecurityCode1Form(request.POST or None)
    if _too_many_attempts(request):
        return render(request, "connections/security_code.html", _context(
            request, connection=connection, form=form), status=TOO_MANY_REQUESTS)
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_update_security_code_1(
                connection=connection, security_code_1=form.cleaned_data["security_code_1"]
            )
        except CredentialDecryptError:
            messages.error(request, _("The stored credentials cannot be read. Connect again."))
            return redirect("connections:overview")
        except EbhError as error:
            form.apply_error(error)
        else:
            messages.success(request, _("Security code 1 is updated. Paused bookings are sent "
                                        "again."))
            return redirect("connections:overview")
    return render(request, "connections/security_code.html", _context(
        request, connection=connection, form=form,
    ))


@owner_required
@sensitive_post_parameters("api_token")
@sensitive_variables()
def api_token(request, pk: int):
    """A new API token for the connected administration: after "Actie nodig" on a token
    connection, or to switch a connection with security codes over to an API token."""
    connection = get_for_org_or_404(request, Connection, pk=pk)
    if not connection.is_configured:
        messages.info(request, _("Connect to e-Boekhouden.nl first."))
        return redirect("connections:connect")
    switching = not connection.uses_rest
    form = ApiTokenForm(request.POST or None)
    if _too_many_attempts(request):
        return render(request, "connections/api_token.html", _context(
            request, connection=connection, form=form, switching=switching),
            status=TOO_MANY_REQUESTS)
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_use_api_token(
                connection=connection, api_token=form.cleaned_data["api_token"])
        except CredentialDecryptError:
            messages.error(request, _("The stored credentials cannot be read. Connect again."))
            return redirect("connections:overview")
        except TOKEN_REFUSALS as error:
            form.apply_error(error)
        else:
            messages.success(request, _("The API token is saved. Paused bookings are sent "
                                        "again."))
            return redirect("connections:overview")
    return render(request, "connections/api_token.html", _context(
        request, connection=connection, form=form, switching=switching,
    ))


@owner_required
@require_POST
def disconnect(request, pk: int):
    connection = get_for_org_or_404(request, Connection, pk=pk)
    services.connection_disconnect(connection=connection)
    messages.success(request, _("The connection with e-Boekhouden.nl is ended. The stored "
                                "codes are deleted; you can connect again at any time."))
    return redirect("connections:overview")

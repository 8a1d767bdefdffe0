"""Workflows of a connection: connect, configure, action needed, new code 1, disconnect.

Calls to e-Boekhouden happen before the database transaction that stores their outcome, so
a slow service never holds row locks. The client comes from settings.EBH_CLIENT_CLASS
(connections.clients); the protocol itself is the ``eboekhouden`` package.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import Organization
from connections import signals
from connections.clients import client_for, get_client, get_rest_client
from connections.models import (
    Connection,
    ConnectionEvent,
    InvoiceMode,
    LedgerOverride,
    OwnerNotice,
    Transport,
)
from connections.notices import owners_notify
from eboekhouden.client import (
    Administration,
    ApiToken,
    AuthenticationError,
    CostCentre,
    Credentials,
    EbhClient,
    LedgerAccount,
    RejectedError,
    Session,
)


def _client() -> EbhClient:
    return get_client()


def _credentials(username: str, security_code_1: str, security_code_2: str) -> Credentials:
    return Credentials(username.strip(), security_code_1.strip(), security_code_2.strip())


def connection_get(*, organization: Organization) -> Connection:
    """The organization's connection; an unsaved, not connected one if it never connected."""
    connection = Connection.objects.for_organization(organization).first()
    return connection or Connection(organization=organization)


@sensitive_variables()
def connection_credentials(*, connection: Connection) -> Credentials:
    """Decrypt the stored codes (raises crypto.CredentialDecryptError when that fails)."""
    return _credentials(
        connection.credential("username"),
        connection.credential("security_code_1"),
        connection.credential("security_code_2"),
    )


@sensitive_variables()
def session_credentials(*, connection: Connection) -> Credentials | ApiToken:
    """What opens a session for this connection: its API token (REST) or its three codes."""
    if connection.uses_rest:
        return ApiToken(connection.credential("api_token").strip())
    return connection_credentials(connection=connection)


def uses_sub_session(connection: Connection) -> bool:
    return connection.uses_sub_session and not connection.uses_rest


@contextlib.contextmanager
@sensitive_variables()
def connection_session(*, connection: Connection) -> Iterator[tuple[EbhClient, Session]]:
    """One session in the connection's administration, closed at the end (used by the sync,
    the imports and the reconciliation), over the connection's own transport."""
    client = client_for(connection)
    with client.session(
        session_credentials(connection=connection),
        administration_guid=connection.administration_guid(),
        sub=uses_sub_session(connection),
    ) as session:
        yield client, session


# --- Connect ---------------------------------------------------------------------------------


@sensitive_variables()
def connection_connect(
    *, organization: Organization, username: str, security_code_1: str, security_code_2: str
) -> Connection:
    """Verify the three codes with OpenSession; only then store them (encrypted).

    Raises eboekhouden.client.EbhError when the service refuses or cannot be reached; nothing is
    stored then."""
    credentials = _credentials(username, security_code_1, security_code_2)
    with _client().session(credentials):
        pass
    return _store_new_credentials(organization=organization, credentials=credentials)


@transaction.atomic
@sensitive_variables()
def _store_new_credentials(*, organization: Organization, credentials: Credentials) -> Connection:
    connection, _created = Connection.objects.select_for_update().get_or_create(
        organization=organization
    )
    connection.set_credential("username", credentials.username)
    connection.set_credential("security_code_1", credentials.security_code_1)
    connection.set_credential("security_code_2", credentials.security_code_2)
    connection.api_token_encrypted = ""
    connection.transport = Transport.SOAP
    now = timezone.now()
    # New codes may belong to another account: the administration must be chosen again.
    connection.status = Connection.Status.CONNECTED
    connection.status_reason = ""
    connection.connected_at = connection.credentials_updated_at = now
    connection.configured_at = None
    connection.disconnected_at = None
    connection.save()
    return connection


class TokenWithoutAdministration(Exception):
    """The API token opens a session but e-Boekhouden names no administration behind it."""

    user_message = _("e-Boekhouden.nl shows no administration for this API token.")


class OtherAdministration(Exception):
    """The API token belongs to another administration than the connected one."""

    user_message = _(
        "This API token belongs to another administration than the connected one. Create the "
        "API token in the administration your invoices are booked in."
    )


@sensitive_variables()
def token_administration(api_token: str) -> Administration:
    """Open a session with the token and read the administration behind it
    (GET /v1/administration/linked). Raises EbhError when e-Boekhouden refuses."""
    client = get_rest_client()
    with client.session(ApiToken(api_token.strip())) as session:
        administrations = client.get_administraties(session)
    if not administrations:
        raise TokenWithoutAdministration
    return administrations[0]


@sensitive_variables()
def connection_connect_token(*, organization: Organization, api_token: str) -> Connection:
    """Verify an API token by opening a session with it; only then store it (encrypted). A
    token belongs to one administration: there is no administration to choose."""
    token_administration(api_token)
    return _store_new_token(organization=organization, api_token=api_token.strip())


@transaction.atomic
@sensitive_variables()
def _store_new_token(*, organization: Organization, api_token: str) -> Connection:
    connection, _created = Connection.objects.select_for_update().get_or_create(
        organization=organization
    )
    for name in ("username", "security_code_1", "security_code_2"):
        setattr(connection, f"{name}_encrypted", "")
    connection.set_credential("api_token", api_token)
    connection.transport = Transport.REST
    connection.uses_sub_session = False
    now = timezone.now()
    connection.status = Connection.Status.CONNECTED
    connection.status_reason = ""
    connection.connected_at = connection.credentials_updated_at = now
    connection.configured_at = None
    connection.disconnected_at = None
    connection.save()
    return connection


@sensitive_variables()
def connection_use_api_token(*, connection: Connection, api_token: str) -> Connection:
    """A new API token for a connected administration: after "Actie nodig" on a REST
    connection, or to switch a SOAP connection to REST. The token must belong to the SAME
    administration (its Guid is compared with the stored one), so the stored relation and
    mutation numbers stay valid and nothing is booked again; paused bookings resume."""
    administration = token_administration(api_token)
    if administration.guid.upper() != connection.administration_guid().upper():
        raise OtherAdministration
    return _store_token(connection=connection, api_token=api_token.strip())


@transaction.atomic
@sensitive_variables()
def _store_token(*, connection: Connection, api_token: str) -> Connection:
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    for name in ("username", "security_code_1", "security_code_2"):
        setattr(connection, f"{name}_encrypted", "")
    connection.set_credential("api_token", api_token)
    connection.transport = Transport.REST
    connection.uses_sub_session = False
    connection.status = Connection.Status.CONNECTED
    connection.status_reason = ""
    connection.credentials_updated_at = timezone.now()
    connection.save()
    signals.credentials_restored.send(sender=Connection, connection=connection)
    return connection


# --- Configure -------------------------------------------------------------------------------


class AdministrationNotAvailable(Exception):
    """The chosen administration cannot be opened with the stored codes."""

    @property
    def user_message(self) -> str:
        return str(_("This administration cannot be opened with these codes. Connect with "
                     "security code 2 of that administration instead."))


def administration_key(guid: str) -> str:
    """An opaque stand-in for an administration's Guid in pages and URLs: the Guid is that
    administration's security code 2, so it is never rendered."""
    return salted_hmac("connections.administration", guid.upper()).hexdigest()[:20]


@dataclass(frozen=True)
class ConfigureChoices:
    """What the service offers for the configure step, for one chosen administration."""

    administrations: list[Administration]
    administration: Administration
    uses_sub_session: bool
    # Plain accounts reach another administration with its Guid as security code 2.
    use_guid_as_security_code_2: bool
    ledgers: list[LedgerAccount] = field(default_factory=list)
    cost_centres: list[CostCentre] = field(default_factory=list)

    def options(self) -> list[tuple[str, str]]:
        """(key, label) per administration, for a select that never shows the Guids."""
        return [
            (administration_key(a.guid), f"{a.name} ({a.city})" if a.city else a.name)
            for a in self.administrations
        ]

    @property
    def key(self) -> str:
        return administration_key(self.administration.guid)

    def cost_centre_labels(self) -> dict[int, str]:
        """id -> name with its parents ("Algemeen › Webwinkel"), sorted by that name."""
        by_id = {c.id: c for c in self.cost_centres if c.id}
        labels = {c_id: " › ".join(_cost_centre_path(by_id, c_id)) for c_id in by_id}
        return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


def _cost_centre_path(by_id: dict, c_id: int) -> list[str]:
    names: list[str] = []
    while c_id in by_id and len(names) < len(by_id):  # the bound stops a cycle of parents
        names.insert(0, by_id[c_id].description or str(c_id))
        c_id = by_id[c_id].parent_id
    return names


def connection_load_choices(
    *, connection: Connection, administration: str = ""
) -> ConfigureChoices:
    """Administrations of the account and the ledger accounts of the chosen one: the one
    whose ``administration_key`` is ``administration``, else the stored one, else the one
    security code 2 belongs to, else the first."""
    try:
        return _load_choices(connection, administration)
    except AuthenticationError as exc:
        connection_mark_action_needed(connection=connection, reason=_reason(exc))
        raise


@sensitive_variables()
def _load_choices(connection: Connection, key: str) -> ConfigureChoices:
    if connection.uses_rest:
        return _load_token_choices(connection)
    client = _client()
    credentials = connection_credentials(connection=connection)
    with client.session(credentials) as session:
        administrations = client.get_administraties(session)
    by_key = {administration_key(a.guid): a for a in administrations}
    chosen = (
        by_key.get(key)
        or by_key.get(administration_key(connection.administration_guid()))
        or by_key.get(administration_key(credentials.security_code_2))
        or (administrations[0] if administrations else None)
    )
    if chosen is None:
        raise RejectedError("E001.2", "no administration")
    sub, swap, session_credentials = _route_to(client, credentials, chosen.guid)
    with client.session(
        session_credentials, administration_guid=chosen.guid, sub=sub
    ) as session:
        ledgers = client.get_grootboekrekeningen(session)
        cost_centres = _cost_centres(client, session)
    return ConfigureChoices(administrations, chosen, sub, swap, ledgers, cost_centres)


@sensitive_variables()
def _load_token_choices(connection: Connection) -> ConfigureChoices:
    """REST: the token's own administration (no choice), its ledgers and cost centres."""
    client = client_for(connection)
    with client.session(session_credentials(connection=connection)) as session:
        administrations = client.get_administraties(session)
        if not administrations:
            raise RejectedError("E001.2", "no administration")
        ledgers = client.get_grootboekrekeningen(session)
        cost_centres = _cost_centres(client, session)
    return ConfigureChoices(administrations[:1], administrations[0], False, False, ledgers,
                            cost_centres)


def _cost_centres(client: EbhClient, session: Session) -> list[CostCentre]:
    try:
        return client.get_kostenplaatsen(session)
    except RejectedError:
        # Cost centres are optional: an administration that refuses to list them has none
        # to choose from, which must not block choosing the ledger accounts.
        return []


@sensitive_variables()
def _route_to(
    client: EbhClient, credentials: Credentials, guid: str
) -> tuple[bool, bool, Credentials]:
    """How to open a session in administration ``guid``: (sub session, swap code 2, creds).

    The administration security code 2 belongs to opens with OpenSession. Accountant accounts
    open the others with OpenSessionSub; plain accounts answer E002.5 to that, and then use the
    administration's Guid (which is its security code 2) with OpenSession."""
    if guid.upper() == credentials.security_code_2.upper():
        return False, False, credentials
    try:
        client.close_session(client.open_session_sub(credentials, guid))
    except AuthenticationError as exc:
        if exc.code != "E002.5":
            raise
    else:
        return True, False, credentials
    swapped = credentials.with_security_code_2(guid)
    try:
        client.close_session(client.open_session(swapped))
    except AuthenticationError:
        # The stored codes still work; only this other administration is out of reach.
        raise AdministrationNotAvailable from None
    return False, True, swapped


@dataclass(frozen=True)
class OverrideChoice:
    kind: str
    vat_code: str
    account: str


@dataclass(frozen=True)
class InvoiceSettings:
    """How invoices of checked work orders reach e-Boekhouden (see connections.forms)."""

    invoice_mode: str = InvoiceMode.BOOKING
    invoice_template: str = ""
    email_by_eboekhouden: bool = False
    email_subject: str = ""
    email_message: str = ""
    email_from_address: str = ""
    email_from_name: str = ""


@transaction.atomic
@sensitive_variables()
def connection_configure(
    *,
    connection: Connection,
    choices: ConfigureChoices,
    debtor_account: str,
    creditor_account: str,
    sales_contra_account: str,
    purchase_contra_account: str,
    overrides: Iterable[OverrideChoice] = (),
    invoicing: InvoiceSettings | None = None,
    cost_centre_id: int = 0,
) -> Connection:
    """Store the chosen administration and ledger accounts (from ``connection_load_choices``),
    the default cost centre (0: none, or one of ``choices.cost_centres``) and, when given, how
    work order invoices reach e-Boekhouden."""
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    administration = choices.administration
    if choices.use_guid_as_security_code_2:
        connection.set_credential("security_code_2", administration.guid)
        connection.credentials_updated_at = timezone.now()
    connection.set_credential("administration_guid", administration.guid)
    connection.administration_name = administration.name
    connection.uses_sub_session = choices.uses_sub_session
    connection.debtor_account = debtor_account
    connection.creditor_account = creditor_account
    connection.sales_contra_account = sales_contra_account
    connection.purchase_contra_account = purchase_contra_account
    _set_cost_centre(connection, choices, cost_centre_id)
    _keep_chart(connection, choices)
    connection.configured_at = timezone.now()
    if invoicing is not None:
        for name, value in vars(invoicing).items():
            setattr(connection, name, value)
    connection.save()
    connection.overrides.all().delete()
    LedgerOverride.objects.bulk_create(
        LedgerOverride(connection=connection, kind=o.kind, vat_code=o.vat_code, account=o.account)
        for o in overrides
    )
    if connection.can_sync:
        # Bookings made while the connection was not set up yet were paused: send them now.
        signals.credentials_restored.send(sender=Connection, connection=connection)
        signals.configured.send(sender=Connection, connection=connection)
    return connection


def _set_cost_centre(connection: Connection, choices: ConfigureChoices, c_id: int) -> None:
    name = choices.cost_centre_labels().get(c_id, "")
    connection.default_cost_centre_id = c_id if name else 0
    connection.default_cost_centre_name = name[:100]


def _keep_chart(connection: Connection, choices: ConfigureChoices) -> None:
    connection.chart = [
        {"code": lg.code, "description": lg.description, "category": lg.category}
        for lg in choices.ledgers
    ]
    connection.cost_centres = [
        {"id": c_id, "label": label} for c_id, label in choices.cost_centre_labels().items()
    ]
    connection.chart_read_at = timezone.now()


# --- Action needed and a new security code 1 -----------------------------------------------


def _reason(exc: Exception) -> str:
    code = getattr(exc, "code", "")
    description = getattr(exc, "description", "")
    return f"{code}: {description}"[:300] if description else str(code)[:300]


@transaction.atomic
def connection_mark_action_needed(*, connection: Connection, reason: str) -> Connection:
    """The service refused the stored credentials (E001.x during a sync): pause the
    connection until the user enters the new security code 1. No-op unless connected."""
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    if connection.status == Connection.Status.CONNECTED:
        connection.status = Connection.Status.ACTION_NEEDED
        connection.status_reason = reason[:300]
        connection.save(update_fields=["status", "status_reason", "updated_at"])
        ConnectionEvent.objects.create(
            connection=connection, action=ConnectionEvent.Action.PAUSED, reason=reason[:300])
        owners_notify(organization=connection.organization,
                      cause=OwnerNotice.Cause.ACTION_NEEDED, path=reverse("connections:overview"))
    return connection


@sensitive_variables()
def connection_update_security_code_1(
    *, connection: Connection, security_code_1: str
) -> Connection:
    """Verify the new code 1 (in the configured administration) and store it; the paused
    syncs resume through the ``credentials_restored`` signal."""
    stored = connection_credentials(connection=connection)
    credentials = _credentials(stored.username, security_code_1, stored.security_code_2)
    with _client().session(
        credentials,
        administration_guid=connection.administration_guid(),
        sub=connection.uses_sub_session,
    ):
        pass
    return _store_security_code_1(
        connection=connection, security_code_1=credentials.security_code_1
    )


@transaction.atomic
@sensitive_variables()
def _store_security_code_1(*, connection: Connection, security_code_1: str) -> Connection:
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    connection.set_credential("security_code_1", security_code_1)
    connection.status = Connection.Status.CONNECTED
    connection.status_reason = ""
    connection.credentials_updated_at = timezone.now()
    connection.save()
    signals.credentials_restored.send(sender=Connection, connection=connection)
    return connection


# --- Disconnect ------------------------------------------------------------------------------


@transaction.atomic
def connection_disconnect(*, connection: Connection) -> Connection:
    """Delete the credentials; keep the row, its choices and the sync history, so the user can
    connect again later. Pending syncs are stopped through the ``disconnected`` signal."""
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    connection.clear_credentials()
    connection.status = Connection.Status.NOT_CONNECTED
    connection.status_reason = ""
    connection.configured_at = None
    connection.disconnected_at = timezone.now()
    connection.save()
    signals.disconnected.send(sender=Connection, connection=connection)
    return connection

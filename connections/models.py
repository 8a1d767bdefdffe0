"""The accounting link of an organization: one e-Boekhouden connection with encrypted
credentials, the chosen administration and ledger accounts, and its status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.tenancy import OrganizationOwnedModel, OrganizationQuerySet
from connections import crypto

# The three API codes. The administration's Guid is encrypted too: e-Boekhouden uses it as that
# administration's security code 2.
SECRET_FIELDS = ("username", "security_code_1", "security_code_2")
# The REST transport's one secret instead of the three codes (encrypted the same way).
TOKEN_FIELDS = ("api_token",)
ENCRYPTED_FIELDS = (*SECRET_FIELDS, *TOKEN_FIELDS, "administration_guid")

DEFAULT_DEBTOR_ACCOUNT = "1300"
DEFAULT_CREDITOR_ACCOUNT = "1600"
DEFAULT_SALES_CONTRA_ACCOUNT = "8000"
DEFAULT_PURCHASE_CONTRA_ACCOUNTS = ("4000", "7000")

# e-Boekhouden's BTW codes (SOAP_API.md §5.3) by side, for the per-rate overrides.
SALES_VAT_CODES = [
    ("HOOG_VERK_21", _("21% (high rate)")),
    ("LAAG_VERK_9", _("9% (low rate)")),
    ("VERL_VERK", _("Reverse charge (21%)")),
    ("VERL_VERK_L9", _("Reverse charge (9%)")),
    ("BI_EU_VERK", _("Goods within the EU")),
    ("BI_EU_VERK_D", _("Services within the EU")),
    ("BU_EU_VERK", _("Outside the EU")),
    ("AFST_VERK", _("Distance sales within the EU")),
    ("GEEN", _("No VAT")),
]
PURCHASE_VAT_CODES = [
    ("HOOG_INK_21", _("21% (high rate)")),
    ("LAAG_INK_9", _("9% (low rate)")),
    ("VERL_INK", _("Reverse charge (21%)")),
    ("VERL_INK_L9", _("Reverse charge (9%)")),
    ("BI_EU_INK", _("Within the EU")),
    ("BU_EU_INK", _("Outside the EU")),
    ("GEEN", _("No VAT")),
]


class InvoiceMode(models.TextChoices):
    """How the invoices of checked work orders reach e-Boekhouden."""

    BOOKING = "booking", _("As a booking of our own invoice")
    INVOICE_MODULE = "invoice_module", _("As an invoice in the invoicing module of e-Boekhouden.nl")


# The chart does not say whether a VW account is revenue or costs; the usual Dutch chart puts
# revenue under 8xxx and costs under 4xxx-7xxx, so those come first. Every VW account stays
# on offer: a bookkeeper may have a reason for any of them.
PREFERRED_PREFIXES = {"sales": ("8",), "purchase": ("4", "7", "5", "6")}


def prefix_rank(code: str, prefixes: tuple[str, ...]) -> int:
    for position, prefix in enumerate(prefixes):
        if code.startswith(prefix):
            return position
    return len(prefixes)


class Transport(models.TextChoices):
    """How the product talks to e-Boekhouden for one connection."""

    SOAP = "soap", _("Username and security codes (SOAP)")
    REST = "rest", _("API token (REST)")


class Connection(OrganizationOwnedModel):
    """One per organization. The three codes are stored only as ciphertext bound to the
    organization (see connections/crypto.py); read them with :meth:`credential`."""

    class Status(models.TextChoices):
        NOT_CONNECTED = "not_connected", _("Not connected")
        CONNECTED = "connected", _("Connected")
        ACTION_NEEDED = "action_needed", _("Action needed")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_CONNECTED
    )
    status_reason = models.CharField(_("status reason"), max_length=300, blank=True)
    username_encrypted = models.TextField(blank=True, editable=False)
    security_code_1_encrypted = models.TextField(blank=True, editable=False)
    security_code_2_encrypted = models.TextField(blank=True, editable=False)
    api_token_encrypted = models.TextField(blank=True, editable=False)
    transport = models.CharField(
        _("transport"), max_length=4, choices=Transport.choices, default=Transport.SOAP
    )
    administration_guid_encrypted = models.TextField(blank=True, editable=False)
    administration_name = models.CharField(_("administration name"), max_length=200, blank=True)
    uses_sub_session = models.BooleanField(
        _("accountant account (OpenSessionSub)"), default=False,
        help_text=_("The administration is opened through an accountant account."),
    )
    debtor_account = models.CharField(
        _("debtors account"), max_length=10, default=DEFAULT_DEBTOR_ACCOUNT
    )
    creditor_account = models.CharField(
        _("creditors account"), max_length=10, default=DEFAULT_CREDITOR_ACCOUNT
    )
    sales_contra_account = models.CharField(
        _("contra account for sales invoices"), max_length=10,
        default=DEFAULT_SALES_CONTRA_ACCOUNT,
    )
    purchase_contra_account = models.CharField(
        _("contra account for purchase invoices"), max_length=10,
        default=DEFAULT_PURCHASE_CONTRA_ACCOUNTS[0],
    )
    # Sent as KostenplaatsID on every booking line; 0 means none (SOAP_API.md §2). The name is
    # only for display: e-Boekhouden knows the cost centre by its id.
    default_cost_centre_id = models.BigIntegerField(_("default cost centre"), default=0)
    default_cost_centre_name = models.CharField(
        _("default cost centre name"), max_length=100, blank=True
    )
    # The chart of accounts and the cost centres as last read while configuring, so pages
    # (line editors, the booking preview) offer and check them without a call to the service:
    # [{"code", "description", "category"}] and [{"id", "label"}].
    chart = models.JSONField(_("chart of accounts"), default=list, blank=True)
    cost_centres = models.JSONField(_("cost centres"), default=list, blank=True)
    chart_read_at = models.DateTimeField(_("chart read at"), null=True, blank=True)
    invoice_mode = models.CharField(
        _("work order invoices"), max_length=20, choices=InvoiceMode.choices,
        default=InvoiceMode.BOOKING,
    )
    invoice_template = models.CharField(_("invoice template"), max_length=50, blank=True)
    email_by_eboekhouden = models.BooleanField(
        _("let e-Boekhouden.nl email the invoice"), default=False
    )
    email_subject = models.CharField(_("email subject"), max_length=200, blank=True)
    email_message = models.TextField(_("email message"), max_length=2000, blank=True)
    email_from_address = models.EmailField(_("sender address"), max_length=150, blank=True)
    email_from_name = models.CharField(_("sender name"), max_length=150, blank=True)
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)
    credentials_updated_at = models.DateTimeField(
        _("credentials updated at"), null=True, blank=True
    )
    configured_at = models.DateTimeField(_("configured at"), null=True, blank=True)
    disconnected_at = models.DateTimeField(_("disconnected at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-Boekhouden connection")
        verbose_name_plural = _("e-Boekhouden connections")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="connection_one_per_org"),
            # AddFactuur refuses an invoice without a template (CFACT027) and an email without
            # subject, message or sender (CFACT029-031): never store such a choice.
            models.CheckConstraint(
                condition=~models.Q(invoice_mode="invoice_module") | ~models.Q(invoice_template=""),
                name="connection_invoice_module_has_template",
            ),
            models.CheckConstraint(
                condition=models.Q(email_by_eboekhouden=False) | (
                    ~models.Q(email_subject="") & ~models.Q(email_message="")
                    & ~models.Q(email_from_address="")
                ),
                name="connection_email_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"e-Boekhouden.nl ({self.get_status_display()})"

    def __repr__(self) -> str:
        return f"<Connection {self.pk} org={self.organization_id} status={self.status}>"

    # --- derived values ---------------------------------------------------------------------

    @property
    def has_credentials(self) -> bool:
        names = TOKEN_FIELDS if self.uses_rest else SECRET_FIELDS
        return all(getattr(self, f"{name}_encrypted") for name in names)

    @property
    def uses_rest(self) -> bool:
        return self.transport == Transport.REST

    def chart_choices(self, kind: str) -> list[tuple[str, str]]:
        """The profit and loss accounts of the stored chart for "sales" or "purchase" lines,
        the usual ones for that side first, as (code, description)."""
        prefixes = PREFERRED_PREFIXES[kind]
        accounts = sorted((a for a in self.chart if a.get("category") == "VW"),
                          key=lambda a: (prefix_rank(a["code"], prefixes), a["code"]))
        return [(a["code"], a["description"]) for a in accounts]

    def cost_centre_choices(self) -> list[tuple[int, str]]:
        return [(c["id"], c["label"]) for c in self.cost_centres]

    @property
    def is_configured(self) -> bool:
        """Administration and ledger accounts are chosen."""
        return bool(self.administration_guid_encrypted) and self.configured_at is not None

    @property
    def can_sync(self) -> bool:
        """Bookings may be sent now (paused while action is needed or when disconnected)."""
        return (
            self.status == self.Status.CONNECTED and self.has_credentials and self.is_configured
        )

    @property
    def makes_invoices_in_module(self) -> bool:
        return self.invoice_mode == InvoiceMode.INVOICE_MODULE

    @property
    def is_connected(self) -> bool:
        return self.status != self.Status.NOT_CONNECTED

    @property
    def badge_class(self) -> str:
        return {
            self.Status.CONNECTED: "badge-success",
            self.Status.ACTION_NEEDED: "badge-warning",
        }.get(self.status, "badge-muted")

    # --- credentials ------------------------------------------------------------------------

    @sensitive_variables("value")
    def set_credential(self, name: str, value: str) -> None:
        if name not in ENCRYPTED_FIELDS:
            raise ValueError(f"not a credential field: {name}")
        token = crypto.encrypt(value, organization_id=self.organization_id, field=name)
        setattr(self, f"{name}_encrypted", token)

    def credential(self, name: str) -> str:
        """Decrypt one value; raises crypto.CredentialDecryptError rather than guessing."""
        if name not in ENCRYPTED_FIELDS:
            raise ValueError(f"not a credential field: {name}")
        return crypto.decrypt(
            getattr(self, f"{name}_encrypted"), organization_id=self.organization_id, field=name
        )

    def administration_guid(self) -> str:
        if not self.administration_guid_encrypted:
            return ""
        return self.credential("administration_guid")

    def clear_credentials(self) -> None:
        for name in ENCRYPTED_FIELDS:
            setattr(self, f"{name}_encrypted", "")

    def contra_account_for(
        self, *, kind: str, vat_code: str = "", product_account: str = ""
    ) -> str:
        """The contra account for a booking line: the product's own ledger account, else a
        per-VAT-code override, else the default for sales or purchase invoices."""
        if product_account:
            return product_account
        if vat_code:
            override = self.overrides.filter(kind=kind, vat_code=vat_code).first()
            if override is not None:
                return override.account
        if kind == LedgerOverride.Kind.PURCHASE:
            return self.purchase_contra_account
        return self.sales_contra_account


class LedgerOverride(models.Model):
    """A different contra account for sales or purchase lines with one VAT code."""

    class Kind(models.TextChoices):
        SALES = "sales", _("Sales invoices")
        PURCHASE = "purchase", _("Purchase invoices")

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="overrides"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    vat_code = models.CharField(_("VAT code"), max_length=12)
    account = models.CharField(_("contra account"), max_length=10)

    class Meta:
        verbose_name = _("ledger account override")
        verbose_name_plural = _("ledger account overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "vat_code"], name="ledger_override_unique"
            ),
        ]
        ordering = ["kind", "vat_code"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.vat_code} → {self.account}"

    @property
    def vat_label(self) -> str:
        codes = SALES_VAT_CODES if self.kind == self.Kind.SALES else PURCHASE_VAT_CODES
        return str(dict(codes).get(self.vat_code, self.vat_code))


class ConnectionEvent(models.Model):
    """The sync log's record of a connection stopping and starting again (no booking of its
    own: a pause stops all of them). Staff read it in the admin."""

    class Action(models.TextChoices):
        PAUSED = "paused", _("Paused: action needed")
        RESUMED = "resumed", _("Resumed")

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("connection event")
        verbose_name_plural = _("connection events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"


class OwnerNotice(OrganizationOwnedModel):
    """When the owners were last emailed that bookings stopped, per cause: at most one email
    a day each, however often the cause recurs."""

    class Cause(models.TextChoices):
        ACTION_NEEDED = "action_needed", _("The connection needs action")
        FAILING = "failing", _("Bookings fail")

    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    last_sent_at = models.DateTimeField(_("last sent"))

    class Meta:
        verbose_name = _("owner notice")
        verbose_name_plural = _("owner notices")
        constraints = [
            models.UniqueConstraint(fields=["organization", "cause"], name="owner_notice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.cause} {self.last_sent_at:%Y-%m-%d %H:%M}"

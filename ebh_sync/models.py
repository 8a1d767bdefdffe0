"""The sync's rows: the outbox of bookings (SyncJob) with its log, the per-connection lease, the
memory of e-Boekhouden relation ids, and export batches.

A job is written in the same transaction as the invoice event it books; the database, not the
broker, is the record of what still has to happen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import OrganizationOwnedModel, OrganizationQuerySet


class SyncJobQuerySet(OrganizationQuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(state=SyncJob.State.PENDING, next_attempt_at__lte=now)

    def needing_attention(self):
        """Refused or given up, stopped by a disconnect, or in doubt beyond what GetMutaties
        can show: each waits for the user."""
        return self.filter(state__in=SyncJob.NEEDS_ATTENTION)

    def requeued(self):
        """Sent again by the user (retry, or "book it now") and not booked yet: Foutmeldingen
        keeps showing them as queued again until they are booked or fail again."""
        asked = SyncEvent.objects.filter(job=OuterRef("pk"), action__in=SyncEvent.USER_REQUEUES)
        waiting = [SyncJob.State.PENDING, SyncJob.State.SENDING, SyncJob.State.PAUSED]
        return self.filter(state__in=waiting).filter(Exists(asked))

    def for_error_list(self):
        """What Foutmeldingen lists: the jobs waiting for the user and those it sent again."""
        return self.needing_attention() | self.requeued()


class SyncJob(OrganizationOwnedModel):
    """One booking to make in e-Boekhouden, exactly once."""

    class Kind(models.TextChoices):
        SALES_INVOICE = "sales", _("Sales invoice")
        PURCHASE_INVOICE = "purchase", _("Purchase invoice")
        # AddFactuur in e-Boekhouden's invoicing module instead of AddMutatie.
        WORK_ORDER_INVOICE = "work_order", _("Work order invoice")

    class State(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENDING = "sending", _("Sending")
        BOOKED = "booked", _("Booked")
        FAILED = "failed", _("Failed")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Not booked")
        # Sent without an answer, and GetMutaties cannot show whether it arrived: a person
        # looks in e-Boekhouden and decides (book it now, or it is already there).
        DOUBT = "doubt", _("Needs a decision")

    NEEDS_ATTENTION = (State.FAILED, State.CANCELLED, State.DOUBT)

    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.PROTECT, related_name="sync_jobs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sales_invoice = models.OneToOneField(
        "invoicing.SalesInvoice", on_delete=models.PROTECT, null=True, blank=True,
        related_name="sync_job",
    )
    purchase_invoice = models.OneToOneField(
        "invoicing.PurchaseInvoice", on_delete=models.PROTECT, null=True, blank=True,
        related_name="sync_job",
    )
    work_order = models.OneToOneField(
        "workorders.WorkOrder", on_delete=models.PROTECT, null=True, blank=True,
        related_name="sync_job",
    )
    invoice_number = models.CharField(_("invoice number"), max_length=50)
    invoice_date = models.DateField(_("invoice date"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # True while a request may have reached the service without us seeing the answer: the
    # next attempt first asks GetMutaties whether the booking is already there.
    in_doubt = models.BooleanField(_("in doubt"), default=False)
    # The highest mutation number the connection had received when this job was last sent.
    # GetMutaties shows only the newest 500 mutations: "not found" proves the booking did not
    # arrive only when the answer reaches back to this number.
    sent_after_number = models.BigIntegerField(
        _("last mutation number before sending"), null=True, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    mutation_number = models.BigIntegerField(_("mutation number"), null=True, blank=True)
    last_error_code = models.CharField(_("error code"), max_length=20, blank=True)
    last_error = models.CharField(_("error"), max_length=500, blank=True)
    batch = models.ForeignKey(
        "ExportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)
    # A work order invoice's PDF in e-Boekhouden (GetFacturen's URLPDFBestand), read once
    # right after AddFactuur, which answers with the number only.
    pdf_url = models.URLField(_("PDF in e-Boekhouden"), max_length=500, blank=True)

    objects = SyncJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="sales", sales_invoice__isnull=False, purchase_invoice__isnull=True,
                      work_order__isnull=True)
                    | Q(kind="purchase", purchase_invoice__isnull=False,
                        sales_invoice__isnull=True, work_order__isnull=True)
                    | Q(kind="work_order", work_order__isnull=False, sales_invoice__isnull=True,
                        purchase_invoice__isnull=True)
                ),
                name="sync_job_one_document",
            ),
        ]
        indexes = [
            models.Index(fields=["connection", "state", "next_attempt_at"]),
            models.Index(fields=["organization", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.invoice_number} ({self.get_state_display()})"

    @property
    def document(self):
        if self.kind == self.Kind.WORK_ORDER_INVOICE:
            return self.work_order
        return self.sales_invoice if self.kind == self.Kind.SALES_INVOICE else self.purchase_invoice

    @property
    def is_work_order_invoice(self) -> bool:
        return self.kind == self.Kind.WORK_ORDER_INVOICE


class SyncEvent(models.Model):
    """The log of a job: every attempt, outcome and user action, for support and staff."""

    # Each of these events stands for one look-up call (GetMutaties, or GetFacturen for a
    # work order invoice): the budget of 5,000 GetMutaties calls a month is counted from them.
    LOOKUP_ACTIONS = ("reconciled", "looked_up")
    # The user's actions that send a job again (ebh_sync.services).
    USER_REQUEUES = ("retry_requested", "decided_book")

    job = models.ForeignKey(SyncJob, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30)
    code = models.CharField(_("code"), max_length=20, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sync event")
        verbose_name_plural = _("sync log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.code}".strip()


class SyncLease(models.Model):
    """Who drains a connection right now. Claimed by a conditional UPDATE; a lease that
    expired means its worker died, and the sweeper hands the connection to another."""

    connection = models.OneToOneField(
        "connections.Connection", on_delete=models.CASCADE, primary_key=True,
        related_name="sync_lease",
    )
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"lease {self.connection_id} {self.holder or '-'}"


class RelationLink(OrganizationOwnedModel):
    """Our memory that a relation code exists in one administration (and its Rel_ID), so a
    known debtor or creditor costs no call."""

    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.CASCADE, related_name="relation_links"
    )
    administration = models.CharField(max_length=40)  # connections.services.administration_key
    code = models.CharField(_("relation code"), max_length=15)
    relation_id = models.BigIntegerField(_("e-Boekhouden relation id"))
    created_by_us = models.BooleanField(_("created by us"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the relation import: the local party this relation is, and the values of its
    # fields as last imported (a local field that differs from them was edited here).
    customer = models.ForeignKey(
        "invoicing.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supplier = models.ForeignKey(
        "invoicing.Supplier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_values = models.JSONField(_("values as last imported"), default=dict, blank=True)

    class Meta:
        verbose_name = _("known relation")
        verbose_name_plural = _("known relations")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "administration", "code"], name="relation_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.relation_id}"


class ExportBatch(OrganizationOwnedModel):
    """One run of the export module: invoices picked by the user, booked in one go."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    selected = models.PositiveIntegerField(_("selected"), default=0)
    skipped = models.PositiveIntegerField(_("already booked"), default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class ImportSettings(OrganizationOwnedModel):
    """Per connection: import relations and articles from e-Boekhouden every day too."""

    connection = models.OneToOneField(
        "connections.Connection", on_delete=models.CASCADE, related_name="import_settings"
    )
    periodic = models.BooleanField(
        _("import relations and articles every day"), default=False,
        help_text=_("Changes made in e-Boekhouden.nl are then imported without a click."),
    )

    class Meta:
        verbose_name = _("import setting")
        verbose_name_plural = _("import settings")

    def __str__(self) -> str:
        return f"import settings {self.connection_id}"


class ImportRun(OrganizationOwnedModel):
    """One import of relations or articles from e-Boekhouden, with its progress and outcome."""

    class Kind(models.TextChoices):
        RELATIONS = "relations", _("Relations")
        ARTICLES = "articles", _("Articles")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("On request")
        CONNECT = "connect", _("On connect")
        PERIODIC = "periodic", _("Periodic")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.CASCADE, related_name="import_runs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    trigger = models.CharField(_("started"), max_length=10, choices=Trigger.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total = models.PositiveIntegerField(_("found"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    conflicts = models.PositiveIntegerField(_("differences to check"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    calls = models.PositiveIntegerField(_("calls"), default=0)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "kind", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class RelationConflict(OrganizationOwnedModel):
    """A relation changed both here and in e-Boekhouden: the user picks which side wins."""

    class Choice(models.TextChoices):
        KEEP = "keep", _("Keep mine")
        TAKE = "take", _("Take e-Boekhouden's")

    link = models.ForeignKey(RelationLink, on_delete=models.CASCADE, related_name="conflicts")
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="conflict_rows")
    # The relation's values in e-Boekhouden (our field names) for the fields that differ.
    remote_values = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(_("choice"), max_length=4, choices=Choice.choices, blank=True)

    class Meta:
        verbose_name = _("relation difference")
        verbose_name_plural = _("relation differences")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["link"], condition=Q(resolved_at__isnull=True),
                name="relation_conflict_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link.code} ({self.get_resolution_display() or '-'})"

    @property
    def party(self):
        return self.link.customer or self.link.supplier


class ArticleLink(OrganizationOwnedModel):
    """An e-Boekhouden article (by code) imported as a product, with the values imported."""

    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.CASCADE, related_name="article_links"
    )
    administration = models.CharField(max_length=40)
    code = models.CharField(_("article code"), max_length=20)
    article_id = models.BigIntegerField(_("e-Boekhouden article id"))
    product = models.ForeignKey("invoicing.Product", on_delete=models.CASCADE, related_name="+")
    imported_values = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("imported article")
        verbose_name_plural = _("imported articles")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "administration", "code"], name="article_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.product_id}"


class ReconciliationReport(OrganizationOwnedModel):
    """One check of a period (Instellingen > Verbindingen > Controle): what we booked against
    what e-Boekhouden holds (ebh_sync.reconcile), with its progress and result rows."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    # Outcomes (ebh_sync.reconcile.OUTCOMES) that ask the user to look.
    PROBLEMS = ("missing", "twice", "not_ours", "amount")

    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.CASCADE, related_name="reconciliation_reports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("up to and including"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    # GetMutaties calls: estimated before the start (the budget check) and made.
    planned_calls = models.PositiveIntegerField(_("calls needed"), default=0)
    # At most this many (the report's share of the month, at the start): should e-Boekhouden
    # hold more mutations than we knew of, the rest is left unread, and noted.
    call_limit = models.PositiveIntegerField(_("call limit"), default=0)
    calls = models.PositiveIntegerField(_("calls"), default=0)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)  # outcome -> rows
    rows = models.JSONField(_("rows"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reconciliation report")
        verbose_name_plural = _("reconciliation reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "created_at"])]

    def __str__(self) -> str:
        return f"{self.date_from:%Y-%m-%d}..{self.date_to:%Y-%m-%d} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def problem_count(self) -> int:
        return sum(self.counts.get(outcome, 0) for outcome in self.PROBLEMS)


class PaymentRun(OrganizationOwnedModel):
    """One read-back of payments (Betalingen ophalen): one GetOpenPosten for the connection's
    administration, its outcome applied to the invoices booked there (ebh_sync.payments)."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("On request")
        DAILY = "daily", _("Daily")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.CASCADE, related_name="payment_runs"
    )
    trigger = models.CharField(_("started"), max_length=10, choices=Trigger.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Times the connection's lease was held by other sync work when the run wanted to start.
    waits = models.PositiveSmallIntegerField(_("waits"), default=0)
    open_items = models.PositiveIntegerField(_("open items in e-Boekhouden"), default=0)
    checked = models.PositiveIntegerField(_("invoices checked"), default=0)
    paid = models.PositiveIntegerField(_("paid"), default=0)
    partly_paid = models.PositiveIntegerField(_("partly paid"), default=0)
    differences = models.PositiveIntegerField(_("differences to check"), default=0)
    calls = models.JSONField(_("calls"), default=dict, blank=True)  # operation -> count
    notes = models.JSONField(_("notes"), default=list, blank=True)
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("payment read-back")
        verbose_name_plural = _("payment read-backs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "state"])]

    def __str__(self) -> str:
        return f"payments {self.created_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class PaymentDifference(OrganizationOwnedModel):
    """What e-Boekhouden shows of a booked invoice that no payment explains: listed for the
    user, never applied. Resolved when a later read-back no longer finds it."""

    class Kind(models.TextChoices):
        OVERPAID = "overpaid", _("More paid than is open")
        VANISHED = "vanished", _("Gone from e-Boekhouden")

    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.CASCADE, related_name="payment_differences"
    )
    invoice = models.ForeignKey(
        "invoicing.SalesInvoice", on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(PaymentRun, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="difference_rows")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # As e-Boekhouden showed it (none when the invoice is gone from its open items).
    amount = models.DecimalField(_("amount in e-Boekhouden"), max_digits=14, decimal_places=2,
                                 null=True, blank=True)
    paid = models.DecimalField(_("paid in e-Boekhouden"), max_digits=14, decimal_places=2,
                               null=True, blank=True)
    open_amount = models.DecimalField(_("open in e-Boekhouden"), max_digits=14,
                                      decimal_places=2, null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment difference")
        verbose_name_plural = _("payment differences")
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "kind"], condition=Q(resolved_at__isnull=True),
                name="payment_difference_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.invoice_id})"

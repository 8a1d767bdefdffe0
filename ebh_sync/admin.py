"""Staff view of the sync log: every booking with its attempts, filterable by organization,
error code and state. Read-only: changes go through the product's retry and export."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from connections.models import ConnectionEvent
from ebh_sync.models import (
    ArticleLink,
    ExportBatch,
    ImportRun,
    ImportSettings,
    PaymentDifference,
    PaymentRun,
    ReconciliationReport,
    RelationConflict,
    RelationLink,
    SyncEvent,
    SyncJob,
    SyncLease,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SyncEventInline(admin.TabularInline):
    model = SyncEvent
    fields = ["at", "action", "code", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SyncJob)
class SyncJobAdmin(ReadOnlyAdmin):
    list_display = [
        "invoice_number", "kind", "organization", "state", "mutation_number", "attempts",
        "in_doubt", "last_error_code", "work_order_number", "updated_at",
    ]
    list_filter = ["state", "kind", "last_error_code", "in_doubt", "organization"]
    search_fields = ["invoice_number", "work_order__number", "organization__name", "last_error"]
    list_select_related = ["organization", "work_order"]
    inlines = [SyncEventInline]
    date_hierarchy = "created_at"

    @admin.display(description=_("work order"))
    def work_order_number(self, job: SyncJob) -> str:
        return job.work_order.number if job.work_order else ""


@admin.register(SyncEvent)
class SyncEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "job", "action", "code", "message"]
    list_filter = ["action", "code", "job__organization"]
    search_fields = ["job__invoice_number", "message"]
    list_select_related = ["job"]


@admin.register(RelationLink)
class RelationLinkAdmin(ReadOnlyAdmin):
    list_display = ["code", "relation_id", "organization", "created_by_us", "created_at"]
    list_filter = ["created_by_us", "organization"]
    search_fields = ["code"]
    exclude = ["administration"]


@admin.register(ExportBatch)
class ExportBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "organization", "created_by", "created_at", "selected", "skipped"]
    list_filter = ["organization"]


@admin.register(SyncLease)
class SyncLeaseAdmin(ReadOnlyAdmin):
    """Which worker drains which connection, until when (an expired lease is free)."""

    list_display = ["connection", "holder", "expires_at"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "organization", "trigger", "state", "total", "created",
                    "updated", "conflicts", "skipped", "calls", "created_at"]
    list_filter = ["kind", "state", "trigger", "organization"]
    exclude = ["notes"]
    list_select_related = ["organization"]


@admin.register(ImportSettings)
class ImportSettingsAdmin(ReadOnlyAdmin):
    list_display = ["connection", "organization", "periodic"]
    list_filter = ["periodic"]


@admin.register(RelationConflict)
class RelationConflictAdmin(ReadOnlyAdmin):
    list_display = ["link", "organization", "created_at", "resolved_at", "resolution"]
    list_filter = ["resolution", "organization"]
    list_select_related = ["link", "organization"]


@admin.register(ArticleLink)
class ArticleLinkAdmin(ReadOnlyAdmin):
    list_display = ["code", "article_id", "product", "organization"]
    list_filter = ["organization"]
    search_fields = ["code"]
    exclude = ["administration"]
    list_select_related = ["product", "organization"]


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "organization", "date_from", "date_to", "state", "calls",
                    "created_at"]
    list_filter = ["state"]
    search_fields = ["organization__name"]


@admin.register(PaymentRun)
class PaymentRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "organization", "trigger", "state", "open_items", "checked", "paid",
                    "partly_paid", "differences", "error_code", "created_at"]
    list_filter = ["state", "trigger"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]


@admin.register(PaymentDifference)
class PaymentDifferenceAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "organization", "kind", "paid", "open_amount", "last_seen_at",
                    "resolved_at"]
    list_filter = ["kind"]
    list_select_related = ["invoice", "organization"]


@admin.register(ConnectionEvent)
class ConnectionEventAdmin(ReadOnlyAdmin):
    """Part of the sync log: when a connection paused (action needed) and resumed."""

    list_display = ["at", "connection", "action", "reason"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["connection__organization__name", "reason"]
    date_hierarchy = "at"
    list_select_related = ["connection__organization"]

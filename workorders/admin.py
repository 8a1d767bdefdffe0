"""Admin for work orders. States and the invoice link are read-only here: they change only
through the services, so the admin can never skip a step or make a second invoice."""

from django.contrib import admin

from workorders.models import WorkOrder, WorkOrderCounter, WorkOrderLine


class WorkOrderLineInline(admin.TabularInline):
    model = WorkOrderLine
    extra = 0
    fields = ["position", "kind", "description", "product", "quantity", "unit", "unit_price",
              "vat_rate"]
    raw_id_fields = ["product"]

    # Lines of a checked or invoiced work order are the basis of its invoice: read-only.
    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None or obj.lines_editable

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or obj.lines_editable

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or obj.lines_editable


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "organization", "customer", "planned_date", "planned_start",
                    "assigned_to", "state"]
    list_filter = ["state", "planned_date"]
    search_fields = ["number", "customer__name", "organization__name", "description"]
    raw_id_fields = ["customer", "assigned_to"]
    readonly_fields = ["organization", "number", "state", "signed_off_by", "signed_off_at",
                       "done_by", "checked_at", "checked_by", "invoice_channel", "invoice",
                       "external_invoice_number", "created_at", "updated_at"]
    inlines = [WorkOrderLineInline]

    def has_add_permission(self, request) -> bool:
        return False  # numbers and organizations are assigned by the service

    def has_change_permission(self, request, obj=None) -> bool:
        # A checked work order is the basis of its invoice: view only.
        return super().has_change_permission(request, obj) and (obj is None or obj.lines_editable)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or obj.state == "open"


@admin.register(WorkOrderLine)
class WorkOrderLineAdmin(admin.ModelAdmin):
    list_display = ["work_order", "kind", "description", "quantity", "unit_price", "vat_rate"]
    list_filter = ["kind"]
    search_fields = ["description", "work_order__number"]
    raw_id_fields = ["work_order", "product"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or obj.work_order.lines_editable

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or obj.work_order.lines_editable


@admin.register(WorkOrderCounter)
class WorkOrderCounterAdmin(admin.ModelAdmin):
    list_display = ["organization", "next_value"]
    readonly_fields = ["organization", "next_value"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

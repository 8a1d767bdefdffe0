"""Admin for recurring invoices: for looking, not for changing. The cursor and the generation
rows are what keeps each period to one invoice; only the services move them."""

from django.contrib import admin

from recurring.models import Generation, RecurringLine, RecurringTemplate


class RecurringLineInline(admin.TabularInline):
    model = RecurringLine
    extra = 0
    fields = ["position", "description", "quantity", "unit", "unit_price", "vat_rate"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RecurringTemplate)
class RecurringTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "customer", "frequency", "next_date", "mode",
                    "active"]
    list_filter = ["frequency", "mode", "active"]
    search_fields = ["name", "customer__name", "organization__name"]
    readonly_fields = ["organization", "customer", "frequency", "start_date", "next_period",
                       "next_date", "last_error", "created_at", "updated_at"]
    fields = ["name", "organization", "customer", "frequency", "start_date", "end_date",
              "count", "mode", "active", "next_period", "next_date", "last_error"]
    inlines = [RecurringLineInline]

    def has_add_permission(self, request) -> bool:
        return False  # lines and placeholders are checked by the service


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = ["template_name", "organization", "period", "period_date", "invoice",
                    "created_at"]
    search_fields = ["template_name", "organization__name"]
    readonly_fields = ["organization", "template", "template_name", "period", "period_date",
                       "invoice", "problem", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


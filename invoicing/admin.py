"""Admin for every invoicing model. Finalized sales invoices and booked purchase invoices are
read-only here too: corrections go through a credit note, never through the admin."""

from django.contrib import admin

from invoicing.models import (
    Customer,
    EmailLog,
    NumberCounter,
    Payment,
    Product,
    PurchaseInvoice,
    PurchaseInvoiceLine,
    PurchaseInvoiceVatTotal,
    SalesInvoice,
    SalesInvoiceLine,
    SalesInvoiceVatTotal,
    Supplier,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PartyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "country", "vat_id", "organization", "archived"]
    list_filter = ["archived", "kind"]
    search_fields = ["code", "name", "email", "vat_id", "organization__name"]
    readonly_fields = ["code", "organization"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # archive instead


admin.site.register(Customer, PartyAdmin)
admin.site.register(Supplier, PartyAdmin)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["description", "unit", "unit_price", "vat_rate", "organization", "archived"]
    list_filter = ["vat_rate", "archived"]
    search_fields = ["description", "organization__name"]
    readonly_fields = ["organization"]

    def has_add_permission(self, request) -> bool:
        return False  # products belong to an organization: create them in the app

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # archive instead: invoice lines keep pointing at their product


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnlyAdmin):
    list_display = ["organization", "series", "year", "next_value"]
    list_filter = ["series"]


class SalesLineInline(ReadOnlyInline):
    model = SalesInvoiceLine
    fields = ["position", "description", "quantity", "unit", "unit_price", "discount_percent",
              "vat_rate", "ledger_account", "cost_centre", "net_amount", "vat_amount",
              "gross_amount"]


class SalesVatTotalInline(ReadOnlyInline):
    model = SalesInvoiceVatTotal
    fields = ["vat_rate", "net_amount", "vat_amount", "gross_amount", "net_amount_eur",
              "vat_amount_eur", "gross_amount_eur"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["date", "amount", "note", "created_by"]


class EmailInline(ReadOnlyInline):
    model = EmailLog
    fields = ["created_at", "to", "subject", "status", "error", "sent_at"]


@admin.register(SalesInvoice)
class SalesInvoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "customer", "issue_date", "gross_total",
                    "currency", "organization"]
    list_filter = ["status", "kind", "currency"]
    search_fields = ["number", "customer__name", "organization__name"]
    date_hierarchy = "issue_date"
    inlines = [SalesLineInline, SalesVatTotalInline, PaymentInline, EmailInline]
    list_select_related = ["customer", "organization"]

    def has_add_permission(self, request) -> bool:
        return False  # invoices are written in the app, where lines and totals are computed

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # drafts are edited in the app; finalized ones never

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and obj.is_draft


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "date", "amount", "organization"]


@admin.register(EmailLog)
class EmailLogAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "to", "status", "created_at", "sent_at"]
    list_filter = ["status"]


class PurchaseLineInline(ReadOnlyInline):
    model = PurchaseInvoiceLine
    fields = ["description", "ledger_account", "cost_centre", "vat_rate", "net_amount",
              "vat_amount"]


class PurchaseVatTotalInline(ReadOnlyInline):
    model = PurchaseInvoiceVatTotal
    fields = ["vat_rate", "net_amount", "vat_amount", "gross_amount"]


@admin.register(PurchaseInvoice)
class PurchaseInvoiceAdmin(ReadOnlyAdmin):
    list_display = ["supplier_invoice_number", "supplier", "invoice_date", "status",
                    "gross_total", "organization"]
    list_filter = ["status"]
    search_fields = ["supplier_invoice_number", "supplier__name", "organization__name"]
    inlines = [PurchaseLineInline, PurchaseVatTotalInline]
    exclude = ["attachment"]  # downloaded through the app's view, never from a media URL
    readonly_fields = ["reversal_of", "replaces"]


for model in (SalesInvoiceLine, SalesInvoiceVatTotal, PurchaseInvoiceLine,
              PurchaseInvoiceVatTotal):
    admin.site.register(model, ReadOnlyAdmin)

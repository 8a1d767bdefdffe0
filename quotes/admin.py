"""Quotes in the admin: to look at, never to edit (lines and totals are computed in the app;
the link's token hash is left out)."""

from django.contrib import admin

from invoicing.admin import ReadOnlyAdmin, ReadOnlyInline
from quotes.models import Quote, QuoteEmail, QuoteLine, QuoteVatTotal


class QuoteLineInline(ReadOnlyInline):
    model = QuoteLine
    fields = ["position", "description", "quantity", "unit", "unit_price", "discount_percent",
              "vat_rate", "net_amount"]


class QuoteVatTotalInline(ReadOnlyInline):
    model = QuoteVatTotal
    fields = ["vat_rate", "net_amount", "vat_amount", "gross_amount"]


class QuoteEmailInline(ReadOnlyInline):
    model = QuoteEmail
    fields = ["created_at", "to", "subject", "status", "error", "sent_at"]


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "customer", "issue_date", "valid_until", "gross_total",
                    "organization"]
    list_filter = ["status"]
    search_fields = ["number", "customer__name", "organization__name"]
    exclude = ["token_hash"]
    inlines = [QuoteLineInline, QuoteVatTotalInline, QuoteEmailInline]
    list_select_related = ["customer", "organization"]


admin.site.register(QuoteEmail, ReadOnlyAdmin)

from django.contrib import admin

from connections.models import Connection, LedgerOverride


class LedgerOverrideInline(admin.TabularInline):
    model = LedgerOverride
    extra = 0


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    """Status and choices only: the encrypted codes are excluded from every admin page."""

    list_display = ["organization", "status", "administration_name", "connected_at",
                    "credentials_updated_at"]
    list_filter = ["status"]
    search_fields = ["organization__name", "administration_name"]
    exclude = ["username_encrypted", "security_code_1_encrypted", "security_code_2_encrypted",
               "administration_guid_encrypted"]
    readonly_fields = ["organization", "connected_at",
                       "credentials_updated_at", "configured_at", "disconnected_at"]
    inlines = [LedgerOverrideInline]

    def has_add_permission(self, request) -> bool:
        # Connections are made by their owners through the connect dialog (verified codes).
        return False


@admin.register(LedgerOverride)
class LedgerOverrideAdmin(admin.ModelAdmin):
    list_display = ["connection", "kind", "vat_code", "account"]
    list_filter = ["kind"]

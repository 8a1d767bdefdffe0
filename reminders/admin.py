from django.contrib import admin

from invoicing.admin import ReadOnlyAdmin
from reminders.models import DisputeNote, SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "position", "manual", "to", "status", "created_at", "sent_at"]
    list_filter = ["status", "manual"]
    search_fields = ["invoice__number", "to", "organization__name"]
    list_select_related = ["invoice"]


@admin.register(DisputeNote)
class DisputeNoteAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "created_at", "resolved_at"]
    search_fields = ["invoice__number", "organization__name"]
    list_select_related = ["invoice"]

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only for everyone, superusers included."""

    list_display = ["created_at", "actor", "kind", "action", "target_type", "target_id", "view", "flagged"]
    list_filter = ["kind", "flagged", "target_type"]
    search_fields = ["action", "target_id", "case_uuid"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

"""The audit log in the admin: who did what when, never the changed values.

docs/permissions.md ("Admin"): change values of case-bound records (a household's name, a
member's role...) are for those who may read that case, in the case's own access log. The
admin shows which fields changed, not their values, to everyone. A beheerder sees the rows
of their own municipality only: events on its cases and events by its staff.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import admin_municipality_ids, manageable_users
from cases.models import Case

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only for everyone, superusers included."""

    list_display = ["created_at", "actor", "kind", "action", "target_type", "target_id", "view", "flagged"]
    list_filter = ["kind", "flagged", "target_type"]
    list_select_related = ["actor"]
    search_fields = ["action", "target_id", "case_uuid"]
    date_hierarchy = "created_at"
    # `changes` is left out on purpose: only its field names are shown.
    readonly_fields = (
        "created_at",
        "actor",
        "kind",
        "action",
        "target_type",
        "target_id",
        "case_uuid",
        "view",
        "purpose",
        "changed_fields",
        "flagged",
    )
    fields = readonly_fields

    @admin.display(description=_("gewijzigde velden"))
    def changed_fields(self, obj: AuditEvent) -> str:
        return ", ".join(sorted(obj.changes)) if isinstance(obj.changes, dict) else ""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        user: User = request.user  # type: ignore[assignment]
        if user.is_superuser:
            return qs
        municipalities = admin_municipality_ids(user=user)
        own_cases = Case.objects.filter(team__municipality__in=municipalities).values("uuid")
        own_staff = manageable_users(user=user).filter(memberships__isnull=False).values("pk")
        return qs.filter(Q(case_uuid__in=own_cases) | Q(case_uuid__isnull=True, actor__in=own_staff))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

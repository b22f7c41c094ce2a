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

from .labels import action_label, target_label, view_label
from .models import AuditEvent


class TargetTypeFilter(admin.SimpleListFilter):
    """Filter on the kind of record, listed by its Dutch name instead of `app.model`."""

    title = _("soort gegeven")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        # Only the kinds among the rows this user may see (their own municipality).
        rows = model_admin.get_queryset(request)
        types = rows.order_by().values_list("target_type", flat=True).distinct()
        return sorted(((t, target_label(t)) for t in types if t), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(target_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only for everyone, superusers included.

    Codes (`read`, `cases.case`, `cases:detail`) are shown by their Dutch labels.
    """

    list_display = [
        "created_at",
        "actor",
        "kind",
        "action_display",
        "target_display",
        "target_id",
        "view_display",
        "flagged",
    ]
    list_filter = ["kind", "flagged", TargetTypeFilter]
    list_select_related = ["actor"]
    search_fields = ["action", "target_id", "case_uuid"]
    date_hierarchy = "created_at"
    # `changes` is left out on purpose: only its field names are shown.
    fields = [
        "created_at",
        "actor",
        "kind",
        "action_display",
        "target_display",
        "target_id",
        "case_uuid",
        "view_display",
        "purpose",
        "changed_fields",
        "flagged",
    ]
    readonly_fields = list(fields)  # type: ignore[arg-type]

    @admin.display(description=_("handeling"), ordering="action")
    def action_display(self, obj: AuditEvent) -> str:
        return action_label(obj.action)

    @admin.display(description=_("soort gegeven"), ordering="target_type")
    def target_display(self, obj: AuditEvent) -> str:
        return target_label(obj.target_type)

    @admin.display(description=_("scherm"), ordering="view")
    def view_display(self, obj: AuditEvent) -> str:
        return view_label(obj.view)

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

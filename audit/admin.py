from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .labels import action_label, target_label, view_label
from .models import AuditEvent


class TargetTypeFilter(admin.SimpleListFilter):
    """Filter on the kind of record, listed by its Dutch name instead of `app.model`."""

    title = _("soort gegeven")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        types = AuditEvent.objects.order_by().values_list("target_type", flat=True).distinct()
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
        "changes",
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

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

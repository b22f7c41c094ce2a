"""Django admin for cases: read-only, without case content, rows through case permissions.

Privacy (docs/permissions.md, "Admin"): case content is not in the admin, for anyone.
Households, persons, members, network, notes, consents and break-glass accesses are not
registered here at all (they are read in the application, where every read is logged);
the case itself is shown by its number, team, regisseur, status and dates only — no
household, no outcome or closing note, no safety flag. Its queryset is filtered through the
same selector the HTML views, the API and the exports use (`case_list_for_user`), for
*every* admin user — superusers are not exempt — and a case the user may not see answers
404 at its admin URL, exactly like a missing one. Writes go through cases.services
(audited), never through the admin, so nothing here can be added, changed or deleted.

No search on personal data (docs/security.md): the changelist search travels as `?q=` in
the URL, into history and access logs, so names and BSNs are not searchable here. Cases are
found by their number; households and people through their case.
"""

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from audit.models import AccessGround
from socialdomain.audit import audit_read
from socialdomain.forms import LabelledInlineMixin, PlaceholderAdminMixin

from .models import Case, RegisseurChange
from .selectors import case_list_for_user


class CaseScopedAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    """A read-only admin whose rows are limited to those reachable from the user's cases.

    `case_lookup` is the ORM path from the model to the case id ("pk" for Case itself).
    """

    case_lookup = "pk"
    # Here always a flat list of names, reused as readonly_fields. django-stubs types `fields`
    # as an invariant list of field groups, so even this narrower list needs the ignore.
    fields: ClassVar[list[str]]  # type: ignore[assignment]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        visible = case_list_for_user(user=request.user).values("pk")  # type: ignore[arg-type]
        if self.case_lookup == "pk":
            return qs.filter(pk__in=visible)
        # A sub-select on the model's own ids keeps one row per object without DISTINCT.
        reachable = self.model._default_manager.filter(**{f"{self.case_lookup}__in": visible}).values("pk")
        return qs.filter(pk__in=reachable)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        # Django redirects with "does not exist" by default; not-allowed must look like missing: 404.
        raise Http404

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RegisseurChangeInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    """Who held the case when: staff names and the reason code, never the free-text note."""

    model = RegisseurChange
    readonly_fields = ("changed_at", "from_user", "to_user", "reason", "changed_by")
    fields = readonly_fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(CaseScopedAdmin):
    list_display = ["number", "team", "regisseur", "status", "line", "opened_on"]
    list_filter = ["status", "line", "team"]
    list_select_related = ["team", "team__municipality", "regisseur"]
    search_fields = ["number"]  # the case number only: never the household name
    search_help_text = _("Alleen op dossiernummer; namen en BSN zijn hier niet doorzoekbaar.")
    date_hierarchy = "opened_on"
    ordering = ["-updated_at"]
    # No content fields: not the household (its name), the outcome, the closing note or the safety flag.
    fields = ["number", "team", "regisseur", "line", "status", "opened_on", "closed_on"]
    readonly_fields = fields
    inlines = [RegisseurChangeInline]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)  # the 404 above already ruled out "not visible"
        if obj is not None:
            audit_read(
                actor=request.user,
                obj=obj,
                case_uuid=obj.uuid,
                view="admin:cases_case_change",
                ground=AccessGround.ADMINISTRATION,
            )
        return response

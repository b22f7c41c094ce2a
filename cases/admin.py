"""Django admin for cases: read-only, and case content only through case permissions.

Privacy (docs/permissions.md): every queryset here is filtered through the same selector
the HTML views, the API and the exports use (`case_list_for_user`), for *every* admin user
— superusers are not exempt. A functional administrator therefore sees no case content,
and a case (or a note, consent, household, person of one) the user may not see answers
404 at its admin URL, exactly like a missing one. Writes go through cases.services (audited),
never through the admin, so nothing here can be added, changed or deleted.

No search on personal data (docs/security.md): the changelist search travels as `?q=` in
the URL, into history and access logs, so names and BSNs are not searchable here. Cases are
found by their number; households and people through their case.
"""

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from socialdomain.audit import audit_read
from socialdomain.forms import LabelledInlineMixin, PlaceholderAdminMixin

from .models import Case, CaseNote, Consent, Household, HouseholdMember, Person, RegisseurChange
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


class ReadOnlyInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    fields: ClassVar[list[str]]  # type: ignore[assignment]  # flat list of names, as in CaseScopedAdmin
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RegisseurChangeInline(ReadOnlyInline):
    model = RegisseurChange
    fields = ["changed_at", "from_user", "to_user", "reason", "changed_by"]
    readonly_fields = fields


class CaseNoteInline(ReadOnlyInline):
    model = CaseNote
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


class HouseholdMemberInline(ReadOnlyInline):
    model = HouseholdMember
    fields = ["person", "role"]
    readonly_fields = fields


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = ["purpose", "organisation", "given", "method", "date", "recorded_by"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(CaseScopedAdmin):
    list_display = ["number", "team", "regisseur", "status", "line", "opened_on"]
    list_filter = ["status", "line", "team", "safety_flag"]
    list_select_related = ["team", "team__municipality", "regisseur", "household"]
    search_fields = ["number"]  # the case number only: never the household name
    search_help_text = _("Alleen op dossiernummer; namen en BSN zijn hier niet doorzoekbaar.")
    date_hierarchy = "opened_on"
    ordering = ["-updated_at"]
    fields = [
        "number",
        "household",
        "team",
        "regisseur",
        "line",
        "status",
        "opened_on",
        "closed_on",
        "outcome",
        "close_reason",
        "safety_flag",
    ]
    readonly_fields = fields
    inlines = [RegisseurChangeInline, CaseNoteInline]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)  # the 404 above already ruled out "not visible"
        if obj is not None:
            audit_read(actor=request.user, obj=obj, case_uuid=obj.uuid, view="admin:cases_case_change")
        return response


@admin.register(Household)
class HouseholdAdmin(CaseScopedAdmin):
    case_lookup = "cases__id"
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    fields = ["name", "municipality", "address"]
    readonly_fields = fields
    inlines = [HouseholdMemberInline]


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(CaseScopedAdmin):
    """Consents are recorded per household member, so they are shown here."""

    case_lookup = "household__cases__id"
    list_display = ["person", "household", "role"]
    list_select_related = ["person", "household"]
    fields = ["household", "person", "role"]
    readonly_fields = fields
    inlines = [ConsentInline]


@admin.register(Person)
class PersonAdmin(CaseScopedAdmin):
    """The BSN is never displayed nor searchable; no search on names either (see the module doc)."""

    case_lookup = "memberships__household__cases__id"
    list_display = ["last_name", "first_name", "birth_date"]
    fields = ["first_name", "last_name", "birth_date", "phone", "email", "address"]
    readonly_fields = fields

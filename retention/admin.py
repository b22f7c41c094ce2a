"""Retention in the admin, for municipality staff of their own municipality only:
- the periods per record type (`RetentionPolicy`; no row: the documented default);
- the runs: the dry-run list (counts per type, no names) and its approval or rejection;
- legal holds by case number (no case content), placed and lifted through the services;
- the anonymous totals of deleted cases.

Another municipality's row answers 404, exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Municipality
from accounts.permissions import admin_municipality_ids
from cases.models import Case
from socialdomain.forms import InputPolicyMixin, PlaceholderAdminMixin

from . import services
from .constants import CASE_TYPES, RecordType, RunStatus
from .models import ClosedCaseAggregate, LegalHold, RetentionPolicy, RetentionRun

TYPE_LABELS = dict(RecordType.choices)


class OwnMunicipalityAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    """Rows of the municipalities where the user holds the staff role (`municipality_path`)."""

    municipality_path = "municipality"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.municipality_path}__in": admin_municipality_ids(user=request.user)})  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=admin_municipality_ids(user=request.user))  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(OwnMunicipalityAdmin):
    list_display = ["record_type", "municipality", "years"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "record_type"]
    list_select_related = ["municipality"]
    fields = ["municipality", "record_type", "years"]

    def get_readonly_fields(self, request: HttpRequest, obj: RetentionPolicy | None = None) -> list[str]:
        return ["municipality", "record_type"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: RetentionPolicy, form: Any, change: bool) -> None:
        services.policy_save(actor=request.user, policy=obj)  # type: ignore[arg-type]


@admin.register(RetentionRun)
class RetentionRunAdmin(OwnMunicipalityAdmin):
    """The dry run and its approval: counts per type only, never a name or a case number."""

    change_form_template = "admin/retention/retentionrun/change_form.html"
    list_display = ["created_at", "municipality", "status", "as_of", "total_listed", "held", "approved_by"]
    list_filter = ["status"]
    list_select_related = ["municipality", "approved_by"]
    fields = readonly_fields = (
        "municipality",
        "status",
        "as_of",
        "listed",
        "held",
        "periods_table",
        "removed_table",
        "households_removed",
        "persons_removed",
        "skipped",
        "approved_by",
        "approved_at",
        "started_at",
        "finished_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the nightly task makes the dry runs

    def has_change_permission(self, request: HttpRequest, obj: RetentionRun | None = None) -> bool:
        return False  # read-only; the decision has its own buttons

    @admin.display(description=_("te verwijderen"))
    def total_listed(self, obj: RetentionRun) -> int:
        return obj.total

    def _table(self, rows: list[tuple[Any, Any]], caption: str) -> str:
        body = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows)
        return format_html(
            "<table><caption>{}</caption><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            caption,
            _("Soort gegevens"),
            _("Aantal"),
            body,
        )

    @admin.display(description=_("te verwijderen per soort"))
    def listed(self, obj: RetentionRun) -> str:
        rows = [(TYPE_LABELS[t], obj.counts.get(t, 0)) for t in (*CASE_TYPES, RecordType.SIGNAL_ADVICE)]
        return self._table(rows, str(_("Verlopen volgens de proefrun")))

    @admin.display(description=_("termijnen (jaren)"))
    def periods_table(self, obj: RetentionRun) -> str:
        rows = [(TYPE_LABELS[t], obj.periods.get(t, "—")) for t in RecordType.values]
        return self._table(rows, str(_("Gebruikte bewaartermijnen in jaren")))

    @admin.display(description=_("verwijderd per soort"))
    def removed_table(self, obj: RetentionRun) -> str:
        rows = [(TYPE_LABELS[t], obj.removed.get(t, 0)) for t in (*CASE_TYPES, RecordType.SIGNAL_ADVICE)]
        return self._table(rows, str(_("Verwijderd")))

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/beslissen/",
                self.admin_site.admin_view(require_POST(self.decide_view)),
                name="retention_retentionrun_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        run = self.get_object(request, object_id)
        if run is None:
            raise Http404
        approve = request.POST.get("decision") == "approve"
        try:
            if approve:
                services.run_approve(actor=request.user, run=run)  # type: ignore[arg-type]
                messages.success(request, _("De run is goedgekeurd; het verwijderen is gestart."))
            else:
                services.run_reject(actor=request.user, run=run)  # type: ignore[arg-type]
                messages.success(request, _("De run is afgewezen; er is niets verwijderd."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("admin:retention_retentionrun_change", args=[run.pk]))

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        obj = context.get("original")
        context["can_decide"] = obj is not None and obj.status == RunStatus.DRY_RUN
        return super().render_change_form(request, context, *args, **kwargs)


class LegalHoldAddForm(InputPolicyMixin, forms.ModelForm):
    case_number = forms.CharField(label=_("dossiernummer"), max_length=20)

    class Meta:
        model = LegalHold
        fields = ["reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request: HttpRequest | None = None

    def clean_case_number(self) -> Case:
        number = self.cleaned_data["case_number"].strip()
        cases = Case.objects.filter(number=number)
        user = self.request.user if self.request else None
        if user is None or not user.is_superuser:
            cases = cases.filter(team__municipality__in=admin_municipality_ids(user=user))  # type: ignore[arg-type]
        case = cases.select_related("team").first()
        if case is None:
            raise ValidationError(_("Geen dossier met dit nummer in uw gemeente."))
        return case


@admin.register(LegalHold)
class LegalHoldAdmin(OwnMunicipalityAdmin):
    """Holds by case number: no household, no content. Placed and lifted through the services."""

    municipality_path = "case__team__municipality"
    list_display = ["case_number", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at"]
    list_filter = ["reason", ("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["case", "placed_by", "lifted_by"]
    search_fields = ["=case__number"]
    actions = ["lift"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = LegalHoldAddForm
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self.request = request

        return RequestForm

    def get_fields(self, request: HttpRequest, obj: LegalHold | None = None) -> Any:
        if obj is None:
            return ["case_number", "reason"]
        return ["case_number", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: LegalHold | None = None) -> list[str]:
        return [] if obj is None else ["case_number", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at"]

    def has_change_permission(self, request: HttpRequest, obj: LegalHold | None = None) -> bool:
        return False

    @admin.display(description=_("dossiernummer"), ordering="case__number")
    def case_number(self, obj: LegalHold) -> str:
        return obj.case.number

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        created = services.legal_hold_place(
            actor=request.user,  # type: ignore[arg-type]
            case=form.cleaned_data["case_number"],
            reason=form.cleaned_data["reason"],
        )
        obj.pk = created.pk

    @admin.action(description=_("Bewaarplicht opheffen"))
    def lift(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        for hold in queryset.select_related("case__team"):
            services.legal_hold_lift(actor=request.user, hold=hold)  # type: ignore[arg-type]
        messages.success(request, _("De gekozen bewaarplichten zijn opgeheven."))


@admin.register(ClosedCaseAggregate)
class ClosedCaseAggregateAdmin(OwnMunicipalityAdmin):
    list_display = ["year", "law", "line", "cases", "arrangements", "municipality"]
    list_filter = ["year", "law"]
    list_select_related = ["municipality"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

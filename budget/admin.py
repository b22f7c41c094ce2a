"""Admin for municipality staff: budgets, lines, ceilings, reallocations (four-eyes),
opening a year from the previous one, closing a year, and entering actuals until the
partner API books declarations. Staff see only their own municipality's books; a budget
of another municipality answers 404, exactly like a missing one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation, Team
from arrangements.constants import Law, Taakveld
from arrangements.models import CatalogueItem
from socialdomain.forms import LabelledInlineMixin, PlaceholderAdminMixin

from . import services
from .models import Budget, BudgetLine, LedgerEntry, Reallocation, TeamCeiling


def _municipality_ids(request: HttpRequest) -> QuerySet:
    return Municipality.objects.filter(teams__memberships__user_id=request.user.pk or 0).values("pk")


class MunicipalityScopedAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    """Rows of the staff member's own municipalities only (`municipality_path` names the FK)."""

    municipality_path = "municipality"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.municipality_path}__in": _municipality_ids(request)})

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        raise Http404  # the same answer for another municipality's row and a missing one


class BudgetLineInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["law", "taakveld", "amount", "earmarked", "overrun_threshold_pct", "unbudgeted"]
    readonly_fields = ["unbudgeted"]


class TeamCeilingInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    model = TeamCeiling
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "team" and not request.user.is_superuser:
            kwargs["queryset"] = Team.objects.filter(municipality__in=_municipality_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Budget)
class BudgetAdmin(MunicipalityScopedAdmin):
    list_display = ["municipality", "year", "status"]
    list_filter = ["status", "year"]
    inlines = [BudgetLineInline, TeamCeilingInline]
    actions = ["close_year", "open_next_year"]

    def get_readonly_fields(self, request: HttpRequest, obj: Budget | None = None) -> list[str]:
        fields = ["status"]
        if obj is not None:
            fields += ["municipality", "year"]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Budget | None = None) -> bool:
        if obj is not None and not obj.is_open:
            return False  # a closed year refuses everything
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=_municipality_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Jaar afsluiten"))
    def close_year(self, request: HttpRequest, queryset: QuerySet[Budget]) -> None:
        for budget in queryset:
            services.budget_close(actor=request.user, budget=budget)  # type: ignore[arg-type]
        messages.success(request, _("De gekozen jaren zijn afgesloten."))

    @admin.action(description=_("Volgend jaar openen vanuit dit jaar"))
    def open_next_year(self, request: HttpRequest, queryset: QuerySet[Budget]) -> None:
        for budget in queryset:
            try:
                services.budget_open_from_previous(
                    actor=request.user,  # type: ignore[arg-type]
                    municipality=budget.municipality,
                    year=budget.year + 1,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Het budget voor %(year)s is geopend.") % {"year": budget.year + 1})


class ReallocationForm(forms.ModelForm):
    class Meta:
        model = Reallocation
        fields = ["budget", "from_line", "to_line", "amount", "reason"]


@admin.register(Reallocation)
class ReallocationAdmin(MunicipalityScopedAdmin):
    municipality_path = "budget__municipality"
    form = ReallocationForm
    list_display = ["budget", "from_line", "to_line", "amount", "status", "requested_by", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["budget__municipality", "from_line", "to_line", "requested_by", "decided_by"]
    actions = ["approve", "reject"]

    def has_change_permission(self, request: HttpRequest, obj: Reallocation | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Reallocation | None = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        data = form.cleaned_data
        created = services.reallocation_request(
            actor=request.user,
            budget=data["budget"],
            from_line=data["from_line"],
            to_line=data["to_line"],
            amount=data["amount"],
            reason=data["reason"],
        )
        obj.pk = created.pk

    def _decide(self, request: HttpRequest, queryset: QuerySet[Reallocation], approve: bool) -> None:
        for reallocation in queryset:
            try:
                services.reallocation_decide(actor=request.user, reallocation=reallocation, approve=approve)  # type: ignore[arg-type]
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))

    @admin.action(description=_("Goedkeuren (vier ogen)"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Reallocation]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Afwijzen"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Reallocation]) -> None:
        self._decide(request, queryset, approve=False)


class ActualForm(forms.ModelForm):
    """Entering an actual (realisatie) by hand, until the partner API books declarations."""

    municipality = forms.ModelChoiceField(Municipality.objects.none(), label=_("gemeente"))
    law = forms.ChoiceField(choices=Law.choices, label=_("wet"))
    taakveld = forms.ChoiceField(choices=Taakveld.choices, label=_("taakveld"))
    team_choice = forms.ModelChoiceField(Team.objects.none(), label=_("team"), required=False)
    provider_choice = forms.ModelChoiceField(Organisation.objects.all(), label=_("aanbieder"), required=False)
    item_choice = forms.ModelChoiceField(
        CatalogueItem.objects.none(),
        label=_("voorziening"),
        required=False,
        help_text=_("Met een voorziening en een volume telt de realisatie mee in de kostprijs per eenheid."),
    )
    reference = forms.IntegerField(label=_("factuurregelnummer"), min_value=1)

    class Meta:
        model = LedgerEntry
        fields = ["month", "amount", "volume"]
        labels = {"volume": _("volume (gedeclareerde eenheden)")}

    def clean(self) -> dict:
        data = super().clean() or {}
        item = data.get("item_choice")
        municipality = data.get("municipality")
        if item is not None and municipality is not None and item.municipality_id != municipality.pk:
            self.add_error("item_choice", _("Deze voorziening staat niet in de catalogus van deze gemeente."))
        if data.get("volume") is not None and data["volume"] <= 0:
            self.add_error("volume", _("Het aantal eenheden van een realisatie is groter dan nul."))
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(MunicipalityScopedAdmin):
    municipality_path = "line__budget__municipality"
    list_display = ["month", "kind", "line", "team", "provider", "item", "amount", "volume", "booked_at"]
    list_filter = ["kind", "line__law"]
    list_select_related = ["line__budget", "team", "provider", "item"]
    form = ActualForm

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change, **kwargs)
        ids = (
            Municipality.objects.all()
            if request.user.is_superuser
            else Municipality.objects.filter(pk__in=_municipality_ids(request))
        )
        form.base_fields["municipality"].queryset = ids  # type: ignore[attr-defined]
        form.base_fields["team_choice"].queryset = Team.objects.filter(municipality__in=ids)  # type: ignore[attr-defined]
        form.base_fields["item_choice"].queryset = CatalogueItem.objects.filter(  # type: ignore[attr-defined]
            municipality__in=ids
        ).order_by("name")
        return form

    def has_change_permission(self, request: HttpRequest, obj: LedgerEntry | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: LedgerEntry | None = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        data = form.cleaned_data
        entry = services.actual_book(
            municipality=data["municipality"],
            team=data["team_choice"],
            provider_id=data["provider_choice"].pk if data["provider_choice"] else None,
            household_id=None,
            law=data["law"],
            taakveld=data["taakveld"],
            month=data["month"].replace(day=1),
            amount=data["amount"],
            source_kind="admin",
            source_id=data["reference"],
            actor=request.user,  # type: ignore[arg-type]
            volume=data.get("volume"),
            item_id=data["item_choice"].pk if data.get("item_choice") else None,
        )
        obj.pk = entry.pk
        obj.booked_at = entry.booked_at or timezone.now()

"""Admin for the municipality's reference data: catalogue, tariffs, mandates.

- Functional administrators see and change only the catalogue and mandates of the
  municipalities where they hold the staff role (superusers: all); nothing crosses
  municipalities, not in lists, forms, choices nor CSV imports.
- Arrangements, escalations, decisions and expert access are case content and are
  deliberately not registered here (docs/permissions.md).
- Tariffs are never edited: a tariff change is a new row from a date (the past is never
  rewritten), added through `services.tariff_add`. CSV import (django-import-export)
  validates every row (model `full_clean`) and reports errors per row.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from accounts.constants import Role
from accounts.models import Municipality, Organisation, Team
from socialdomain.forms import LabelledInlineMixin, PlaceholderAdminMixin

from . import services
from .models import CatalogueItem, Mandate, Tariff


def managed_municipality_ids(request: HttpRequest) -> list[int]:
    user = request.user
    if getattr(user, "is_superuser", False):
        return list(Municipality.objects.values_list("pk", flat=True))
    return list(
        user.memberships.filter(role=Role.STAFF).values_list("team__municipality_id", flat=True).distinct()  # type: ignore[union-attr]
    )


class ScopedResourceMixin:
    """Refuses rows for a municipality the importing user does not manage."""

    def __init__(self, *args: Any, municipality_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.municipality_ids = municipality_ids or []

    def _check_municipality(self, municipality_id: int | None) -> None:
        if municipality_id not in self.municipality_ids:
            raise ValidationError(_("U beheert de catalogus van deze gemeente niet."))


class CatalogueItemResource(ScopedResourceMixin, resources.ModelResource):
    municipality = fields.Field(
        attribute="municipality", column_name="gemeente", widget=widgets.ForeignKeyWidget(Municipality, "code")
    )
    providers = fields.Field(
        attribute="providers",
        column_name="aanbieders",
        widget=widgets.ManyToManyWidget(Organisation, field="name", separator=";"),
    )

    class Meta:
        model = CatalogueItem
        import_id_fields = ("municipality", "name")
        fields = (
            "municipality",
            "name",
            "law",
            "kind",
            "indication_required",
            "product_category",
            "product_code",
            "unit",
            "frequency",
            "zin_allowed",
            "pgb_allowed",
            "taakveld",
            "bsn_required",
            "providers",
            "active",
            "description",
        )
        clean_model_instances = True
        skip_unchanged = True

    def before_save_instance(self, instance: CatalogueItem, row: Any, **kwargs: Any) -> None:
        self._check_municipality(instance.municipality_id)


class ItemWidget(widgets.ForeignKeyWidget):
    """The item by municipality code (column "gemeente") and name (column "voorziening")."""

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> QuerySet:
        return CatalogueItem.objects.filter(municipality__code=(row.get("gemeente") or "").strip())


class TariffResource(ScopedResourceMixin, resources.ModelResource):
    item = fields.Field(attribute="item", column_name="voorziening", widget=ItemWidget(CatalogueItem, "name"))
    amount = fields.Field(attribute="amount", column_name="tarief", widget=widgets.DecimalWidget())
    valid_from = fields.Field(attribute="valid_from", column_name="geldig_vanaf", widget=widgets.DateWidget("%Y-%m-%d"))
    valid_until = fields.Field(attribute="valid_until", column_name="geldig_tot", widget=widgets.DateWidget("%Y-%m-%d"))

    class Meta:
        model = Tariff
        import_id_fields = ()
        fields = ("item", "amount", "valid_from", "valid_until")
        clean_model_instances = True

    def get_instance(self, instance_loader: Any, row: Any) -> None:
        return None  # always a new row: an existing tariff is never rewritten

    def before_save_instance(self, instance: Tariff, row: Any, **kwargs: Any) -> None:
        self._check_municipality(instance.item.municipality_id)
        if instance.item.is_general:
            raise ValidationError(_("Een algemene voorziening heeft geen tarief."))
        services.tariff_close_previous(tariff=instance)


class ScopedImportAdmin(PlaceholderAdminMixin, ImportExportModelAdmin):
    municipality_lookup = "municipality_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(**{f"{self.municipality_lookup}__in": managed_municipality_ids(request)})
        )

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return super().get_import_resource_kwargs(request, **kwargs) | {
            "municipality_ids": managed_municipality_ids(request)
        }

    def get_export_queryset(self, request: HttpRequest) -> QuerySet:
        return self.get_queryset(request)


class TariffInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    model = Tariff
    extra = 0
    fields = ("amount", "valid_from", "valid_until")
    readonly_fields = ("amount", "valid_from", "valid_until")
    can_delete = False
    verbose_name_plural = _("tarieven (wijzigen: voeg een nieuw tarief toe onder Tarieven)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CatalogueItemForm(forms.ModelForm):
    class Meta:
        model = CatalogueItem
        fields = (
            "municipality",
            "name",
            "description",
            "law",
            "kind",
            "indication_required",
            "product_category",
            "product_code",
            "unit",
            "frequency",
            "execution_variant",
            "zin_allowed",
            "pgb_allowed",
            "taakveld",
            "bsn_required",
            "providers",
            "active",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        municipality = data.get("municipality")
        for org in data.get("providers") or []:
            if municipality is not None and not org.municipalities.filter(pk=municipality.pk).exists():
                self.add_error("providers", _("%(org)s werkt niet in deze gemeente.") % {"org": org})
        return data


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ScopedImportAdmin):
    form = CatalogueItemForm
    resource_classes = [CatalogueItemResource]
    list_display = (
        "name",
        "municipality",
        "law",
        "kind",
        "indication_required",
        "unit",
        "frequency",
        "execution_variant",
        "taakveld",
        "active",
    )
    list_filter = ("municipality", "law", "kind", "taakveld", "active")
    search_fields = ("name", "product_code")
    filter_horizontal = ()  # a plain multiple select: see accounts.admin.OrganisationAdmin (WCAG)
    inlines = [TariffInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(pk__in=managed_municipality_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "providers":
            kwargs["queryset"] = Organisation.objects.filter(
                municipalities__in=managed_municipality_ids(request)
            ).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TariffForm(forms.ModelForm):
    class Meta:
        model = Tariff
        fields = ("item", "amount", "valid_from", "valid_until")


@admin.register(Tariff)
class TariffAdmin(ScopedImportAdmin):
    form = TariffForm
    municipality_lookup = "item__municipality_id"
    resource_classes = [TariffResource]
    list_display = ("item", "amount", "valid_from", "valid_until")
    list_filter = ("item__municipality", "item__law")
    list_select_related = ("item",)
    search_fields = ("item__name",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)  # never rewrite the past

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "item":
            kwargs["queryset"] = CatalogueItem.objects.filter(
                municipality_id__in=managed_municipality_ids(request), kind="maatwerk"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Tariff, form: Any, change: bool) -> None:
        saved = services.tariff_add(
            actor=request.user,  # type: ignore[arg-type]
            item=obj.item,
            amount=obj.amount,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
        )
        obj.pk = saved.pk


class MandateForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ("team", "role", "items", "max_per_arrangement", "max_per_household_year", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team = data.get("team")
        for item in data.get("items") or []:
            if team is not None and item.municipality_id != team.municipality_id:
                self.add_error("items", _("%(item)s hoort bij een andere gemeente.") % {"item": item})
        return data


@admin.register(Mandate)
class MandateAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    form = MandateForm
    list_display = ("team", "role", "max_per_arrangement", "max_per_household_year")
    list_select_related = ("team__municipality",)
    filter_horizontal = ()  # a plain multiple select: see accounts.admin.OrganisationAdmin (WCAG)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(team__municipality_id__in=managed_municipality_ids(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "team":
            kwargs["queryset"] = Team.objects.filter(municipality_id__in=managed_municipality_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "items":
            kwargs["queryset"] = CatalogueItem.objects.filter(
                municipality_id__in=managed_municipality_ids(request), kind="maatwerk"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

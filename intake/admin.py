"""Intake in the admin: only the life-domain bands (configuration, not case content).

docs/permissions.md ("Admin"): case content is not in the admin, for anyone, superusers
included. Signals, gesprekken, scores and Meldcode steps are read and written in the
application, through the selectors and services that check per-case rights and log every
read. The bands per age (`DomainAgeBand`) are the municipality's own settings: a functioneel
beheerder keeps those of their own municipality, never another's.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from accounts.permissions import admin_municipality_ids
from socialdomain.forms import PlaceholderAdminMixin

from .models import DomainAgeBand


@admin.register(DomainAgeBand)
class DomainAgeBandAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    """Which life domains the gesprek proposes for which ages, per municipality."""

    list_display = ["domain", "municipality", "min_age", "upper_age"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "domain"]  # own municipality only
    list_select_related = ["municipality"]
    ordering = ["municipality__name", "min_age", "domain"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(municipality__in=admin_municipality_ids(user=request.user))  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=admin_municipality_ids(user=request.user))  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("tot en met leeftijd"), ordering="max_age")
    def upper_age(self, obj: DomainAgeBand) -> str:
        return str(obj.max_age) if obj.max_age is not None else str(_("geen bovengrens"))

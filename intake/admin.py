from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from socialdomain.forms import LabelledInlineMixin, PlaceholderAdminMixin

from .models import DomainAgeBand, DomainScore, Gesprek, MeldcodeStep, Signal


@admin.register(Signal)
class SignalAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["received_on", "source", "team", "status", "route", "case"]
    list_filter = ["status", "source", "team"]
    raw_id_fields = ["persons", "case", "created_by"]
    readonly_fields = ["uuid"]


@admin.register(MeldcodeStep)
class MeldcodeStepAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["case", "step", "done_on"]
    raw_id_fields = ["case", "signal"]


class DomainScoreInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    model = DomainScore
    raw_id_fields = ["member"]
    extra = 0


@admin.register(Gesprek)
class GesprekAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["case", "date", "status", "version"]
    raw_id_fields = ["case", "members", "contacts", "created_by", "updated_by"]
    inlines = [DomainScoreInline]


@admin.register(DomainAgeBand)
class DomainAgeBandAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    """Which life domains the gesprek proposes for which ages, per municipality."""

    list_display = ["domain", "municipality", "min_age", "upper_age"]
    list_filter = ["municipality", "domain"]
    list_select_related = ["municipality"]
    ordering = ["municipality__name", "min_age", "domain"]

    @admin.display(description=_("tot en met leeftijd"), ordering="max_age")
    def upper_age(self, obj: DomainAgeBand) -> str:
        return str(obj.max_age) if obj.max_age is not None else str(_("geen bovengrens"))

from django.contrib import admin

from .models import DomainScore, Gesprek, MeldcodeStep, Signal


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ["received_on", "source", "team", "status", "route", "case"]
    list_filter = ["status", "source", "team"]
    raw_id_fields = ["persons", "case", "created_by"]
    readonly_fields = ["uuid"]


@admin.register(MeldcodeStep)
class MeldcodeStepAdmin(admin.ModelAdmin):
    list_display = ["case", "step", "done_on"]
    raw_id_fields = ["case", "signal"]


class DomainScoreInline(admin.TabularInline):
    model = DomainScore
    raw_id_fields = ["member"]
    extra = 0


@admin.register(Gesprek)
class GesprekAdmin(admin.ModelAdmin):
    list_display = ["case", "date", "status", "version"]
    raw_id_fields = ["case", "members", "contacts", "created_by", "updated_by"]
    inlines = [DomainScoreInline]

"""Admin for the plan: plan content read-only and only through case permissions (like cases'
admin: superusers are not exempt), so an agreed version cannot be changed here; the
municipality's plan settings (evaluation interval) are functional administration."""

from django.contrib import admin

from cases.admin import CaseScopedAdmin, ReadOnlyInline

from .models import Action, Goal, Plan, PlanSettings


class GoalInline(ReadOnlyInline):
    model = Goal
    fields = ["member", "domain", "start_score", "target_score", "target_date"]


class ActionInline(ReadOnlyInline):
    model = Action
    fields = ["description", "owner_kind", "due_on", "done_on"]


@admin.register(Plan)
class PlanAdmin(CaseScopedAdmin):
    case_lookup = "case"
    list_display = ["case", "number", "status", "is_current", "evaluation_due"]
    list_filter = ["status"]
    fields = ["case", "number", "status", "is_current", "plan_date", "agreed_on", "agreement_method", "evaluation_due"]
    readonly_fields = fields
    inlines = [GoalInline, ActionInline]


@admin.register(PlanSettings)
class PlanSettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "evaluation_months"]

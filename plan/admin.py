"""Admin for the plan: only the municipality's plan settings (evaluation interval).

Plan content is case content and, like every case-bound record, not in the admin at all
(docs/permissions.md, "Admin"): it is read in the app, where access is checked and logged,
so an agreed version cannot be changed here either.
"""

from django.contrib import admin

from socialdomain.forms import PlaceholderAdminMixin

from .models import PlanSettings


@admin.register(PlanSettings)
class PlanSettingsAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["municipality", "evaluation_months"]

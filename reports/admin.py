"""The quarterly schedule in the admin, for municipality staff (docs/reports.md).

Staff keep *when* their municipality's quarterly report is made (`QuarterlySchedule`:
day of the month after each quarter, hour, on/off), scoped to the municipalities where they
hold the staff role; another municipality's schedule answers 404 like a missing one.
Saving writes the django-celery-beat entry (`PeriodicTask`) that beat reads.

django-celery-beat's own models (periodic tasks, crontabs, intervals) stay registered by
that package but for superusers only: a periodic task names any task with any arguments,
so handing it to staff would let them start arbitrary work or another municipality's
report. Staff therefore never get permissions on them (accounts.demo FUNCTIONAL_ADMIN_MODELS).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from accounts.permissions import admin_municipality_ids
from socialdomain.forms import PlaceholderAdminMixin

from . import services
from .models import QuarterlySchedule


@admin.register(QuarterlySchedule)
class QuarterlyScheduleAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["municipality", "day_of_month", "hour", "enabled", "next_entry"]
    fields = ["municipality", "day_of_month", "hour", "enabled", "next_entry"]
    readonly_fields = ["next_entry"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request).select_related("municipality", "periodic_task__crontab")
        if request.user.is_superuser:
            return qs
        return qs.filter(municipality__in=admin_municipality_ids(user=request.user))  # type: ignore[arg-type]

    def get_readonly_fields(self, request: HttpRequest, obj: QuarterlySchedule | None = None) -> list[str]:
        return ["municipality", "next_entry"] if obj is not None else ["next_entry"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=admin_municipality_ids(user=request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("Planning in Celery beat"))
    def next_entry(self, obj: QuarterlySchedule) -> str:
        task = obj.periodic_task
        if task is None or task.crontab is None:
            return "–"
        state = _("actief") if task.enabled else _("uitgeschakeld")
        return str(
            _("Dag %(day)s van januari, april, juli en oktober om %(hour)s:00 (%(state)s)")
            % {"day": task.crontab.day_of_month, "hour": task.crontab.hour, "state": state}
        )

    def save_model(self, request: HttpRequest, obj: QuarterlySchedule, form: Any, change: bool) -> None:
        services.quarterly_schedule_save(actor=request.user, schedule=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: QuarterlySchedule) -> None:
        services.quarterly_schedule_delete(actor=request.user, schedule=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.quarterly_schedule_delete(actor=request.user, schedule=obj)  # type: ignore[arg-type]

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        raise Http404

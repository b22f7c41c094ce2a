"""Report runs and the quarterly schedule (docs/reports.md).

A `ReportRun` is one anonymised report: its period, its scope (a municipality or one team),
its kind (quarterly or on demand), a status with progress, and — when done — three files
(PDF, CSV, JSON) in the private report storage (`REPORTS_ROOT`, never served directly).
The database guarantees what the tasks rely on:

- one quarterly run per (municipality, quarter): a retried, duplicated or concurrently
  started task finds the existing row instead of making a second report;
- one queued-or-running on-demand run per team: a double click joins the running one;
- a done run has its files, a failed run its Dutch reason, progress lies in 0-100.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import ACTIVE_STATUSES, RunKind, RunScope, RunStatus
from .periods import quarter_label
from .storage import report_storage


class ReportRun(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=16, choices=RunKind.choices)
    scope = models.CharField(_("bereik"), max_length=16, choices=RunScope.choices)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="report_runs", verbose_name=_("gemeente")
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("team"),
    )
    period_start = models.DateField(_("periode vanaf"))
    period_end = models.DateField(_("periode tot en met"))
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("voortgang (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Shown to the user as it is: Dutch, without technical details or personal data.
    failure_reason = models.CharField(_("reden van mislukken"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
        help_text=_("Leeg voor een kwartaalrapportage van de planning."),
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    created_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    pdf_file = models.FileField(_("PDF"), storage=report_storage, max_length=200, blank=True, editable=False)
    csv_file = models.FileField(_("CSV"), storage=report_storage, max_length=200, blank=True, editable=False)
    json_file = models.FileField(_("JSON"), storage=report_storage, max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("rapportage")
        verbose_name_plural = _("rapportages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="reportrun_municipality_recent"),
            models.Index(fields=["team", "-created_at"], name="reportrun_team_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period_start"],
                condition=Q(kind=RunKind.QUARTERLY),
                name="reportrun_one_quarterly_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(kind=RunKind.ON_DEMAND, status__in=ACTIVE_STATUSES),
                name="reportrun_one_active_on_demand_per_team",
            ),
            models.CheckConstraint(
                condition=Q(scope=RunScope.TEAM, team__isnull=False)
                | Q(scope=RunScope.MUNICIPALITY, team__isnull=True),
                name="reportrun_scope_matches_team",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RunKind.QUARTERLY) | Q(scope=RunScope.MUNICIPALITY),
                name="reportrun_quarterly_is_municipal",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportrun_progress_max_100"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="reportrun_period"),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.DONE) | (~Q(pdf_file="") & ~Q(csv_file="") & ~Q(json_file="")),
                name="reportrun_done_has_files",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.FAILED) | ~Q(failure_reason=""),
                name="reportrun_failed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        # Ids and periods only: __str__ ends up in logs and admin pages.
        return f"{self.get_kind_display()} {self.period_label} #{self.pk}"

    @property
    def period_label(self) -> str:
        if self.kind == RunKind.QUARTERLY:
            return quarter_label(self.period_start)
        return f"{self.period_start.isoformat()}–{self.period_end.isoformat()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class QuarterlySchedule(models.Model):
    """When a municipality's quarterly report is made: a day in the first month after the
    quarter, at an hour. Municipality staff keep it in the admin; saving it writes the
    django-celery-beat `PeriodicTask` that beat reads (`services.quarterly_schedule_sync`)."""

    municipality = models.OneToOneField(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        related_name="report_schedule",
        verbose_name=_("gemeente"),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("dag van de maand"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Dag in januari, april, juli en oktober waarop het vorige kwartaal wordt gerapporteerd (1–28)."),
    )
    hour = models.PositiveSmallIntegerField(
        _("uur"), default=6, validators=[MaxValueValidator(23)], help_text=_("Uur van de dag (0–23, Nederlandse tijd).")
    )
    enabled = models.BooleanField(_("actief"), default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("planning kwartaalrapportage")
        verbose_name_plural = _("planning kwartaalrapportages")
        constraints = [
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=28), name="schedule_day_1_28"),
            models.CheckConstraint(condition=Q(hour__lte=23), name="schedule_hour_0_23"),
        ]

    def __str__(self) -> str:
        return str(_("Planning kwartaalrapportage #%(pk)s") % {"pk": self.pk})

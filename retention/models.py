"""Retention periods, legal holds, deletion runs and the anonymous aggregates that outlive
the deleted cases (docs/retention.md).

Nothing here holds personal data: runs and their items carry record types, database ids
and counts; a legal hold carries a case, a reason from a fixed list and who placed it.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import (
    MAXIMUM_YEARS,
    MINIMUM_YEARS,
    OPEN_RUN_STATUSES,
    HoldReason,
    ItemState,
    RecordType,
    RunStatus,
)


class RetentionPolicy(models.Model):
    """A municipality's own retention period for one record type (in years after closing).

    Without a row the documented default applies (`constants.DEFAULT_YEARS`). The law sets
    a floor for Jeugdwet records (20 years) and the access log (5 years).
    """

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="retention_policies", verbose_name=_("gemeente")
    )
    record_type = models.CharField(_("soort gegevens"), max_length=24, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        _("bewaartermijn (jaren)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_YEARS)],
        help_text=_("Jaren na het sluiten van het dossier (aanmelding: na de afhandeling; logregel: na het tijdstip)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        ordering = ["municipality__name", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "record_type"], name="retention_policy_one_per_type"),
            models.CheckConstraint(
                condition=Q(years__gte=1, years__lte=MAXIMUM_YEARS), name="retention_policy_years_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years}"

    def clean(self) -> None:
        floor = MINIMUM_YEARS.get(self.record_type)
        if floor is not None and self.years is not None and self.years < floor:
            raise ValidationError(
                {
                    "years": _("De wet vraagt voor %(type)s minimaal %(years)s jaar.")
                    % {"type": self.get_record_type_display(), "years": floor}
                }
            )


class RetentionRun(models.Model):
    """One retention run of a municipality: a dry-run list, approved by municipality staff,
    then executed in batches (resumable: the items say what is left).

    `as_of` and `periods` are fixed when the dry run is made, so the run removes exactly what
    the dry run listed (minus what got a legal hold since), whenever it is approved.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="retention_runs", verbose_name=_("gemeente")
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRY_RUN)
    as_of = models.DateField(_("peildatum"))
    periods = models.JSONField(_("termijnen (jaren)"), default=dict, editable=False)
    counts = models.JSONField(_("te verwijderen per soort"), default=dict, editable=False)
    held = models.PositiveIntegerField(_("verlopen maar bewaard (bewaarplicht)"), default=0, editable=False)
    removed = models.JSONField(_("verwijderd per soort"), default=dict, editable=False)
    skipped = models.PositiveIntegerField(_("overgeslagen"), default=0, editable=False)
    households_removed = models.PositiveIntegerField(_("huishoudens verwijderd"), default=0, editable=False)
    persons_removed = models.PositiveIntegerField(_("personen verwijderd"), default=0, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goedgekeurd door"),
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    started_at = models.DateTimeField(_("gestart"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)

    class Meta:
        verbose_name = _("bewaartermijnrun")
        verbose_name_plural = _("bewaartermijnruns")
        ordering = ["-created_at"]
        constraints = [
            # One run in progress per municipality: the beat task never makes a second list.
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(status__in=OPEN_RUN_STATUSES), name="retention_run_one_open"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[RunStatus.DRY_RUN, RunStatus.REJECTED]) | Q(approved_by__isnull=False),
                name="retention_run_approved_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Bewaartermijnrun')} {str(self.uuid)[:8]}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class RetentionItem(models.Model):
    """One record a run removes: a record type and a database id, nothing else."""

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="items")
    record_type = models.CharField(max_length=24, choices=RecordType.choices)
    object_id = models.BigIntegerField()
    state = models.CharField(max_length=8, choices=ItemState.choices, default=ItemState.PENDING)

    class Meta:
        verbose_name = _("bewaartermijnregel")
        verbose_name_plural = _("bewaartermijnregels")
        constraints = [
            models.UniqueConstraint(fields=["run", "record_type", "object_id"], name="retention_item_once_per_run")
        ]
        indexes = [
            models.Index(fields=["run", "id"], name="retention_item_pending", condition=Q(state=ItemState.PENDING))
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id}"


class LegalHold(models.Model):
    """A bewaarplicht on a case (objection, court case, Veilig Thuis investigation): while it
    is not lifted, no retention run touches the case. `on_delete=PROTECT` makes that hold in
    the database too: a case with a hold row cannot be deleted (lifted holds are removed
    with the case by the run)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="legal_holds", verbose_name=_("dossier")
    )
    reason = models.CharField(_("reden"), max_length=16, choices=HoldReason.choices)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("geplaatst door")
    )
    placed_at = models.DateTimeField(_("geplaatst op"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgeheven door"),
    )
    lifted_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bewaarplicht")
        verbose_name_plural = _("bewaarplichten")
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reason"], condition=Q(lifted_at__isnull=True), name="legal_hold_one_active_per_reason"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legal_hold_lifted_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["case"], name="legal_hold_active", condition=Q(lifted_at__isnull=True))]

    def __str__(self) -> str:
        return f"{_('Bewaarplicht')} {str(self.uuid)[:8]}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ClosedCaseAggregate(models.Model):
    """Anonymous counts of closed cases that survive their deletion: per municipality, year
    of closing, law and line. Incremented in the same transaction that deletes the case, so
    a count is never lost or doubled (reports add these to what is still on file)."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente")
    )
    year = models.PositiveSmallIntegerField(_("jaar van sluiten"))
    law = models.CharField(_("wet"), max_length=24, choices=RecordType.choices)
    line = models.CharField(_("lijn"), max_length=8)
    cases = models.PositiveIntegerField(_("dossiers"), default=0)
    arrangements = models.PositiveIntegerField(_("voorzieningen"), default=0)

    class Meta:
        verbose_name = _("geanonimiseerd totaal gesloten dossiers")
        verbose_name_plural = _("geanonimiseerde totalen gesloten dossiers")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "law", "line"], name="closed_case_aggregate_cell")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.law}"

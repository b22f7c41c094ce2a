"""The single budget ("één ontschot budget") of a municipality: lines, ceilings, the ledger.

The ledger (`LedgerEntry`) is the truth: immutable, signed amounts in cents. The monthly
rollup (`MonthlyRollup`, line x team x provider x month) is kept in step with it in the
same transaction (budget.services._book), so every position and dashboard reads the
rollup and costs the same whatever the number of arrangements and declarations. A
property test proves rollup == recomputation from the ledger.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from arrangements.constants import Law, Taakveld

from .constants import DEFAULT_OVERRUN_THRESHOLD_PCT, BudgetStatus, EntryKind, ReallocationStatus


def money_field(*args: Any, **kwargs: Any) -> models.DecimalField:
    """Euros with cents (up to 999 999 999 999,99)."""
    kwargs.update(max_digits=14, decimal_places=2)
    return models.DecimalField(*args, **kwargs)


class Budget(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="budgets", verbose_name=_("gemeente")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    status = models.CharField(_("status"), max_length=8, choices=BudgetStatus.choices, default=BudgetStatus.OPEN)
    household_contribution_cap = money_field(_("maximale eigen bijdrage per huishouden per jaar"), default=0)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgetten")
        ordering = ["municipality", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="budget_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2015, year__lte=2100), name="budget_year_sane"),
            models.CheckConstraint(condition=Q(household_contribution_cap__gte=0), name="budget_cap_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == BudgetStatus.OPEN


class BudgetLine(models.Model):
    """A line per law and Iv3 taakveld; an earmarked line lets no money leave it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="lines", verbose_name=_("budget"))
    law = models.CharField(_("wet"), max_length=16, choices=Law.choices)
    taakveld = models.CharField(_("taakveld"), max_length=5, choices=Taakveld.choices)
    amount = money_field(_("begroot bedrag"))
    earmarked = models.BooleanField(_("geoormerkt"), default=False)
    overrun_threshold_pct = models.PositiveSmallIntegerField(
        _("signaleringsgrens (%)"), default=DEFAULT_OVERRUN_THRESHOLD_PCT
    )
    # Set while the line's forecast is over its threshold: the alert is sent once when it
    # crosses and again only after the forecast came back under (budget.services).
    overrun_alerted = models.BooleanField(_("overschrijding gesignaleerd"), default=False, editable=False)
    unbudgeted = models.BooleanField(
        _("niet begroot"), default=False, editable=False, help_text=_("Aangemaakt door een verplichting zonder regel.")
    )

    class Meta:
        verbose_name = _("budgetregel")
        verbose_name_plural = _("budgetregels")
        ordering = ["budget", "law", "taakveld"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "law", "taakveld"], name="budgetline_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgetline_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_law_display()} {self.taakveld}"


class TeamCeiling(models.Model):
    """Optional budget ceiling (budgetplafond) of one district team in one budget year."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="ceilings", verbose_name=_("budget"))
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    amount = money_field(_("plafond"))

    class Meta:
        verbose_name = _("budgetplafond")
        verbose_name_plural = _("budgetplafonds")
        constraints = [
            models.UniqueConstraint(fields=["budget", "team"], name="ceiling_one_per_team"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ceiling_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.budget.year}"


class Reallocation(models.Model):
    """Money moved between two lines of one budget; four-eyes: approved by someone else."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="reallocations")
    from_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("van"))
    to_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("naar"))
    amount = money_field(_("bedrag"))
    reason = models.CharField(_("reden"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=ReallocationStatus.choices, default=ReallocationStatus.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("herschikking")
        verbose_name_plural = _("herschikkingen")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reallocation_positive"),
            models.CheckConstraint(condition=~Q(from_line=models.F("to_line")), name="reallocation_two_lines"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="reallocation_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"Herschikking {str(self.uuid)[:8]}"


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Ledger entries are immutable; book a correction instead.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("Ledger entries are immutable; book a correction instead.")


class LedgerEntry(models.Model):
    """One immutable booking. `source` identifies what caused it (an arrangement, a
    declaration line, a reallocation) by kind and id, never by personal data."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="entries")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    household_id = models.BigIntegerField(null=True, blank=True)  # for the expensive-minority figure
    month = models.DateField()  # first day of the service month
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    amount = money_field()  # signed
    # Declared units (actuals and their credits, signed like the amount): unit cost = amount / volume.
    volume = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # The catalogue item (provision) an actual was declared on, for its unit cost vs tariff.
    item = models.ForeignKey(
        "arrangements.CatalogueItem", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    source_kind = models.CharField(max_length=32)
    source_id = models.BigIntegerField()
    booked_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("boeking")
        verbose_name_plural = _("grootboek")
        indexes = [
            models.Index(fields=["source_kind", "source_id", "kind"], name="ledger_source"),
            models.Index(fields=["line", "month"], name="ledger_line_month"),
        ]
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="ledger_month_first_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Ledger entries are immutable; book a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Ledger entries are immutable; book a correction instead.")


class MonthlyRollup(models.Model):
    """Sums of the ledger per line x team x provider x month, kept in step with it."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="rollups")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", null=True)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+", null=True)
    month = models.DateField()
    committed = money_field(default=0)  # commitments + releases
    realised = money_field(default=0)  # actuals + corrections
    income = money_field(default=0)
    reallocated = money_field(default=0)  # in (+) and out (-)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.F("line"),
                Coalesce("team", 0),
                Coalesce("provider", 0),
                models.F("month"),
                name="rollup_one_cell",
            )
        ]
        indexes = [models.Index(fields=["line", "month"], name="rollup_line_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class UnitCostRollup(models.Model):
    """Realised amount and declared volume per line x team x provider x catalogue item x
    month, kept in step with the ledger (actuals and corrections that name an item and a
    volume): the unit cost realised per provision costs the same whatever the number of
    declaration lines."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="unit_costs")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", null=True)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+", null=True)
    item = models.ForeignKey("arrangements.CatalogueItem", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    realised = money_field(default=0)
    volume = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("kostprijs per eenheid (samenvatting)")
        verbose_name_plural = _("kostprijzen per eenheid (samenvatting)")
        constraints = [
            models.UniqueConstraint(
                models.F("line"),
                Coalesce("team", 0),
                Coalesce("provider", 0),
                models.F("item"),
                models.F("month"),
                name="unit_cost_one_cell",
            )
        ]
        indexes = [models.Index(fields=["line", "item"], name="unit_cost_line_item")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class InflowRollup(models.Model):
    """New commitments per line by the month they were booked (for the forecast's run-rate)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="inflow")
    booked_month = models.DateField()
    amount = money_field(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line", "booked_month"], name="inflow_one_cell")]

    def __str__(self) -> str:
        return f"{self.booked_month:%Y-%m}"


class HouseholdSpend(models.Model):
    """Realised spending per household per line x team x provider, kept in step with the
    ledger: it answers "which share of households uses 80 % of the money" and how many
    households a dashboard cell stands for (disclosure control) without reading the ledger.
    Holds a household id only, never personal data."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="household_spend")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", null=True)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+", null=True)
    # The catalogue item of the actuals (NULL: none named), so the unit-cost rows know how
    # many households they stand for (disclosure control).
    item = models.ForeignKey("arrangements.CatalogueItem", on_delete=models.PROTECT, related_name="+", null=True)
    household_id = models.BigIntegerField()
    realised = money_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.F("line"),
                Coalesce("team", 0),
                Coalesce("provider", 0),
                Coalesce("item", 0),
                models.F("household_id"),
                name="household_spend_one_cell_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"Besteding huishouden #{self.pk}"


class HouseholdFigure(models.Model):
    """Household-level figures of one budget, computed by the recompute task (after every
    booking, and nightly) so that the dashboard never counts households itself: the number
    of distinct households per law / team / provider combination (NULL = all), and for the
    per-law rows without team and provider, how many of them account for 80 % of spending."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="household_figures")
    grouping = models.CharField(max_length=24)  # which of law/team/provider this row is grouped by, e.g. "law+team"
    law = models.CharField(max_length=16, blank=True)
    team_id = models.BigIntegerField(null=True)
    provider_id = models.BigIntegerField(null=True)
    item_id = models.BigIntegerField(null=True)  # the "item…" groupings (unit cost per provision)
    households = models.PositiveIntegerField()
    top_households = models.PositiveIntegerField(null=True)  # households behind 80 % (per law only)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["budget", "grouping"], name="household_figure_lookup")]

    def __str__(self) -> str:
        return f"Huishoudcijfer #{self.pk}"


class HouseholdContribution(models.Model):
    """Eigen bijdrage charged to a household in a budget year, kept against the cap."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("cases.Household", on_delete=models.PROTECT, related_name="+")
    charged = money_field(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["budget", "household"], name="contribution_one_per_year")]

    def __str__(self) -> str:
        return f"Eigen bijdrage {self.budget.year}"

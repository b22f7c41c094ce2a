from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Afgesloten")


class EntryKind(models.TextChoices):
    """Kinds of ledger entries. Amounts are signed: a release is a negative commitment."""

    COMMITMENT = "commitment", _("Verplichting")
    RELEASE = "release", _("Vrijval")
    ACTUAL = "actual", _("Realisatie")
    CORRECTION = "correction", _("Correctie")
    INCOME = "income", _("Inkomsten")
    REALLOCATION = "reallocation", _("Herschikking")


class ReallocationStatus(models.TextChoices):
    REQUESTED = "requested", _("Aangevraagd")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Afgewezen")


# Forecast: the expected new inflow is the average of the new commitments booked in the
# last RUN_RATE_MONTHS full months, times the months left in the year (docs/budget.md).
RUN_RATE_MONTHS = 3
DEFAULT_OVERRUN_THRESHOLD_PCT = 100

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Kwartaalrapportage")
    ON_DEMAND = "on_demand", _("Rapport op verzoek")


class RunScope(models.TextChoices):
    MUNICIPALITY = "municipality", _("Gemeente")
    TEAM = "team", _("Team")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Wordt gemaakt")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class OutputFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    CSV = "csv", _("CSV")
    JSON = "json", _("JSON")


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)

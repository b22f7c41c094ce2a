"""Choices of the partner API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """OAuth scopes a partner client may hold (also in settings OAUTH2_PROVIDER["SCOPES"])."""

    ALLOCATIONS_READ = "allocations:read", _("Toewijzingen inzien")
    CARE_REPORT = "care:report", _("Ontvangst, start en stop van zorg en voortgang melden")
    DECLARATIONS_WRITE = "declarations:write", _("Declareren")


class MessageKind(models.TextChoices):
    """The provider's messages about one allocation (after iWmo/iJw)."""

    ACKNOWLEDGED = "301", _("Toewijzing ontvangen (301)")
    STARTED = "305", _("Start zorg (305)")
    STOPPED = "307", _("Stop zorg (307)")

from django.db import models

from .constants import FROZEN_STATUSES, PlanStatus


class PlanQuerySet(models.QuerySet):
    def current(self) -> "PlanQuerySet":
        return self.filter(is_current=True)

    def running(self) -> "PlanQuerySet":
        """Agreed or active: the versions whose evaluation and actions can fall due."""
        return self.filter(status__in=[PlanStatus.AGREED, PlanStatus.ACTIVE])

    def frozen(self) -> "PlanQuerySet":
        return self.filter(status__in=FROZEN_STATUSES)

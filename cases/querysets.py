from django.db import models

from .constants import CaseStatus


class CaseQuerySet(models.QuerySet):
    def open(self) -> "CaseQuerySet":
        return self.filter(status=CaseStatus.OPEN)

    def closed(self) -> "CaseQuerySet":
        return self.filter(status=CaseStatus.CLOSED)

    def with_list_data(self) -> "CaseQuerySet":
        # One query for everything a list row shows; no per-row lookups.
        return self.select_related("household", "team", "team__municipality", "regisseur")

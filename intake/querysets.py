from django.db import models

from .constants import SignalStatus


class SignalQuerySet(models.QuerySet):
    def unlinked(self) -> "SignalQuerySet":
        return self.filter(case__isnull=True)

    def open(self) -> "SignalQuerySet":
        return self.exclude(status=SignalStatus.DONE)

    def with_list_data(self) -> "SignalQuerySet":
        # Everything an inbox row shows in two queries (rows + persons), whatever the row count.
        return self.select_related("team", "case").prefetch_related("persons")

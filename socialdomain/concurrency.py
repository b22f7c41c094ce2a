"""Optimistic locking for records that two people can edit at once (the gesprek, the plan).

The record carries a `version` column. An editor loads version n and sends it back with
the save; the service locks the row and compares. When someone saved in between, the
save raises `StaleVersion` carrying the saved record, nothing is written, and the view
answers 409 with both versions side by side (the saved one and the submitted one).

    current = lock_row(Gesprek.objects.select_related("case"), pk=gesprek.pk)
    check_version(current, expected_version, conflict=GesprekConflict)
    ...
    bump_version(current)
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class StaleVersion(Exception):
    """The record was saved by someone else since the editor loaded it."""

    def __init__(self, current: Any) -> None:
        super().__init__("record changed")
        self.current = current


def lock_row(queryset: models.QuerySet[M], *, pk: Any) -> M:
    """The row, locked for the rest of the transaction (`SELECT ... FOR UPDATE`)."""
    return queryset.select_for_update().get(pk=pk)


def check_version(current: Any, expected_version: int, *, conflict: type[StaleVersion] = StaleVersion) -> None:
    """Raise `conflict(current)` when the locked row's version is not the editor's."""
    if current.version != expected_version:
        raise conflict(current)


def bump_version(current: Any) -> None:
    current.version += 1


def diff_rows(pairs: list[tuple[Any, Any, Any]]) -> list[dict[str, Any]]:
    """The rows of the 409 page: (label, theirs, yours) for the values that differ."""
    return [{"label": label, "theirs": theirs, "yours": yours} for label, theirs, yours in pairs if theirs != yours]

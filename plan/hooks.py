"""What other apps show in the plan, without the plan importing them.

Arrangements are deployed *in* a plan, on a goal: the arrangements app registers a provider
that returns, for a case and the goals' lineages (a goal keeps its lineage across plan
versions), the Dutch labels of the provisions on each goal. One query per provider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

GoalProvisions = Callable[..., dict[UUID, list[str]]]
_providers: list[GoalProvisions] = []


def register_goal_provisions(provider: GoalProvisions) -> None:
    if provider not in _providers:
        _providers.append(provider)


def goal_provisions(*, case: Any, lineages: Iterable[UUID]) -> dict[UUID, list[str]]:
    wanted = list(lineages)
    result: dict[UUID, list[str]] = {}
    if not wanted:
        return result
    for provider in _providers:
        for lineage, labels in provider(case=case, lineages=wanted).items():
            result.setdefault(lineage, []).extend(labels)
    return result

"""The budget hook: arrangements announce their spending commitments, the budget books them.

Dependencies point one way (budget → arrangements), so arrangements never import the
budget. The budget registers a listener in its `AppConfig.ready()`; the arrangement
services call `commitment_changed(...)` inside their transaction whenever a grant, a
change or an end changes what an arrangement will cost. A listener may refuse the change
by raising `django.core.exceptions.ValidationError` with a Dutch message (for example a
team ceiling that would be exceeded): the arrangement's transaction then rolls back and
the service shows that message.

The change carries the arrangement's *whole* committed schedule after the change (one
amount per calendar month, first of the month, Decimal with cents); the listener books
the difference with what it booked before, so a change re-computes the remainder and a
stop (schedule ending at the stop date, or empty when refused/cancelled) releases it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

__all__ = [
    "OVER_CEILING",
    "CommitmentChange",
    "MonthAmount",
    "commitment_changed",
    "is_over_ceiling",
    "register_commitment_listener",
]

# The code of a listener's ValidationError when a grant would take the team over its
# budget ceiling: the regisseur may then ask the team leader's approval instead.
OVER_CEILING = "over_ceiling"


@dataclass(frozen=True)
class MonthAmount:
    month: dt.date  # the first day of the month
    amount: Decimal  # cents, ROUND_HALF_UP (see arrangements' cost estimate)


@dataclass(frozen=True)
class CommitmentChange:
    arrangement_id: int
    municipality_id: int
    team_id: int
    household_id: int
    provider_id: int | None
    law: str  # arrangements.constants.Law value
    taakveld: str  # arrangements.constants.Taakveld value
    kind: Literal["grant", "change", "stop", "cancel"]
    schedule: tuple[MonthAmount, ...]
    actor_id: int | None = None
    # A team leader who approved going beyond the team's budget ceiling for this change
    # (arrangements.CeilingApproval). The listener verifies that this user leads the team;
    # it is never trusted blindly.
    ceiling_approved_by: int | None = None

    @property
    def total(self) -> Decimal:
        return sum((m.amount for m in self.schedule), Decimal("0.00"))


Listener = Callable[[CommitmentChange], Any]
_listeners: list[Listener] = []


def register_commitment_listener(listener: Listener) -> None:
    """Register a callable that books a commitment change (idempotent per callable)."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_commitment_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def is_over_ceiling(exc: Exception) -> bool:
    """True when a listener refused a change because of the team's budget ceiling."""
    error_list = getattr(exc, "error_list", None)
    return error_list is not None and not hasattr(exc, "error_dict") and any(e.code == OVER_CEILING for e in error_list)


def commitment_changed(change: CommitmentChange) -> None:
    """Tell every listener, inside the caller's transaction; a ValidationError refuses it."""
    for listener in list(_listeners):
        listener(change)


# --- What the regisseur sees before granting: the team's room under its budget ceiling ----
# The budget registers a provider (`budget.selectors.team_room`); arrangements show what it
# returns beside the live cost estimate without importing the budget. A provider returns an
# object with `ceiling` (Decimal | None), `committed` and `room` (Decimal | None).
RoomProvider = Callable[..., Any]
_room_providers: list[RoomProvider] = []


def register_budget_room(provider: RoomProvider) -> None:
    if provider not in _room_providers:
        _room_providers.append(provider)


def budget_room(*, team_id: int, municipality_id: int, year: int) -> Any | None:
    """The team's ceiling and room in that year, from the first provider (None without one)."""
    for provider in _room_providers:
        return provider(team_id=team_id, municipality_id=municipality_id, year=year)
    return None


# --- What partners sent per allocation, on the Voorzieningen tab --------------------------
# A higher app (partners) registers a part: `parts(*, case, arrangement_ids)` returns
# {arrangement_id: data} in a constant number of queries; the tab includes `template` with
# `data` under each arrangement that has some. The tab is read through `case_view`.
@dataclass(frozen=True)
class AllocationPart:
    template: str
    data: Any


AllocationParts = Callable[..., dict[int, Any]]
_allocation_parts: list[tuple[str, AllocationParts]] = []


def register_allocation_part(*, template: str, parts: AllocationParts) -> None:
    if (template, parts) not in _allocation_parts:
        _allocation_parts.append((template, parts))


def allocation_parts(*, case: Any, arrangement_ids: list[int]) -> dict[int, list[AllocationPart]]:
    """{arrangement id: [AllocationPart, …]} from every registered part."""
    result: dict[int, list[AllocationPart]] = {}
    for template, parts in list(_allocation_parts):
        for arrangement_id, data in parts(case=case, arrangement_ids=arrangement_ids).items():
            result.setdefault(arrangement_id, []).append(AllocationPart(template, data))
    return result

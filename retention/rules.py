"""Which period applies to a record, and when it has passed (docs/retention.md).

The law of a case follows from its arrangements, strictest (longest period) wins:
- any Jeugdwet arrangement, or any household member younger than 18 on the day the case
  opened (youth help is often given without an arrangement: a gesprek, advice, a plan),
  makes it a Jeugdwet case;
- otherwise each arrangement's law counts (Participatiewet, Wmo; "overig" counts as Wmo);
- a case without arrangements is a Wmo case (the gesprek is the Wmo 2015 investigation).
The case's period is the longest of the periods of the laws that apply; the law recorded in
the anonymous aggregate is the one that gave it (ties: Jeugdwet, Participatiewet, Wmo).

A period of N years after closing ends on the day N years later: the record is still kept
that day and removed from the next day on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from arrangements.constants import Law
from arrangements.models import Arrangement
from cases.models import HouseholdMember

from .constants import LAW_PRECEDENCE, MINOR_AGE, RecordType

LAW_TYPES: dict[str, str] = {
    Law.JEUGDWET: RecordType.CASE_JEUGD,
    Law.PARTICIPATIEWET: RecordType.CASE_PARTICIPATIE,
    Law.WMO: RecordType.CASE_WMO,
    Law.OTHER: RecordType.CASE_WMO,
}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def has_expired(*, start: dt.date, years: int, as_of: dt.date) -> bool:
    """Kept through `start + years`; expired from the day after."""
    return add_years(start, years) < as_of


@dataclass(frozen=True)
class CaseFacts:
    id: int
    household_id: int
    opened_on: dt.date
    closed_on: dt.date
    line: str


def case_types(facts: Iterable[CaseFacts]) -> dict[int, set[str]]:
    """The record types (laws) that apply to each case, in two queries for any number of cases."""
    facts = list(facts)
    ids = [f.id for f in facts]
    applicable: dict[int, set[str]] = defaultdict(set)
    for case_id, law in Arrangement.objects.filter(case_id__in=ids).values_list("case_id", "item__law").distinct():
        applicable[case_id].add(LAW_TYPES.get(law, RecordType.CASE_WMO))
    births: dict[int, list[dt.date]] = defaultdict(list)
    members = HouseholdMember.objects.filter(household_id__in={f.household_id for f in facts})
    for household_id, birth_date in members.values_list("household_id", "person__birth_date"):
        births[household_id].append(birth_date)
    for f in facts:
        if any(add_years(b, MINOR_AGE) > f.opened_on for b in births[f.household_id]):
            applicable[f.id].add(RecordType.CASE_JEUGD)
        if not applicable[f.id]:
            applicable[f.id].add(RecordType.CASE_WMO)
    return applicable


def strictest(types: set[str], periods: dict[str, int]) -> tuple[str, int]:
    """The type with the longest period among `types` (ties by LAW_PRECEDENCE) and that period."""
    best = max(types, key=lambda t: (periods[t], -LAW_PRECEDENCE.index(t)))  # type: ignore[arg-type]
    return best, periods[best]

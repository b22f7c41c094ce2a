"""The shape of a report's figures: the contract between `reports.figures` (which fills it)
and the report runs and outputs (PDF, CSV, JSON) that render it.

Everything in a `ReportData` is already disclosure-controlled (`reports.disclosure`) and
holds no personal data: labels are fixed Dutch texts, team names or provider names, never
a person, a household, a case number or free text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class Cell:
    """One published figure. `value` is None when `suppressed` (or when there is nothing to
    compute, e.g. a median without observations)."""

    value: int | Decimal | None
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        value: Any = self.value
        if isinstance(value, Decimal):
            value = str(value)
        return {"value": value, "suppressed": self.suppressed}


@dataclass
class Row:
    label: str
    cells: list[Cell]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "cells": [c.to_dict() for c in self.cells]}


@dataclass
class Section:
    """One table of the report. `chart` tells the outputs which chart fits ('bar' or
    'line'); the table is always shown beside it."""

    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    chart: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [r.to_dict() for r in self.rows],
            "chart": self.chart,
            "note": self.note,
        }


@dataclass
class ReportData:
    municipality_id: int
    team_id: int | None
    period_start: dt.date
    period_end: dt.date
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (dates as ISO strings, decimals as strings)."""
        return {
            "municipality_id": self.municipality_id,
            "team_id": self.team_id,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "sections": [s.to_dict() for s in self.sections],
        }

    to_json = to_dict

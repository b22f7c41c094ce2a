"""TEMPORARY FALLBACK — not the report's figures.

The figures and the disclosure control of the reports are `reports/figures.py` and
`reports/disclosure.py` (built on another branch, helper "reports-figures"). Until that
module exists, `reports.services.compute_figures` falls back to this minimal set so that
the machinery (runs, schedule, outputs, downloads) works end to end. It implements the
agreed contract:

    compute(*, municipality_id, team_id, period_start, period_end, using="reporting") -> ReportData

with only primary suppression (counts below DISCLOSURE_MINIMUM hidden). Delete this file
when reports/figures.py has landed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import Case
from intake.models import Signal


@dataclass(frozen=True)
class Cell:
    value: int | Decimal | None
    suppressed: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    chart: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ReportData:
    sections: list[Section] = field(default_factory=list)


def _cell(n: int, minimum: int) -> Cell:
    return Cell(None, True) if 0 < n < minimum else Cell(n)


def compute(
    *,
    municipality_id: int,
    team_id: int | None,
    period_start: dt.date,
    period_end: dt.date,
    using: str = "reporting",
) -> ReportData:
    minimum = settings.DISCLOSURE_MINIMUM
    signals = Signal.objects.using(using).filter(team__municipality_id=municipality_id)
    cases = Case.objects.using(using).filter(team__municipality_id=municipality_id)
    if team_id is not None:
        signals = signals.filter(team_id=team_id)
        cases = cases.filter(team_id=team_id)
    in_period = signals.filter(received_on__gte=period_start, received_on__lte=period_end)
    by_source = {
        row["source"]: row["n"] for row in in_period.order_by().values("source").annotate(n=Count("pk", distinct=True))
    }
    labels = dict(Signal._meta.get_field("source").choices or [])  # type: ignore[arg-type]
    source_rows = [Row(str(labels.get(k, k)), [_cell(n, minimum)]) for k, n in sorted(by_source.items())]
    counts = cases.aggregate(
        opened=Count("pk", filter=Q(opened_on__gte=period_start, opened_on__lte=period_end)),
        closed=Count("pk", filter=Q(closed_on__gte=period_start, closed_on__lte=period_end)),
        open_at_end=Count(
            "pk", filter=Q(opened_on__lte=period_end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=period_end))
        ),
    )
    return ReportData(
        sections=[
            Section(
                key="signals_by_source",
                title=_("Aanmeldingen per bron"),
                columns=[_("Aantal")],
                rows=source_rows,
                chart="bar",
                note=_("Voorlopige cijferset (de volledige cijfers volgen)."),
            ),
            Section(
                key="cases",
                title=_("Dossiers"),
                columns=[_("Aantal")],
                rows=[
                    Row(_("Geopend"), [_cell(counts["opened"], minimum)]),
                    Row(_("Gesloten"), [_cell(counts["closed"], minimum)]),
                    Row(_("Open aan het eind van de periode"), [_cell(counts["open_at_end"], minimum)]),
                ],
                chart="bar",
            ),
        ]
    )

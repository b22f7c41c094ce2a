"""The three outputs of a report run, with the same figures: a Dutch PDF (charts as inline
SVG drawn here, on the server, each beside its table), a CSV (one line per cell, through
`socialdomain.csv_export`) and a JSON document.

The input is the `ReportData` of `reports.figures.compute` (already disclosure-controlled:
no personal data, small counts suppressed). A suppressed cell is written as "onderdrukt"
(PDF), an empty value with `onderdrukt=ja` (CSV) and `null` with `"suppressed": true` (JSON),
never as its value.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from socialdomain.csv_export import csv_rows
from socialdomain.pdf import render_pdf

from .models import ReportRun

SUPPRESSED_MARK = "•"
MAX_CHART_ROWS = 20
MAX_SERIES = 6
# Patterns, not only colours, tell the lines apart (WCAG 1.4.1).
DASHES = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4"]
GREYS = ["#1f4e79", "#7a3b00", "#2e6b2e", "#5a2d82", "#8a1c1c", "#333333"]


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def format_value(value: Any) -> str:
    """Dutch number formatting for the PDF: 1.234 and 12,5."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        text = f"{value:,.2f}" if value != value.to_integral_value() else f"{int(value):,}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def bar_chart_svg(section: Any) -> SafeString:
    """Horizontal bars of the first column, one per row; a suppressed cell has no bar. A
    closing "Totaal" row is left out of the chart (it would dwarf the rest; the table has it)."""
    rows = [r for r in section.rows if r.label != _("Totaal")][:MAX_CHART_ROWS]
    values = [(_number(r.cells[0].value) if r.cells and not r.cells[0].suppressed else None) for r in rows]
    top = max([v for v in values if v is not None] + [0.0])
    width, label_h, bar_h, gap = 300, 13, 10, 6
    step = label_h + bar_h + gap
    height = max(step * len(rows), step)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" aria-label="{escape(section.title)}">',
        f"<title>{escape(section.title)}</title>",
    ]
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = i * step
        label = row.label if len(row.label) <= 48 else row.label[:47] + "…"
        parts.append(f'<text x="0" y="{y + 10}" font-size="10">{escape(label)}</text>')
        if value is None:
            shown = _("onderdrukt") if row.cells and row.cells[0].suppressed else "–"
            parts.append(f'<text x="0" y="{y + label_h + 8}" font-size="9" fill="#444">{escape(shown)}</text>')
            continue
        length = 0 if top <= 0 else max(value / top * (width - 60), 0)
        parts.append(f'<rect x="0" y="{y + label_h}" width="{length:.1f}" height="{bar_h}" fill="#1f4e79"/>')
        parts.append(
            f'<text x="{length + 3:.1f}" y="{y + label_h + 8}" font-size="9">'
            f"{escape(format_value(row.cells[0].value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def line_chart_svg(section: Any) -> SafeString:
    """One line per row over the columns (e.g. last year, previous quarter, this quarter)."""
    rows = section.rows[:MAX_SERIES]
    columns = section.columns
    width, height, left, bottom, legend_h = 300, 150, 30, 20, 13
    plot_h = height - bottom - 10
    points = [[(None if c.suppressed else _number(c.value)) for c in r.cells[: len(columns)]] for r in rows]
    top = max([v for series in points for v in series if v is not None] + [0.0])
    step = (width - left - 10) / max(len(columns) - 1, 1)
    total_h = height + legend_h * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{total_h}"'
        f' viewBox="0 0 {width} {total_h}" role="img" aria-label="{escape(section.title)}">',
        f"<title>{escape(section.title)}</title>",
        f'<line x1="{left}" y1="10" x2="{left}" y2="{10 + plot_h}" stroke="#999" stroke-width="0.5"/>',
        f'<line x1="{left}" y1="{10 + plot_h}" x2="{width - 10}" y2="{10 + plot_h}" stroke="#999" stroke-width="0.5"/>',
        f'<text x="{left - 3}" y="14" font-size="9" text-anchor="end">{escape(format_value(_round(top)))}</text>',
        f'<text x="{left - 3}" y="{10 + plot_h}" font-size="9" text-anchor="end">0</text>',
    ]
    for j, column in enumerate(columns):
        x = left + j * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="9" text-anchor="middle">{escape(column[:18])}</text>'
        )
    for i, (row, series) in enumerate(zip(rows, points, strict=True)):
        colour, dash = GREYS[i % len(GREYS)], DASHES[i % len(DASHES)]
        # A suppressed (or missing) value breaks the line: nothing is drawn through a hidden point.
        segments: list[list[tuple[float, float]]] = [[]]
        for j, v in enumerate(series):
            if v is None:
                segments.append([])
            else:
                segments[-1].append((left + j * step, 10 + plot_h - (0 if top <= 0 else v / top * plot_h)))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"{dash_attr}/>')
        for x, y in (point for segment in segments for point in segment):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{colour}"/>')
        ly = height + i * legend_h + 4
        parts.append(f'<line x1="0" y1="{ly}" x2="18" y2="{ly}" stroke="{colour}" stroke-width="1.5"{dash_attr}/>')
        parts.append(f'<text x="22" y="{ly + 3}" font-size="9">{escape(row.label[:60])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _round(value: float) -> int | float:
    return int(value) if value == int(value) else round(value, 1)


def chart_svg(section: Any) -> SafeString | None:
    if not section.rows:
        return None
    if section.chart == "bar":
        return bar_chart_svg(section)
    if section.chart == "line" and len(section.columns) > 1:
        return line_chart_svg(section)
    return None


@dataclass(frozen=True)
class PdfSection:
    section: Any
    svg: SafeString | None
    rows: list[tuple[str, list[str]]]


def describe(run: ReportRun) -> dict[str, str]:
    """The report's header facts (names of a municipality and a team are no personal data)."""
    return {
        "kind": str(run.get_kind_display()),
        "scope": str(run.team) if run.team_id else run.municipality.name,
        "municipality": run.municipality.name,
        "team": str(run.team) if run.team_id else "",
        "period": run.period_label,
    }


def pdf_bytes(*, run: ReportRun, data: Any, generated_at: dt.datetime) -> bytes:
    hidden = _("onderdrukt")
    sections = [
        PdfSection(
            section=s,
            svg=chart_svg(s),
            rows=[(r.label, [hidden if c.suppressed else format_value(c.value) for c in r.cells]) for r in s.rows],
        )
        for s in data.sections
    ]
    return render_pdf(
        template_name="reports/report_pdf.html",
        context={
            "run": run,
            "facts": describe(run),
            "sections": sections,
            "generated_at": generated_at,
            "minimum": settings.DISCLOSURE_MINIMUM,
        },
    )


def _csv_value(value: Any) -> Any:
    return value if value is None or isinstance(value, int | Decimal) else str(value)


def csv_bytes(*, run: ReportRun, data: Any) -> bytes:
    header = [_("Onderdeel"), _("Rij"), _("Kolom"), _("Waarde"), _("Onderdrukt")]
    rows = (
        [
            s.title,
            r.label,
            s.columns[j] if j < len(s.columns) else "",
            None if c.suppressed else _csv_value(c.value),
            c.suppressed,
        ]
        for s in data.sections
        for r in s.rows
        for j, c in enumerate(r.cells)
    )
    return ("\ufeff" + "".join(csv_rows(header, rows))).encode("utf-8")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact; a float would round money
    return value


def json_bytes(*, run: ReportRun, data: Any, generated_at: dt.datetime) -> bytes:
    document = {
        "rapportage": {
            "id": str(run.uuid),
            "soort": run.kind,
            "bereik": run.scope,
            "gemeente": run.municipality.name,
            "team": str(run.team) if run.team_id else None,
            "periode_vanaf": run.period_start.isoformat(),
            "periode_tot_en_met": run.period_end.isoformat(),
            "gemaakt_op": timezone.localtime(generated_at).isoformat(),
            "minimum_aantal": settings.DISCLOSURE_MINIMUM,
        },
        "onderdelen": [
            {
                "key": s.key,
                "titel": s.title,
                "kolommen": list(s.columns),
                "grafiek": getattr(s, "chart", None),
                "toelichting": getattr(s, "note", "") or "",
                "rijen": [
                    {
                        "label": r.label,
                        "cellen": [
                            {"waarde": None if c.suppressed else _json_value(c.value), "onderdrukt": c.suppressed}
                            for c in r.cells
                        ],
                    }
                    for r in s.rows
                ],
            }
            for s in data.sections
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")

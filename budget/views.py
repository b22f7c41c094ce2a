"""The controller's dashboards: money and counts of one municipality, never case content.

Only controllers of the budget's municipality get here; anyone else (another
municipality's controller included) gets 404, the same as for a missing budget.
"""

from decimal import Decimal
from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from socialdomain.csv_export import csv_response, xlsx_response
from socialdomain.http import HtmxAuthenticatedHttpRequest

from . import selectors
from .forms import DashboardFilterForm
from .models import Budget


def _budget_or_404(request: HtmxAuthenticatedHttpRequest, uuid: UUID) -> Budget:
    try:
        return selectors.budget_get_for_user(user=request.user, uuid=uuid)
    except Budget.DoesNotExist:
        raise Http404 from None


def dashboard_home(request: HtmxAuthenticatedHttpRequest) -> HttpResponse:
    """The current year's budget of the controller's municipality (or the latest one)."""
    budgets = list(selectors.budget_list_for_user(user=request.user).order_by("municipality__name", "-year"))
    if not budgets:
        raise Http404
    this_year = [b for b in budgets if b.year == timezone.localdate().year]
    return redirect("budget:detail", uuid=(this_year or budgets)[0].uuid)


def dashboard(request: HtmxAuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    budget = _budget_or_404(request, uuid)
    form = DashboardFilterForm(request.GET or None, budget=budget)
    data = selectors.dashboard(budget=budget, filters=form.filters())
    context = {
        "budget": budget,
        "form": form,
        "d": data,
        "years": selectors.budget_list_for_user(user=request.user).filter(municipality_id=budget.municipality_id),
        "chart": {
            "labels": [m["label"] for m in data.months],
            "committed": [float(m["committed"]) for m in data.months],
            "realised": [float(m["realised"]) for m in data.months],
            "budget": [float(data.total.budget / 12) for _m in data.months],
        },
        "unit_chart": {
            "labels": [u.label for u in data.unit_costs if not u.suppressed and u.unit_cost is not None],
            "realised": [float(u.unit_cost) for u in data.unit_costs if not u.suppressed and u.unit_cost is not None],
            "tariff": [
                float(u.tariff) if u.tariff is not None else None
                for u in data.unit_costs
                if not u.suppressed and u.unit_cost is not None
            ],
            "names": {"realised": _("Gerealiseerd per eenheid"), "tariff": _("Tarief")},
        },
        "query": request.GET.urlencode(),
        "monthly_budget": (data.total.budget / 12).quantize(Decimal("0.01")),
    }
    template = "budget/_dashboard_body.html" if request.htmx else "budget/dashboard.html"
    return render(request, template, context)


def _rows(data: selectors.Dashboard) -> list[tuple[str, list[str], list[list[object]]]]:
    hidden = _("onderdrukt")
    lines = [
        [p.label, p.budget, p.committed, p.realised, p.remaining, p.forecast, p.forecast_pct, p.income]
        for p in data.lines
    ]
    sheets = [
        (
            _("Budgetregels"),
            [
                _("Regel"),
                _("Budget"),
                _("Verplicht"),
                _("Gerealiseerd"),
                _("Nog te besteden"),
                _("Prognose"),
                "%",
                _("Inkomsten"),
            ],
            lines,
        ),
        (
            _("Per maand"),
            [_("Maand"), _("Verplicht"), _("Gerealiseerd")],
            [[m["month"].strftime("%Y-%m"), m["committed"], m["realised"]] for m in data.months],
        ),
    ]
    for title, cells in (
        (_("Per team"), data.by_team),
        (_("Per aanbieder"), data.by_provider),
        (_("Per wet"), data.by_law),
    ):
        sheets.append(
            (
                title,
                [_("Naam"), _("Verplicht"), _("Gerealiseerd"), _("Nog te besteden")],
                [
                    [c.label, hidden, hidden, hidden]
                    if c.suppressed
                    else [c.label, c.committed, c.realised, c.remaining]
                    for c in cells
                ],
            )
        )
    sheets.append(
        (
            _("Kostprijs per eenheid"),
            UNIT_COST_HEADER(),
            [_unit_cost_row(u, hidden) for u in data.unit_costs],
        )
    )
    return sheets


def UNIT_COST_HEADER() -> list[str]:
    return [
        _("Voorziening"),
        _("Wet"),
        _("Eenheid"),
        _("Gerealiseerd"),
        _("Volume"),
        _("Gerealiseerd per eenheid"),
        _("Tarief"),
        _("Verschil per eenheid"),
        _("Verschil %"),
    ]


def _unit_cost_row(u: selectors.UnitCost, hidden: str) -> list[object]:
    if u.suppressed:
        return [u.label, u.law, u.unit, hidden, hidden, hidden, hidden, hidden, hidden]
    return [u.label, u.law, u.unit, u.realised, u.volume, u.unit_cost, u.tariff, u.difference, u.difference_pct]


def _cell_row(cell: selectors.Cell, hidden: str) -> list[object]:
    if cell.suppressed:
        return [cell.label, hidden, hidden, hidden]
    return [cell.label, cell.committed, cell.realised, cell.remaining]


def export(request: HtmxAuthenticatedHttpRequest, uuid: UUID, fmt: str) -> HttpResponse:
    """The dashboard's figures as XLSX (every table a sheet) or CSV (the budget lines)."""
    budget = _budget_or_404(request, uuid)
    form = DashboardFilterForm(request.GET or None, budget=budget)
    data = selectors.dashboard(budget=budget, filters=form.filters())
    sheets = _rows(data)
    name = f"budget-{budget.municipality.code}-{budget.year}"
    if fmt == "xlsx":
        return xlsx_response(filename=f"{name}.xlsx", sheets=sheets)
    if fmt == "csv":
        _title, header, rows = sheets[0]
        return csv_response(filename=f"{name}.csv", header=header, rows=rows)
    if fmt == "unit_csv":
        _title, header, rows = sheets[-1]
        return csv_response(filename=f"{name}-kostprijs-per-eenheid.csv", header=header, rows=rows)
    raise Http404

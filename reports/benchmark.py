"""The benchmark of district teams (seed 003: steer on results and performance indicators,
compare the district teams): the same indicators side by side per team of one municipality,
with the municipality's own figure beside them.

Who sees what (`benchmark_for_user`): a controller of the municipality sees every team by
name; a team leader sees their own team by name and the others as "Team A", "Team B", …
in an order that does not follow their names (a keyed hash per period); anyone else gets
nothing (the view answers 404). Everything goes through `reports.disclosure`: a team with
fewer than the minimum households shows no figures, and secondary suppression keeps it from
being recomputed from the municipality's figure and the other teams.

Aggregate SQL per indicator, grouped by team (a constant number of queries, whatever the
number of teams or cases), on the `reporting` alias.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Subquery,
    Sum,
)
from django.utils.translation import gettext as _

from accounts.constants import Role, TeamKind
from accounts.models import Municipality, Team, User
from arrangements.models import CommitmentMonth, Escalation
from intake.constants import GesprekStatus
from intake.models import DomainScore
from plan.constants import QUESTIONS
from plan.models import EvaluationScore, Plan, QuestionnaireAnswer

from . import disclosure
from .figures import REPORTING_DB, Period, Scope, _first_signal, _open_during, _percentile
from .types import Cell

DISTRICT_KINDS = (TeamKind.WIJKTEAM, TeamKind.CJG, TeamKind.LOKET)
ONE = Decimal("0.1")
TWO = Decimal("0.01")


@dataclass
class BenchmarkRow:
    label: str
    cells: list[Cell]
    own: bool = False  # the viewer's own team (a team leader)
    average: bool = False  # the municipality's figure


@dataclass
class Benchmark:
    municipality: Municipality
    period: Period
    columns: list[str]
    rows: list[BenchmarkRow]
    named: bool  # True: every team by name (controller); False: the others anonymised
    minimum: int

    def chart(self, column: int = 1) -> dict[str, Any]:
        """One indicator per team for the bar chart (the table beside it has them all)."""
        rows = self.rows
        return {
            "label": self.columns[column],
            "labels": [r.label for r in rows],
            "values": [_chart_value(r.cells[column]) for r in rows],
        }


def _chart_value(cell: Cell) -> float | None:
    return None if cell.suppressed or cell.value is None else float(cell.value)


# --- who may see it ------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewpoint:
    municipality_id: int
    own_team_ids: frozenset[int]  # empty for a controller
    named: bool


def viewpoint_for_user(*, user: User) -> Viewpoint | None:
    """A controller of a municipality sees it named; a team leader of a district team sees
    their own team against the anonymised others; None for everyone else (404)."""
    memberships = list(user.memberships.select_related("team").order_by("team__municipality__name", "team__name"))
    for m in memberships:
        if m.role == Role.CONTROLLER:
            return Viewpoint(municipality_id=m.team.municipality_id, own_team_ids=frozenset(), named=True)
    led = [m.team for m in memberships if m.role == Role.TEAMLEIDER and m.team.kind in DISTRICT_KINDS]
    if led:
        municipality_id = led[0].municipality_id
        own = frozenset(t.pk for t in led if t.municipality_id == municipality_id)
        return Viewpoint(municipality_id=municipality_id, own_team_ids=own, named=False)
    return None


# --- the figures ---------------------------------------------------------------------------


def _anonymous_order(team: Team, period: Period) -> bytes:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"benchmark:{team.uuid}:{period.start.isoformat()}".encode(), hashlib.sha256).digest()


def benchmark(
    *,
    viewpoint: Viewpoint,
    period: Period,
    using: str = REPORTING_DB,
    minimum: int | None = None,
) -> Benchmark:
    """The benchmark of the district teams of the viewpoint's municipality for one period."""
    minimum = disclosure.minimum() if minimum is None else minimum
    municipality = Municipality.objects.using(using).get(pk=viewpoint.municipality_id)
    teams = list(
        Team.objects.using(using)
        .filter(municipality_id=viewpoint.municipality_id, kind__in=DISTRICT_KINDS)
        .order_by("name")
    )
    scope = Scope.of(municipality_id=viewpoint.municipality_id, team_id=None, using=using)
    ids = [t.pk for t in teams]

    # Households: cases open on some day of the period.
    households = dict(
        scope.cases()
        .filter(_open_during(period), team_id__in=ids)
        .values_list("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Cost: commitment months of the period, per team of the case.
    cost = dict(
        CommitmentMonth.objects.using(using)
        .filter(scope.case_q("arrangement__case"), month__gte=period.start.replace(day=1), month__lte=period.end)
        .values_list("arrangement__case__team_id")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    # Time from the first signal to the first agreed plan, for plans agreed in the period.
    first_plan = Subquery(
        Plan.objects.filter(case_id=OuterRef("pk"), agreed_on__isnull=False)
        .order_by("agreed_on")
        .values("agreed_on")[:1]
    )
    hist: dict[int, dict[int, int]] = defaultdict(dict)
    for team_id, days, n in (
        scope.cases()
        .filter(team_id__in=ids)
        .annotate(signal_on=_first_signal(), plan_on=first_plan)
        .filter(signal_on__isnull=False, plan_on__gte=period.start, plan_on__lte=period.end)
        .annotate(days=ExpressionWrapper(F("plan_on") - F("signal_on"), output_field=DurationField()))
        .values_list("team_id", "days")
        .annotate(n=Count("id"))
        .order_by()
    ):
        d = max(days.days if isinstance(days, dt.timedelta) else int(days), 0)
        hist[team_id][d] = hist[team_id].get(d, 0) + n
    # Escalations opened in the period.
    escalations = dict(
        Escalation.objects.using(using)
        .filter(scope.case_q("case"), opened_at__date__gte=period.start, opened_at__date__lte=period.end)
        .values_list("case__team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Self-reliance change over all domains: the last evaluation score in the period
    # against the first gesprek score of the same member and domain.
    first_score = Subquery(
        DomainScore.objects.filter(
            member_id=OuterRef("member_id"), domain=OuterRef("domain"), gesprek__status=GesprekStatus.FINAL
        )
        .order_by("gesprek__date", "gesprek_id")
        .values("score")[:1]
    )
    later = EvaluationScore.objects.filter(
        member_id=OuterRef("member_id"),
        domain=OuterRef("domain"),
        evaluation__date__gt=OuterRef("evaluation__date"),
        evaluation__date__lte=period.end,
    )
    change = {
        r["evaluation__plan__case__team_id"]: r
        for r in EvaluationScore.objects.using(using)
        .filter(scope.case_q("evaluation__plan__case"), period.q("evaluation__date"))
        .filter(~Exists(later))
        .annotate(first=first_score)
        .filter(first__isnull=False)
        .values("evaluation__plan__case__team_id")
        .annotate(n=Count("id"), total=Sum(F("score") - F("first")))
        .order_by()
    }
    # Client experience: the mean of the five questions over the questionnaires of the period.
    mean_expr = sum((F(field) for field, _label in QUESTIONS[1:]), F(QUESTIONS[0][0])) / float(len(QUESTIONS))
    experience = {
        r["case__team_id"]: r
        for r in QuestionnaireAnswer.objects.using(using)
        .filter(scope.case_q("case"), period.q("answered_on"))
        .values("case__team_id")
        .annotate(n=Count("id"), total=Sum(ExpressionWrapper(mean_expr, output_field=FloatField())))
        .order_by()
    }

    # Disclosure: households and escalations per team are each tied to the municipality's
    # figure (its total); cost, rates and means of a team follow its households.
    hh = [households.get(t, 0) for t in ids]
    esc = [escalations.get(t, 0) for t in ids]
    hh_mask = disclosure.suppress_with_total(hh, minimum=minimum) if ids else [False]
    esc_mask = disclosure.suppress_with_total(esc, minimum=minimum) if ids else [False]

    def row_cells(i: int | None) -> list[Cell]:
        if i is None:  # the municipality
            n_hh, n_esc = sum(hh), sum(esc)
            money = sum((cost.get(t, Decimal(0)) or Decimal(0) for t in ids), Decimal(0))
            h: dict[int, int] = defaultdict(int)
            for t in ids:
                for d, c in hist[t].items():
                    h[d] += c
            ch = [change[t] for t in ids if t in change]
            ex = [experience[t] for t in ids if t in experience]
            hidden_hh, hidden_esc = hh_mask[-1], esc_mask[-1]
        else:
            t = ids[i]
            n_hh, n_esc = hh[i], esc[i]
            money = cost.get(t) or Decimal(0)
            h = hist[t]
            ch = [change[t]] if t in change else []
            ex = [experience[t]] if t in experience else []
            hidden_hh, hidden_esc = hh_mask[i], esc_mask[i]
        hidden = hidden_hh
        per_household = (money / n_hh).quantize(TWO, ROUND_HALF_UP) if n_hh else None
        rate = (Decimal(n_esc) * 1000 / n_hh).quantize(ONE, ROUND_HALF_UP) if n_hh else None
        n_plan = sum(h.values())
        n_change = sum(r["n"] for r in ch)
        mean_change = (
            (Decimal(sum(r["total"] for r in ch)) / n_change).quantize(TWO, ROUND_HALF_UP) if n_change else None
        )
        n_exp = sum(r["n"] for r in ex)
        mean_exp = Decimal(str(sum(r["total"] for r in ex) / n_exp)).quantize(ONE, ROUND_HALF_UP) if n_exp else None
        return [
            Cell(None, True) if hidden else Cell(n_hh),
            Cell(None, True) if hidden else Cell(per_household),
            Cell(*_flip(disclosure.statistic(_percentile(h, 0.5), observations=n_plan, minimum=minimum), hidden)),
            Cell(None, True) if hidden or hidden_esc else Cell(rate),
            Cell(*_flip(disclosure.statistic(mean_change, observations=n_change, minimum=minimum), hidden)),
            Cell(*_flip(disclosure.statistic(mean_exp, observations=n_exp, minimum=minimum), hidden)),
        ]

    columns = [
        _("Huishoudens"),
        _("Kosten per huishouden (€)"),
        _("Tijd tot plan, mediaan (dagen)"),
        _("Escalaties per 1 000 huishoudens"),
        _("Verandering zelfredzaamheid (gemiddeld)"),
        _("Ervaring huishoudens (gemiddeld 1–5)"),
    ]
    rows: list[BenchmarkRow] = []
    if viewpoint.named:
        for i, team in enumerate(teams):
            rows.append(BenchmarkRow(label=team.name, cells=row_cells(i)))
    else:
        own = [i for i, t in enumerate(teams) if t.pk in viewpoint.own_team_ids]
        others = sorted(
            (i for i, t in enumerate(teams) if t.pk not in viewpoint.own_team_ids),
            key=lambda i: _anonymous_order(teams[i], period),
        )
        for i in own:
            rows.append(
                BenchmarkRow(label=_("%(team)s (uw team)") % {"team": teams[i].name}, cells=row_cells(i), own=True)
            )
        for n, i in enumerate(others):
            rows.append(BenchmarkRow(label=_("Team %(letter)s") % {"letter": _letter(n)}, cells=row_cells(i)))
    rows.append(
        BenchmarkRow(
            label=_("Gemeente %(name)s (alle teams)") % {"name": municipality.name},
            cells=row_cells(None),
            average=True,
        )
    )
    return Benchmark(
        municipality=municipality, period=period, columns=columns, rows=rows, named=viewpoint.named, minimum=minimum
    )


def _flip(stat: tuple[Decimal | int | None, bool], hidden: bool) -> tuple[Decimal | int | None, bool]:
    value, suppressed = stat
    return (None, True) if hidden else (value, suppressed)


def _letter(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[n] if n < len(letters) else letters[n // 26 - 1] + letters[n % 26]


def quarters(*, today: dt.date, count: int = 8) -> list[Period]:
    """The last `count` complete quarters before today, newest first."""
    from dateutil.relativedelta import relativedelta

    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    out = []
    for _n in range(count):
        start = start - relativedelta(months=3)
        out.append(Period(start, start + relativedelta(months=3) - dt.timedelta(days=1)))
    return out


__all__ = ["Benchmark", "BenchmarkRow", "Viewpoint", "benchmark", "quarters", "viewpoint_for_user"]

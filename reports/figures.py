"""The figures of the anonymised reports (issue 15; seeds 001, 003, 004).

`compute(...)` returns a `ReportData`: one `Section` per indicator, each a table whose
columns put the period beside the previous period and the same period a year earlier.
Everything is computed with aggregate SQL (GROUP BY and filtered aggregates, a few queries
per section, nothing per case in Python) on the `using` alias (the read-only `reporting`
alias, which may point at a streaming replica), and then passed through
`reports.disclosure`, so what comes out holds no personal data and no small cells.

Scope: the municipality, or one team of it (a case's team; a signal's receiving team).
Persons under a processing restriction (AVG art. 18, `Person.processing_restricted`) are
left out of every count: a case, signal, score or arrangement that involves a household
with such a member is not counted at all (counting the rest of the household would still
count them). Definitions of each figure: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connections, models
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from accounts.constants import TeamKind
from accounts.models import Organisation
from arrangements.constants import DeliveryForm, Law, ProvisionKind, Taakveld
from arrangements.models import Arrangement, CatalogueItem, CommitmentMonth, CommitmentTotal, Escalation
from budget.models import BudgetLine, HouseholdSpend, MonthlyRollup
from cases.models import Case, HouseholdMember, Person
from intake.constants import GOAL_THRESHOLD, Domain, GesprekStatus, SignalSource, TriageRoute
from intake.models import DomainScore, Gesprek, MeldcodeStep, Signal
from plan.constants import QUESTIONS, MeasurementSource
from plan.models import Evaluation, EvaluationScore, LadderMeasurement, Plan, QuestionnaireAnswer

from . import disclosure
from .types import Cell, ReportData, Row, Section

__all__ = ["Cell", "Period", "ReportData", "Row", "Section", "compute", "periods_for"]

REPORTING_DB = "reporting"
TWO = Decimal("0.01")
ONE = Decimal("0.1")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.start.month in (1, 4, 7, 10):
            q_end = self.start + relativedelta(months=3) - dt.timedelta(days=1)
            if q_end == self.end:
                return f"K{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})


def _in_any(periods: Iterable[Period], field: str) -> Q:
    """`field` in at least one of the periods."""
    span = Q()
    for p in periods:
        span |= p.q(field)
    return span


def periods_for(start: dt.date, end: dt.date) -> list[Period]:
    """The period, the one before it (a quarter before a quarter; otherwise as many days
    right before it) and the same period a year earlier."""
    current = Period(start, end)
    if current.label.startswith("K"):
        prev = Period(start - relativedelta(months=3), start - dt.timedelta(days=1))
    else:
        length = end - start
        prev = Period(start - length - dt.timedelta(days=1), start - dt.timedelta(days=1))
    last_year = Period(start - relativedelta(years=1), end - relativedelta(years=1))
    return [current, prev, last_year]


# --- scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a report counts. The households and persons under a processing restriction are
    looked up once (`Scope.of`): they are few (AVG art. 18 requests), so every query filters
    them out by id — and not at all when there are none — instead of carrying an anti-join
    to the persons table in each of its forty queries."""

    municipality_id: int
    team_id: int | None
    using: str
    restricted_households: tuple[int, ...] = ()
    restricted_persons: tuple[int, ...] = ()

    @classmethod
    def of(cls, *, municipality_id: int, team_id: int | None, using: str) -> Scope:
        restricted = list(
            HouseholdMember.objects.using(using)
            .filter(person__processing_restricted=True, person__municipality_id=municipality_id)
            .values_list("household_id", "person_id")
        )
        return cls(
            municipality_id=municipality_id,
            team_id=team_id,
            using=using,
            restricted_households=tuple(sorted({h for h, _p in restricted})),
            restricted_persons=tuple(
                sorted(
                    Person.objects.using(using)
                    .filter(processing_restricted=True, municipality_id=municipality_id)
                    .values_list("pk", flat=True)
                )
            ),
        )

    def cases(self) -> QuerySet[Case]:
        """The cases counted: in scope, without a household member under restriction."""
        qs = Case.objects.using(self.using).filter(team__municipality_id=self.municipality_id)
        if self.team_id:
            qs = qs.filter(team_id=self.team_id)
        if self.restricted_households:
            qs = qs.exclude(household_id__in=self.restricted_households)
        return qs

    def restricted_cases(self) -> QuerySet[Case]:
        """The municipality's cases of the households under restriction (left out of `cases`)."""
        return Case.objects.using(self.using).filter(
            team__municipality_id=self.municipality_id, household_id__in=self.restricted_households
        )

    def case_q(self, prefix: str) -> Q:
        """The same filter for a model that reaches its case through `prefix` (e.g. 'case')."""
        q = Q(**{f"{prefix}__team__municipality_id": self.municipality_id})
        if self.team_id:
            q &= Q(**{f"{prefix}__team_id": self.team_id})
        if self.restricted_households:
            q &= ~Q(**{f"{prefix}__household_id__in": self.restricted_households})
        return q

    def signals(self) -> QuerySet[Signal]:
        qs = Signal.objects.using(self.using).filter(team__municipality_id=self.municipality_id)
        if self.team_id:
            qs = qs.filter(team_id=self.team_id)
        if self.restricted_persons:
            about_restricted = Signal.persons.through.objects.filter(
                signal_id=OuterRef("pk"), person_id__in=self.restricted_persons
            )
            qs = qs.filter(~Exists(about_restricted))
        return qs


# --- building tables -----------------------------------------------------------------------


def _period_counts(
    date_field: str, periods: Sequence[Period], count: str = "id", distinct: bool = False
) -> tuple[Q, dict[str, Count]]:
    """The rows in any of the periods, and a filtered COUNT per period (n0, n1, ...)."""
    counts = {f"n{i}": Count(count, filter=p.q(date_field), distinct=distinct) for i, p in enumerate(periods)}
    return _in_any(periods, date_field), counts


def _by_period(qs: QuerySet, *, key: str | None, date_field: str, periods: Sequence[Period], count: str = "id",
               distinct: bool = False) -> dict[Any, list[int]]:  # fmt: skip
    """Counts per `key` value and period in one GROUP BY query."""
    span, aggregates = _period_counts(date_field, periods, count, distinct)
    qs = qs.filter(span)
    if key is None:
        row = qs.aggregate(**aggregates)
        return {None: [row[f"n{i}"] for i in range(len(periods))]}
    out: dict[Any, list[int]] = {}
    for row in qs.values(key).annotate(**aggregates).order_by():
        out[row[key]] = [row[f"n{i}"] for i in range(len(periods))]
    return out


def _by_period_keys(
    qs: QuerySet, *, keys: Sequence[str], date_field: str, periods: Sequence[Period]
) -> list[dict[Any, list[int]]]:
    """`_by_period` (rows counted, not distinct values) for several keys in one query: a
    GROUP BY over all the keys together, each key's counts summed from it (every row has one
    value per key, so the counts add up)."""
    span, aggregates = _period_counts(date_field, periods)
    out: list[dict[Any, list[int]]] = [{} for _k in keys]
    for row in qs.filter(span).values(*keys).annotate(**aggregates).order_by():
        for per_key, key in zip(out, keys, strict=True):
            total = per_key.setdefault(row[key], [0] * len(periods))
            for i in range(len(periods)):
                total[i] += row[f"n{i}"]
    return out


def _count_section(
    *,
    key: str,
    title: str,
    columns: list[str],
    rows: list[tuple[str, list[int]]],
    minimum: int,
    total: bool = True,
    chart: str | None = "bar",
    note: str = "",
    extra: Iterable[Sequence[tuple[tuple[int, int], int]]] = (),
) -> Section:
    """A table of counts (rows x periods), with a total row when `total`, suppressed."""
    counts = [list(c) for _, c in rows]
    labels = [label for label, _ in rows]
    if total:
        width = len(columns)
        counts.append([sum(r[c] for r in counts) for c in range(width)] if counts else [0] * width)
        labels.append(_("Totaal"))
    if not counts:
        return Section(key=key, title=title, columns=columns, rows=[], chart=chart, note=note)
    mask = disclosure.suppress_table(counts, minimum=minimum, column_totals=total, extra=extra)
    out_rows = [
        Row(label=lbl, cells=[Cell(None, True) if m else Cell(v) for v, m in zip(vals, ms, strict=True)])
        for lbl, vals, ms in zip(labels, counts, mask, strict=True)
    ]
    return Section(key=key, title=title, columns=columns, rows=out_rows, chart=chart, note=note)


def _linked_count_sections(
    specs: list[tuple[str, str, list[tuple[str, list[int]]], str]],
    *,
    columns: list[str],
    minimum: int,
) -> list[Section]:
    """Tables of one population (each with a total row): suppressed as one system, so a
    total hidden in one of them is hidden in all (disclosure.suppress_linked_tables)."""
    width = len(columns)
    tables = []
    for _key, _title, rows, _note in specs:
        counts = [list(c) for _, c in rows]
        counts.append([sum(r[c] for r in counts) for c in range(width)])
        tables.append(counts)
    masks = disclosure.suppress_linked_tables(tables, minimum=minimum)
    sections = []
    for (key, title, rows, note), counts, mask in zip(specs, tables, masks, strict=True):
        labels = [label for label, _ in rows] + [_("Totaal")]
        out_rows = [
            Row(label=lbl, cells=[Cell(None, True) if m else Cell(v) for v, m in zip(vals, ms, strict=True)])
            for lbl, vals, ms in zip(labels, counts, mask, strict=True)
        ]
        sections.append(Section(key=key, title=title, columns=columns, rows=out_rows, chart="bar", note=note))
    return sections


def _choice_rows(
    choices: Iterable[tuple[str, Any]], data: dict[Any, list[int]], width: int
) -> list[tuple[str, list[int]]]:
    return [(str(label), data.get(value, [0] * width)) for value, label in choices]


def _percentile(histogram: dict[int, int], q: float) -> Decimal | None:
    """percentile_cont over a histogram {value: count}: linear interpolation between the
    two ranks around q * (n - 1), in exact arithmetic, rounded half up to one decimal."""
    n = sum(histogram.values())
    if n == 0:
        return None
    pos = Fraction(str(q)) * (n - 1)
    lo_rank = int(pos)
    frac = pos - lo_rank
    lo = hi = None
    seen = 0
    for v in sorted(histogram):
        seen += histogram[v]
        if lo is None and lo_rank < seen:
            lo = v
        if lo_rank + 1 < seen or seen == n:
            hi = v
            break
    assert lo is not None and hi is not None
    exact = lo + (hi - lo) * frac
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(ONE, ROUND_HALF_UP)


def _stat_cell(value: Decimal | int | None, *, observations: int, minimum: int) -> Cell:
    v, hidden = disclosure.statistic(value, observations=observations, minimum=minimum)
    return Cell(v, hidden)


def _count_cell(n: int, minimum: int) -> Cell:
    return Cell(None, True) if disclosure.is_small(n, minimum) else Cell(n)


# --- the sections --------------------------------------------------------------------------


def _signals(scope: Scope, periods: list[Period], columns: list[str], minimum: int) -> list[Section]:
    w = len(periods)
    by_source, by_entry, by_route = _by_period_keys(
        scope.signals(), keys=("source", "team__kind", "route"), date_field="received_on", periods=periods
    )
    route_rows = [
        (_("Eerste lijn (informatie en advies)"), by_route.get(TriageRoute.ADVICE, [0] * w)),
        (_("Tweede lijn (wijkteam: dossier en gesprek)"), by_route.get(TriageRoute.CASE, [0] * w)),
        (_("Veiligheid (Meldcode)"), by_route.get(TriageRoute.SAFETY, [0] * w)),
        (_("Gekoppeld aan een bestaand dossier"), by_route.get(TriageRoute.ATTACHED, [0] * w)),
        (_("Nog niet getrieerd"), by_route.get("", [0] * w)),
    ]
    return _linked_count_sections(
        [
            ("signals_by_source", _("Aanmeldingen naar bron"), _choice_rows(SignalSource.choices, by_source, w), ""),
            (
                "signals_by_entry",
                _("Aanmeldingen naar toegang"),
                _choice_rows(TeamKind.choices, by_entry, w),
                _("De toegang is het soort team dat de aanmelding ontving."),
            ),
            ("triage", _("Uitkomst van de triage"), route_rows, ""),
        ],
        columns=columns,
        minimum=minimum,
    )


def _case_counts(scope: Scope, periods: list[Period]) -> dict[str, int]:
    """The counted cases opened, closed, open at the end and open on some day (supported)
    per period (opened0, closed0, open0, supported0, opened1, ...): one query, for the
    cases section and the escalation rate."""
    agg: dict[str, Any] = {}
    for i, p in enumerate(periods):
        agg[f"opened{i}"] = Count("id", filter=p.q("opened_on"))
        agg[f"closed{i}"] = Count("id", filter=p.q("closed_on"))
        agg[f"open{i}"] = Count(
            "id", filter=Q(opened_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=p.end))
        )
        agg[f"supported{i}"] = Count("id", filter=_open_during(p))
    return scope.cases().aggregate(**agg)


def _cases(periods: list[Period], columns: list[str], minimum: int, row: dict[str, int]) -> Section:
    w = len(periods)
    rows = [
        (_("Dossiers geopend"), [row[f"opened{i}"] for i in range(w)]),
        (_("Dossiers gesloten"), [row[f"closed{i}"] for i in range(w)]),
        (_("Dossiers open aan het eind"), [row[f"open{i}"] for i in range(w)]),
        (_("Huishoudens ondersteund (dossier open in de periode)"), [row[f"supported{i}"] for i in range(w)]),
    ]
    # The flow ties the quarter to the previous one: open(end) = open(previous end) + opened - closed.
    # Published together, one hidden term of it would be recoverable from the other three.
    # And the households supported (a case open on some day) = open at the previous end + opened.
    flow = [
        [((2, 0), 1), ((2, 1), -1), ((0, 0), -1), ((1, 0), 1)],
        [((3, 0), 1), ((2, 1), -1), ((0, 0), -1)],
    ]
    return _count_section(
        key="cases",
        title=_("Instroom en uitstroom van dossiers"),
        columns=columns,
        rows=rows,
        minimum=minimum,
        total=False,
        extra=flow,
    )


def _first_signal() -> Subquery:
    return Subquery(Signal.objects.filter(case_id=OuterRef("pk")).order_by("received_on").values("received_on")[:1])


def _case_ids_sql(scope: Scope) -> tuple[str, tuple[Any, ...]]:
    """The SQL (and parameters) of the ids of the counted cases, for raw aggregate queries."""
    return _sql_of(scope.cases().values("id"))


def _days_between(later: str, earlier: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _first_event_histograms(
    scope: Scope, periods: list[Period], events: Sequence[str]
) -> list[dict[int, dict[int, int]]]:
    """Per event (SQL of `case_id, first_on` rows): {period index: {days: cases}} from a
    case's first signal to its first event, for the cases whose first event falls in a
    period. One aggregate query for all events: the first signal per counted case is a
    GROUP BY case (a hash aggregate, not a subquery per case), computed once in a CTE — it is
    the costly half, and was computed once per event before — and joined to each event's
    first dates, UNION ALL."""
    conn = connections[scope.using]
    cases_sql, cases_params = _case_ids_sql(scope)
    signal = Signal._meta.db_table
    bucket = " ".join(f"WHEN e.first_on BETWEEN %s AND %s THEN {i}" for i in range(len(periods)))
    bucket_params = tuple(v for p in periods for v in (p.start, p.end))
    span = " OR ".join("e.first_on BETWEEN %s AND %s" for _p in periods)
    days = _days_between("e.first_on", "s.first_on", conn.vendor)
    # Only table names from the models' metadata and fixed fragments are formatted in (here
    # and below); every value is a query parameter.
    per_event = " UNION ALL ".join(
        f"SELECT {n} AS event, CASE {bucket} END AS bucket, {days} AS days"  # noqa: S608
        f" FROM s JOIN ({event_sql}) e ON e.case_id = s.case_id WHERE ({span})"
        for n, event_sql in enumerate(events)
    )
    sql = f"""
        WITH s AS (SELECT case_id, MIN(received_on) AS first_on FROM {signal}
                    WHERE case_id IS NOT NULL AND case_id IN ({cases_sql}) GROUP BY case_id)
        SELECT x.event, x.bucket, x.days, COUNT(*) FROM ({per_event}) x GROUP BY x.event, x.bucket, x.days
    """  # noqa: S608
    hists: list[dict[int, dict[int, int]]] = [defaultdict(dict) for _e in events]
    with conn.cursor() as cur:
        cur.execute(sql, cases_params + (bucket_params + bucket_params) * len(events))
        for event, b, d, n in cur.fetchall():
            hist = hists[int(event)]
            d = max(int(d), 0)
            hist[int(b)][d] = hist[int(b)].get(d, 0) + int(n)
    return hists


def _durations(scope: Scope, periods: list[Period], columns: list[str], minimum: int) -> Section:
    """Days from the first signal of a case to its first gesprek and to its first agreed plan,
    for the gesprekken held and plans agreed in each period: a histogram of days per period
    from SQL (GROUP BY days; one query for both events), the median and p90 from that histogram."""
    gesprek, plan = Gesprek._meta.db_table, Plan._meta.db_table
    events = {
        _("gesprek"): f"SELECT case_id, MIN(date) AS first_on FROM {gesprek} WHERE status = 'final' GROUP BY case_id",  # noqa: S608
        _("plan met akkoord"): (
            f"SELECT case_id, MIN(agreed_on) AS first_on FROM {plan} WHERE agreed_on IS NOT NULL GROUP BY case_id"  # noqa: S608
        ),
    }
    rows: list[Row] = []
    for name, hist in zip(events, _first_event_histograms(scope, periods, list(events.values())), strict=True):
        ns = [sum(hist[i].values()) for i in range(len(periods))]
        rows.append(Row(_("Signaal tot %(event)s: aantal") % {"event": name}, [_count_cell(n, minimum) for n in ns]))
        for label, q in ((_("mediaan (dagen)"), 0.5), (_("90e percentiel (dagen)"), 0.9)):
            rows.append(
                Row(
                    _("Signaal tot %(event)s: %(stat)s") % {"event": name, "stat": label},
                    [
                        _stat_cell(_percentile(hist[i], q), observations=ns[i], minimum=minimum)
                        for i in range(len(periods))
                    ],
                )
            )
    return Section(
        key="durations",
        title=_("Doorlooptijden"),
        columns=columns,
        rows=rows,
        chart="bar",
        note=_("Mediaan en 90e percentiel alleen over ten minste %(n)s dossiers.") % {"n": minimum},
    )


def _questions(scope: Scope, periods: list[Period], columns: list[str], minimum: int) -> Section:
    """Households with a question on a life domain: a score at or below the goal threshold
    in a final gesprek held in the period (one household counts once per domain)."""
    qs = DomainScore.objects.using(scope.using).filter(
        scope.case_q("gesprek__case"), gesprek__status=GesprekStatus.FINAL, score__lte=GOAL_THRESHOLD
    )
    data = _by_period(
        qs, key="domain", date_field="gesprek__date", periods=periods, count="gesprek__case", distinct=True
    )
    return _count_section(
        key="questions_by_domain",
        title=_("Vragen per leefgebied"),
        columns=columns,
        rows=_choice_rows(Domain.choices, data, len(periods)),
        minimum=minimum,
        total=False,
        note=_(
            "Huishoudens met een score van %(t)s of lager in een gesprek; een huishouden telt per leefgebied één keer."
        )
        % {"t": GOAL_THRESHOLD},
    )


def _self_reliance(scope: Scope, periods: list[Period], columns: list[str], minimum: int) -> Section:
    """Average change per domain between the first gesprek's score and the last evaluation's
    score (the last evaluation in the period) of each household member; over >= minimum members.

    One query for all periods, without a subquery per score: the evaluation scores counted
    (in scope, in some period) are `cand`; beside them, GROUP BY member and domain,
    - `last`: per period the date of the member's latest evaluation score in that domain up
      to the period's end (any case, as before): a score in the period is the last one
      exactly when its date is that date (scores of one day are all last: none is later);
    - `first`: the score of the member's first final gesprek in that domain (by date, then
      gesprek id): DISTINCT ON (PostgreSQL) or ROW_NUMBER, over the members in `cand`.
    Both only for the members in `cand`. The averages are AVG over the same smallint
    differences as before (numeric in PostgreSQL, float in SQLite)."""
    w = len(periods)
    span = _in_any(periods, "evaluation__date")
    cand_sql, cand_params = _sql_of(
        EvaluationScore.objects.using(scope.using)
        .filter(scope.case_q("evaluation__plan__case"), span)
        .annotate(day=F("evaluation__date"))
        .values("member_id", "domain", "score", "day")
    )
    evaluation, evaluation_score = Evaluation._meta.db_table, EvaluationScore._meta.db_table
    gesprek, domain_score = Gesprek._meta.db_table, DomainScore._meta.db_table
    last_cols = ", ".join(f"MAX(CASE WHEN ev.date <= %s THEN ev.date END) AS last{i}" for i in range(w))
    counted = [f"c.day BETWEEN %s AND %s AND c.day = l.last{i}" for i in range(w)]
    aggregates = ", ".join(
        f"COUNT(CASE WHEN {cond} THEN 1 END), AVG(CASE WHEN {cond} THEN c.score - f.score END)" for cond in counted
    )
    # The first final gesprek's score per member and domain: DISTINCT ON in PostgreSQL (one
    # sort, no window step: ~40 % faster on the benchmark), ROW_NUMBER elsewhere; the same row.
    scores = f"FROM {domain_score} ds JOIN {gesprek} g ON g.id = ds.gesprek_id"
    scores += " WHERE g.status = %s AND ds.member_id IN (SELECT member_id FROM cand)"
    if connections[scope.using].vendor == "postgresql":
        first_sql = (
            f"SELECT DISTINCT ON (ds.member_id, ds.domain) ds.member_id, ds.domain, ds.score {scores}"
            " ORDER BY ds.member_id, ds.domain, g.date, ds.gesprek_id"
        )
    else:
        first_sql = (
            "SELECT r.member_id, r.domain, r.score FROM (SELECT ds.member_id, ds.domain, ds.score, ROW_NUMBER()"  # noqa: S608
            f" OVER (PARTITION BY ds.member_id, ds.domain ORDER BY g.date, ds.gesprek_id) AS k {scores}) r"
            " WHERE r.k = 1"
        )
    # Only table names from the models' metadata and fixed fragments are formatted in; every
    # value is a query parameter.
    sql = f"""
        WITH cand AS ({cand_sql})
        SELECT c.domain, {aggregates}
          FROM cand c
          JOIN (SELECT es.member_id, es.domain, {last_cols}
                  FROM {evaluation_score} es JOIN {evaluation} ev ON ev.id = es.evaluation_id
                 WHERE es.member_id IN (SELECT member_id FROM cand)
                 GROUP BY es.member_id, es.domain) l ON l.member_id = c.member_id AND l.domain = c.domain
          JOIN ({first_sql}) f ON f.member_id = c.member_id AND f.domain = c.domain
         GROUP BY c.domain
    """  # noqa: S608
    params = (
        cand_params
        + tuple(v for p in periods for _twice in range(2) for v in (p.start, p.end))
        + tuple(p.end for p in periods)
        + (GesprekStatus.FINAL,)
    )
    got: dict[str, list[tuple[int, Any]]] = {}
    with connections[scope.using].cursor() as cur:
        cur.execute(sql, params)
        for domain, *values in cur.fetchall():
            got[domain] = [(int(values[2 * i]), values[2 * i + 1]) for i in range(w)]
    cells: dict[str, list[Cell]] = {}
    for d, _label in Domain.choices:
        cells[d] = []
        for n, change in got.get(d, [(0, None)] * w):
            value = Decimal(str(float(change))).quantize(TWO, ROUND_HALF_UP) if change is not None else None
            cells[d].append(_stat_cell(value, observations=n, minimum=minimum))
    return Section(
        key="self_reliance_change",
        title=_("Verandering in zelfredzaamheid per leefgebied"),
        columns=columns,
        rows=[Row(str(label), cells[d]) for d, label in Domain.choices],
        chart="bar",
        note=_(
            "Gemiddelde verandering (score 1–5) tussen het eerste gesprek en de laatste evaluatie, "
            "alleen over ten minste %(n)s gezinsleden."
        )
        % {"n": minimum},
    )


def _ladder(scope: Scope, periods: list[Period], columns: list[str], minimum: int) -> Section:
    """Participatieladder: per adult the last rung measured at an evaluation in the period
    against the first rung measured (at a gesprek): up, same, down."""
    first_rung = Subquery(
        LadderMeasurement.objects.filter(member_id=OuterRef("member_id"))
        .order_by("measured_on", "id")
        .values("rung")[:1]
    )

    def last_in(p: Period) -> Q:
        # No later evaluation measurement of the member up to the period's end.
        later = LadderMeasurement.objects.filter(
            member_id=OuterRef("member_id"),
            source=MeasurementSource.EVALUATION,
            measured_on__gt=OuterRef("measured_on"),
            measured_on__lte=p.end,
        )
        return p.q("measured_on") & ~Q(Exists(later))

    move = models.Case(
        When(rung__gt=F("first"), then=Value("up")),
        When(rung__lt=F("first"), then=Value("down")),
        default=Value("same"),
    )
    # One query for all periods: per move, a count per period of the measurements that are
    # the member's last in it.
    rows = (
        LadderMeasurement.objects.using(scope.using)
        .filter(scope.case_q("case"), _in_any(periods, "measured_on"), source=MeasurementSource.EVALUATION)
        .annotate(first=first_rung)
        .annotate(move=move)
        .values("move")
        .annotate(**{f"n{i}": Count("id", filter=last_in(p)) for i, p in enumerate(periods)})
        .order_by()
    )
    got = {r["move"]: [r[f"n{i}"] for i in range(len(periods))] for r in rows}
    counts = {k: got.get(k, [0] * len(periods)) for k in ("up", "same", "down")}
    return _count_section(
        key="participation_ladder",
        title=_("Beweging op de participatieladder"),
        columns=columns,
        rows=[
            (_("Hoger op de ladder"), counts["up"]),
            (_("Op dezelfde trede"), counts["same"]),
            (_("Lager op de ladder"), counts["down"]),
        ],
        minimum=minimum,
        note=_("Volwassenen: de laatste trede bij een evaluatie in de periode tegenover de eerste gemeten trede."),
    )


def _open_during(p: Period) -> Q:
    return Q(opened_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=p.start))


def _sql_of(qs: QuerySet) -> tuple[str, tuple[Any, ...]]:
    """The SQL (and parameters) of a queryset, to join it in a raw aggregate query."""
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    return sql, tuple(params)


def _supported_cases(scope: Scope, periods: list[Period]) -> QuerySet[Case]:
    """The counted cases open during any of the periods, with per period a flag s{i} (1 when
    open during period i, else 0): the ORM writes the scope and `_open_during`, so the raw
    queries around it count exactly the cases the other sections count."""
    span = Q()
    for p in periods:
        span |= _open_during(p)
    flags = {
        f"s{i}": models.Case(When(_open_during(p), then=Value(1)), default=Value(0)) for i, p in enumerate(periods)
    }
    return scope.cases().filter(span).annotate(**flags)


def _outcomes(
    scope: Scope,
    periods: list[Period],
    columns: list[str],
    minimum: int,
    cases_section: Section,
    arrangement_figures: ArrangementFigures,
) -> Section:
    """Seed 004's own indicators: people and households supported, an integrated offer
    (arrangements under more than one law), now independent (at the end of the period no
    running maatwerk and no income or debt help, Iv3 taakveld 6.3).

    The persons are one query: the supported cases with a 0/1 flag per period
    (`_supported_cases`) joined to their households' members, COUNT(DISTINCT person) per
    period flag. Integrated and independent come from the arrangement statement
    (`_arrangement_aggregates`), which reads the arrangements once for this section and the
    arrangement tables."""
    w = len(periods)
    flags = [f"s{i}" for i in range(w)]
    cases_sql, cases_params = _sql_of(_supported_cases(scope, periods).values("household_id", *flags))
    member = HouseholdMember._meta.db_table
    # Only table names from the models' metadata and fixed fragments are formatted in; every
    # value is a query parameter.
    persons_sql = "SELECT {} FROM {} m JOIN ({}) c ON c.household_id = m.household_id".format(  # noqa: S608
        ", ".join(f"COUNT(DISTINCT CASE WHEN c.s{i} = 1 THEN m.person_id END)" for i in range(w)), member, cases_sql
    )
    with connections[scope.using].cursor() as cur:
        cur.execute(persons_sql, cases_params)
        persons = [int(n) for n in cur.fetchone()]
    rows = [
        Row(_("Inwoners ondersteund"), [_count_cell(n, minimum) for n in persons]),
        # The same figure as in the cases section, with its suppression (it is tied to the flow there).
        Row(_("Huishoudens ondersteund"), list(cases_section.rows[3].cells)),
        Row(
            _("Huishoudens met een integraal aanbod (meer dan één wet)"),
            [_count_cell(n, minimum) for n in arrangement_figures.integrated],
        ),
        Row(
            _("Huishoudens nu zelfstandig (geen lopend maatwerk, geen schuldhulp of inkomensondersteuning)"),
            [_count_cell(n, minimum) for n in arrangement_figures.independent],
        ),
    ]
    return Section(key="outcomes", title=_("Ondersteund, integraal aanbod en zelfstandig"), columns=columns, rows=rows)


def _escalations(
    scope: Scope, periods: list[Period], columns: list[str], minimum: int, case_counts: dict[str, int]
) -> list[Section]:
    from arrangements.constants import EscalationReason

    w = len(periods)
    esc = Escalation.objects.using(scope.using).filter(scope.case_q("case"))
    by_reason = _by_period(esc, key="reason", date_field="opened_at__date", periods=periods)
    reasons = _count_section(
        key="escalations_by_reason",
        title=_("Escalaties naar het expertiseteam, naar reden"),
        columns=columns,
        rows=_choice_rows(EscalationReason.choices, by_reason, w),
        minimum=minimum,
    )
    within = _by_period(
        esc.filter(closed_at__isnull=False, closed_at__date__lte=F("deadline")),
        key=None,
        date_field="opened_at__date",
        periods=periods,
    )[None]
    total = [sum(v[i] for v in by_reason.values()) for i in range(w)]
    total_row = reasons.rows[-1].cells if reasons.rows else [Cell(0)] * w
    per_1000, within_cells, within_pct = [], [], []
    for i in range(w):
        cases_n = case_counts[f"supported{i}"]
        hidden = total_row[i].suppressed or disclosure.is_small(cases_n, minimum)
        rate = (Decimal(total[i]) * 1000 / cases_n).quantize(ONE, ROUND_HALF_UP) if cases_n else None
        per_1000.append(Cell(None, True) if hidden else Cell(rate))
        small = disclosure.is_small(within[i], minimum) or disclosure.is_small(total[i] - within[i], minimum)
        within_cells.append(Cell(None, True) if small else Cell(within[i]))
        pct = (Decimal(within[i]) * 100 / total[i]).quantize(ONE, ROUND_HALF_UP) if total[i] else None
        within_pct.append(Cell(None, True) if small or total_row[i].suppressed else Cell(pct))
    summary = Section(
        key="escalations",
        title=_("Escalaties: per 1 000 dossiers en binnen de termijn"),
        columns=columns,
        rows=[
            Row(_("Escalaties per 1 000 dossiers"), per_1000),
            Row(_("Afgehandeld binnen de reactietermijn"), within_cells),
            Row(_("Afgehandeld binnen de reactietermijn (%)"), within_pct),
        ],
        note=_(
            "Dossiers: open op enig moment in de periode. Binnen de termijn: afgesloten op of voor de reactiedatum."
        ),
    )
    return [reasons, summary]


# The statuses of an arrangement that runs (or ran) between its start and its end or stop.
RUNNING_STATUSES = ("granted", "allocated", "started", "stopped")

# An arrangement's combination of (law, kind), provider and delivery form as one integer,
# so the statement below groups on one number instead of four columns (two of them text):
# the lowest catalogue item id with the same law and kind, times 2**40, plus the provider
# id (0 for none) times 4, plus the delivery form's code (0 none, 1 + its position in
# DeliveryForm, so at most three forms fit). Provider ids stay far below 2**38.
_COMBO_ITEM = 1 << 40
_FORMS = tuple(DeliveryForm.values)


@dataclass(frozen=True)
class ArrangementFigures:
    """The raw arrangement figures of a report, per period (`_arrangement_aggregates`).

    combos: (law, kind, provider name, form, n0..n{w-1}, h0..h{w-1}) per combination:
      arrangements and households with an arrangement running in each period;
    households: the households with any arrangement running in each period;
    costs: (law, kind, provider name, form, c0..c{w-1}) the committed cost per combination;
    integrated, independent: seed 004's supported households with arrangements under more
      than one law running in the period, and with no maatwerk or taakveld 6.3 running at
      its end."""

    combos: list[tuple[Any, ...]]
    households: list[int]
    costs: list[tuple[Any, ...]]
    integrated: list[int]
    independent: list[int]


def _decimal(value: Any) -> Decimal:
    """A raw SUM as a Decimal (SQLite may answer an int or a float)."""
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _combo(alias: str) -> str:
    """The combination integer of the row `alias` (an arrangement or a commitment total;
    the catalogue item CTE `i` joined): its parameters are `_FORMS`."""
    forms = " ".join(f"WHEN %s THEN {code}" for code in range(1, len(_FORMS) + 1))
    return (
        f"i.lk * {_COMBO_ITEM} + COALESCE({alias}.provider_id, 0) * 4 + CASE {alias}.delivery_form {forms} ELSE 0 END"
    )


def _month_bounds(periods: list[Period]) -> tuple[dt.date, ...]:
    """Per period the first and last day of its commitment months (`month` is a month's first day)."""
    return tuple(v for p in periods for v in (p.start.replace(day=1), p.end))


def _cost_rows(scope: Scope, periods: list[Period]) -> tuple[str, tuple[Any, ...]]:
    """SQL of the rows (combo, month, amount) whose sum per combination and period is the
    committed cost, over the periods' months only (a part of `_arrangement_aggregates`'
    statement: the CTEs `i` and `a` are there).

    A team: its arrangements' commitment months (`a`; a team's share is small). The
    municipality: the kept totals per item, provider, delivery form and month
    (`CommitmentTotal`, a few hundred cells a month instead of every arrangement's months,
    docs/performance.md), less the months of the households under a processing
    restriction (few, read live). Both count the same months: commitment months exist only
    for the arrangements with a running status — written at the grant, replaced at a change
    or stop (`arrangements.services._store_schedule`) — and a refusal only follows a request.
    """
    in_months = " OR ".join("{m}.month BETWEEN %s AND %s" for _p in periods)
    month_params = _month_bounds(periods)
    month, total, arrangement = (
        CommitmentMonth._meta.db_table,
        CommitmentTotal._meta.db_table,
        Arrangement._meta.db_table,
    )
    if scope.team_id is not None:
        sql = (
            f"SELECT a.combo, m.month, m.amount FROM {month} m JOIN a ON a.id = m.arrangement_id"  # noqa: S608
            f" WHERE {in_months.format(m='m')}"
        )
        return sql, month_params
    sql = (
        f"SELECT {_combo('t')} AS combo, t.month, t.amount FROM {total} t JOIN i ON i.id = t.item_id"  # noqa: S608
        f" WHERE t.municipality_id = %s AND ({in_months.format(m='t')})"
    )
    params = (*_FORMS, scope.municipality_id, *month_params)
    if scope.restricted_households:
        restricted_sql, restricted_params = _sql_of(scope.restricted_cases().values("id"))
        sql += (
            f" UNION ALL SELECT {_combo('r')}, m.month, -m.amount FROM {month} m"  # noqa: S608
            f" JOIN {arrangement} r ON r.id = m.arrangement_id JOIN i ON i.id = r.item_id"
            f" WHERE r.case_id IN ({restricted_sql}) AND ({in_months.format(m='m')})"
        )
        params += (*_FORMS, *restricted_params, *month_params)
    return sql, params


def _arrangement_aggregates(scope: Scope, periods: list[Period]) -> ArrangementFigures:
    """The arrangement tables' and seed 004's raw figures in one statement (docs/performance.md,
    "Quarterly report"): the arrangements of the counted cases with a running status are read
    once (a materialised CTE `a`) with, per period, a flag "running in the period" (o{i})
    and a flag "maatwerk or taakveld 6.3 running at its end" (e{i}), their combination as
    one integer and their law as an integer (the lowest item id of that law); then

    - `pc`: per combination and case the arrangements running per period, and from it per
      combination the arrangements and households per period (households as a GROUP BY
      combination and case first, then counted: a hash aggregate, not a sorting
      COUNT(DISTINCT) per period);
    - `per_case`: per case the lowest and highest law running per period (two laws or more
      exactly when they differ) and the maatwerk running at the end; from it the households
      with any arrangement per period (the total rows), and, joined to the supported cases
      (`_supported_cases`, a 0/1 flag per period), the integrated and the independent
      households (none running at the end, also a case without arrangements);
    - the committed cost per combination and period (`_cost_rows`).
    """
    conn = connections[scope.using]
    w = len(periods)
    cases_sql, cases_params = _case_ids_sql(scope)
    supported_sql, supported_params = _sql_of(
        _supported_cases(scope, periods).values("id", *(f"s{i}" for i in range(w)))
    )
    arrangement, item, organisation = (
        Arrangement._meta.db_table,
        CatalogueItem._meta.db_table,
        Organisation._meta.db_table,
    )
    flags = ", ".join(
        f"(a.start_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s)"
        f" AND (a.stopped_on IS NULL OR a.stopped_on >= %s)) AS o{i}, "
        f"(i.heavy = 1 AND a.start_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s)"
        f" AND (a.stopped_on IS NULL OR a.stopped_on > %s)) AS e{i}"
        for i in range(w)
    )
    flag_params = tuple(v for p in periods for v in (p.end, p.start, p.start, p.end, p.end, p.end))
    any_flag = " OR ".join(f"o{i}" for i in range(w))

    def each(template: str) -> str:
        return ", ".join(template.format(i=i) for i in range(w))

    def decoded(column: str) -> str:
        # law, kind, provider name and form code of a combination: looked up per grouped row
        # (a few thousand at most), not joined per arrangement.
        lk, provider = f"{column} / {_COMBO_ITEM}", f"{column} %% {_COMBO_ITEM} / 4"
        return (
            f"(SELECT law FROM {item} WHERE id = {lk}), (SELECT kind FROM {item} WHERE id = {lk}),"  # noqa: S608
            f" (SELECT name FROM {organisation} WHERE id = {provider}), {column} %% 4"
        )

    nulls = ", ".join(["CAST(NULL AS NUMERIC)"] * w)
    int_nulls = ", ".join(["NULL"] * w)
    costs = ", ".join("SUM(x.amount) FILTER (WHERE x.month BETWEEN %s AND %s)" for _p in periods)
    month_params = _month_bounds(periods)
    cost_sql, cost_params = _cost_rows(scope, periods)
    # Only table names from the models' metadata and fixed fragments are formatted in; every
    # value is a query parameter.
    sql = f"""
        WITH i AS (
            SELECT id, MIN(id) OVER (PARTITION BY law, kind) AS lk, MIN(id) OVER (PARTITION BY law) AS lw,
                   CASE WHEN kind = %s OR taakveld = %s THEN 1 ELSE 0 END AS heavy
              FROM {item}
        ), a AS MATERIALIZED (
            SELECT a.id, a.case_id, i.lw, {_combo("a")} AS combo, {flags}
              FROM {arrangement} a JOIN i ON i.id = a.item_id
             WHERE a.status IN ({", ".join(["%s"] * len(RUNNING_STATUSES))}) AND a.case_id IN ({cases_sql})
        ), pc AS MATERIALIZED (
            SELECT combo, case_id, {each("COUNT(*) FILTER (WHERE o{i}) AS n{i}")}
              FROM a WHERE {any_flag} GROUP BY combo, case_id
        ), per_case AS MATERIALIZED (
            SELECT case_id, {each("MIN(lw) FILTER (WHERE o{i}) AS lo{i}, MAX(lw) FILTER (WHERE o{i}) AS hi{i}")},
                   {each("COUNT(*) FILTER (WHERE e{i}) AS he{i}")}
              FROM a WHERE {any_flag} GROUP BY case_id
        )
        SELECT 'n', {decoded("combo")}, {each("SUM(n{i})")}, {each("COUNT(*) FILTER (WHERE n{i} > 0)")}, {nulls}
          FROM pc GROUP BY combo
        UNION ALL
        SELECT 'h', NULL, NULL, NULL, NULL, {each("COUNT(lo{i})")}, {int_nulls}, {nulls}
          FROM per_case
        UNION ALL
        SELECT 'o', NULL, NULL, NULL, NULL,
               {each("SUM(CASE WHEN c.s{i} = 1 AND p.lo{i} <> p.hi{i} THEN 1 ELSE 0 END)")},
               {each("SUM(CASE WHEN c.s{i} = 1 AND COALESCE(p.he{i}, 0) = 0 THEN 1 ELSE 0 END)")}, {nulls}
          FROM ({supported_sql}) c LEFT JOIN per_case p ON p.case_id = c.id
        UNION ALL
        SELECT 'c', {decoded("x.combo")}, {int_nulls}, {int_nulls}, {costs}
          FROM ({cost_sql}) x
         GROUP BY x.combo
    """  # noqa: S608
    params = (
        ProvisionKind.MAATWERK.value,
        Taakveld.T6_3.value,
        *_FORMS,
        *flag_params,
        *RUNNING_STATUSES,
        *cases_params,
        *supported_params,
        *month_params,
        *cost_params,
    )
    with conn.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    by_tag: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_tag[r[0]].append(r[1:])

    def combination(r: tuple[Any, ...]) -> tuple[Any, ...]:
        law, kind, provider, form = r[:4]
        return (law, kind, provider, _FORMS[form - 1] if form else "")

    households = [int(n or 0) for n in by_tag["h"][0][4 : 4 + w]] if by_tag["h"] else [0] * w
    outcome = [int(n or 0) for n in by_tag["o"][0][4 : 4 + 2 * w]] if by_tag["o"] else [0] * (2 * w)
    return ArrangementFigures(
        combos=[combination(r) + tuple(int(n) for n in r[4 : 4 + 2 * w]) for r in by_tag["n"]],
        households=households,
        costs=[combination(r) + tuple(r[4 + 2 * w :]) for r in by_tag["c"]],
        integrated=outcome[:w],
        independent=outcome[w:],
    )


def _arrangements(periods: list[Period], minimum: int, figures: ArrangementFigures) -> list[Section]:
    """Arrangements running in the period by law, kind, provider and delivery form, with
    their committed cost in the period (commitment months inside it). Hidden where the
    number of arrangements or of households behind it is in (0, minimum).

    Households are not additive over combinations: a row's households are at least the
    largest of its combinations', and that lower bound decides the household rule (a row
    whose every combination has fewer than the minimum households is hidden)."""
    w = len(periods)
    columns = [_("Aantal %(p)s") % {"p": p.label} for p in periods] + [
        _("Kosten %(p)s (€)") % {"p": p.label} for p in periods
    ]
    combos, total_households, cost_rows = figures.combos, figures.households, figures.costs
    # The dimensions by their position in a combination row (law, kind, provider, form).
    dims: list[tuple[str, str, int, dict[Any, Any]]] = [
        ("arrangements_by_law", _("Voorzieningen naar wet"), 0, dict(Law.choices)),
        ("arrangements_by_kind", _("Voorzieningen naar soort"), 1, dict(ProvisionKind.choices)),
        ("arrangements_by_provider", _("Voorzieningen naar aanbieder"), 2, {}),
        ("arrangements_by_form", _("Voorzieningen naar leveringsvorm"), 3, dict(DeliveryForm.choices)),
    ]
    tables, forces, costs_by_table, orders = [], [], [], []
    for _key, _title, position, labels in dims:
        counted: dict[Any, list[int]] = {}
        lower: dict[Any, list[int]] = {}
        for r in combos:
            k = r[position]
            counted.setdefault(k, [0] * w)
            lower.setdefault(k, [0] * w)
            for i in range(w):
                counted[k][i] += r[4 + i]
                lower[k][i] = max(lower[k][i], r[4 + w + i])
        costs: dict[Any, list[Decimal]] = {}
        for r in cost_rows:
            k = r[position]
            costs.setdefault(k, [Decimal(0)] * w)
            for i in range(w):
                costs[k][i] += _decimal(r[4 + i])
        order = [k for k in labels if k in counted] + sorted(
            (k for k in counted if k not in labels), key=lambda k: (k is None, k or "")
        )
        n = [list(counted[k]) for k in order]
        c = [list(costs.get(k, [Decimal(0)] * w)) for k in order]
        n.append([sum(r[i] for r in n) for i in range(w)])
        c.append([sum((r[i] for r in c), Decimal(0)) for i in range(w)])
        h = [lower[k] for k in order]
        h.append(list(total_households))
        tables.append(n)
        forces.append([[disclosure.is_small(v, minimum) for v in row] for row in h])
        costs_by_table.append(c)
        orders.append(order)
    masks = disclosure.suppress_linked_tables(tables, minimum=minimum, force=forces)
    sections: list[Section] = []
    for (key_, title, _position, labels), order, n, c, mask in zip(
        dims, orders, tables, costs_by_table, masks, strict=True
    ):
        rows = []
        for at, k in enumerate([*order, "__total__"]):
            label = _("Totaal") if k == "__total__" else (str(labels.get(k, k)) if k else _("Geen of onbekend"))
            hidden = mask[at]
            cells = [Cell(None, True) if m else Cell(v) for v, m in zip(n[at], hidden, strict=True)]
            cells += [Cell(None, True) if m else Cell(v.quantize(TWO)) for v, m in zip(c[at], hidden, strict=True)]
            rows.append(Row(label, cells))
        sections.append(Section(key=key_, title=title, columns=columns, rows=rows if order else [], chart="bar"))
    return sections


def _budget(scope: Scope, periods: list[Period], minimum: int) -> Section:
    """Budget realisation per line: the year's budget and what was realised from 1 January to
    the end of each period (the same line = same law and taakveld in the other year)."""
    columns = (
        [_("Begroting %(y)s (€)") % {"y": periods[0].end.year}]
        + [_("Gerealiseerd t/m %(p)s (€)") % {"p": p.label} for p in periods]
        + [_("Realisatie %(p)s (%%)") % {"p": periods[0].label}]
    )
    lines = (
        BudgetLine.objects.using(scope.using)
        .filter(budget__municipality_id=scope.municipality_id, budget__year=periods[0].end.year)
        .order_by("law", "taakveld")
    )
    roll = MonthlyRollup.objects.using(scope.using).filter(line__budget__municipality_id=scope.municipality_id)
    spend = HouseholdSpend.objects.using(scope.using).filter(line__budget__municipality_id=scope.municipality_id)
    if scope.team_id:
        roll = roll.filter(team_id=scope.team_id)
        spend = spend.filter(team_id=scope.team_id)
    agg = {
        f"r{i}": Sum("realised", filter=Q(month__gte=dt.date(p.end.year, 1, 1), month__lte=p.end))
        for i, p in enumerate(periods)
    }
    realised = {
        (r["line__law"], r["line__taakveld"]): r
        for r in roll.values("line__law", "line__taakveld").annotate(**agg).order_by()
    }
    households = {
        (r["line__law"], r["line__taakveld"]): r["n"]
        for r in spend.filter(line__budget__year=periods[0].end.year)
        .values("line__law", "line__taakveld")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    }
    taakvelden = dict(Taakveld.choices)
    rows = []
    for line in lines:
        k = (line.law, line.taakveld)
        got = realised.get(k, {})
        values = [got.get(f"r{i}") or Decimal(0) for i in range(len(periods))]
        hidden = bool(scope.team_id) and disclosure.is_small(households.get(k, 0), minimum)
        pct = (values[0] * 100 / line.amount).quantize(ONE, ROUND_HALF_UP) if line.amount else None
        cells = [Cell(line.amount.quantize(TWO))]
        cells += [Cell(None, True) if hidden else Cell(v.quantize(TWO)) for v in values]
        cells.append(Cell(None, True) if hidden else Cell(pct))
        rows.append(Row(f"{Law(line.law).label} – {taakvelden.get(line.taakveld, line.taakveld)}", cells))
    note = _("Gerealiseerd: gedeclareerde zorg (realisatie en correcties) vanaf 1 januari van dat jaar.")
    if scope.team_id:
        note += " " + _("Teambedragen met minder dan %(n)s huishoudens zijn verborgen.") % {"n": minimum}
    return Section(
        key="budget", title=_("Budgetrealisatie per regel"), columns=columns, rows=rows, chart="bar", note=note
    )


def _experience(scope: Scope, periods: list[Period], columns: list[str], minimum: int) -> Section:
    agg: dict[str, Any] = {}
    for i, p in enumerate(periods):
        agg[f"n{i}"] = Count("id", filter=p.q("answered_on"))
        for field, _label in QUESTIONS:
            agg[f"{field}{i}"] = Avg(field, filter=p.q("answered_on"))
    row = QuestionnaireAnswer.objects.using(scope.using).filter(scope.case_q("case")).aggregate(**agg)
    w = len(periods)
    ns = [row[f"n{i}"] for i in range(w)]
    rows = [Row(_("Ingevulde vragenlijsten"), [_count_cell(n, minimum) for n in ns])]
    for field, label in QUESTIONS:
        cells = []
        for i in range(w):
            v = row[f"{field}{i}"]
            value = Decimal(str(v)).quantize(ONE, ROUND_HALF_UP) if v is not None else None
            cells.append(_stat_cell(value, observations=ns[i], minimum=minimum))
        rows.append(Row(str(label), cells))
    return Section(
        key="client_experience",
        title=_("Ervaring van de huishoudens (vragenlijst, gemiddelde 1–5)"),
        columns=columns,
        rows=rows,
        chart="bar",
        note=_("Gemiddelden alleen over ten minste %(n)s vragenlijsten.") % {"n": minimum},
    )


def _safety(scope: Scope, periods: list[Period], columns: list[str], minimum: int) -> Section:
    w = len(periods)
    signals = _by_period(
        scope.signals().filter(route=TriageRoute.SAFETY), key=None, date_field="received_on", periods=periods
    )[None]
    cases = _by_period(scope.cases().filter(safety_flag=True), key=None, date_field="opened_on", periods=periods)[None]
    steps = _by_period(
        MeldcodeStep.objects.using(scope.using).filter(scope.case_q("case"), step=5),
        key=None,
        date_field="done_on",
        periods=periods,
    )[None]
    rows = [
        Row(_("Veiligheidssignalen (Meldcode)"), [_count_cell(signals[i], minimum) for i in range(w)]),
        Row(_("Dossiers met een veiligheidssignaal geopend"), [_count_cell(cases[i], minimum) for i in range(w)]),
        Row(_("Meldcode afgerond (stap 5: besluit)"), [_count_cell(steps[i], minimum) for i in range(w)]),
    ]
    return Section(key="safety", title=_("Veiligheid"), columns=columns, rows=rows)


# --- the entry point -----------------------------------------------------------------------


def compute(
    *,
    municipality_id: int,
    team_id: int | None,
    period_start: dt.date,
    period_end: dt.date,
    using: str = REPORTING_DB,
    progress: Callable[[int], None] | None = None,
    minimum: int | None = None,
) -> ReportData:
    """All figures of one report, disclosure-controlled (docs/reports.md).

    Reads only through `using`; writes nothing. `progress(pct)` is called after each group
    of sections. `minimum` overrides DISCLOSURE_MINIMUM (tests, the benchmark).
    """
    if period_end < period_start:
        raise ValueError("period_end before period_start")
    minimum = disclosure.minimum() if minimum is None else minimum
    scope = Scope.of(municipality_id=municipality_id, team_id=team_id, using=using)
    periods = periods_for(period_start, period_end)
    columns = [p.label for p in periods]
    data = ReportData(
        municipality_id=municipality_id, team_id=team_id, period_start=period_start, period_end=period_end
    )
    # Each read once for the sections that share it.
    case_counts = functools.cache(lambda: _case_counts(scope, periods))
    arrangement_figures = functools.cache(lambda: _arrangement_aggregates(scope, periods))
    steps: list[Callable[[], list[Section] | Section]] = [
        lambda: _signals(scope, periods, columns, minimum),
        lambda: _cases(periods, columns, minimum, case_counts()),
        lambda: _durations(scope, periods, columns, minimum),
        lambda: _questions(scope, periods, columns, minimum),
        lambda: _self_reliance(scope, periods, columns, minimum),
        lambda: _ladder(scope, periods, columns, minimum),
        lambda: _outcomes(scope, periods, columns, minimum, data.section("cases"), arrangement_figures()),
        lambda: _escalations(scope, periods, columns, minimum, case_counts()),
        lambda: _arrangements(periods, minimum, arrangement_figures()),
        lambda: _budget(scope, periods, minimum),
        lambda: _experience(scope, periods, columns, minimum),
        lambda: _safety(scope, periods, columns, minimum),
    ]
    with _report_session(using):
        for n, step in enumerate(steps, start=1):
            result = step()
            data.sections.extend(result if isinstance(result, list) else [result])
            if progress is not None:
                progress(round(100 * n / len(steps)))
    return data


@contextmanager
def _report_session(using: str) -> Iterator[None]:
    """The report's PostgreSQL session settings, reset afterwards:

    - no parallel workers: a report's queries stay on one PostgreSQL process, so on a small
      machine where `reporting` is the primary itself the regisseurs' pages keep the other
      cores (docs/performance.md, "Quarterly report"); a replica gets the same (harmless);
    - `work_mem` = settings.REPORT_WORK_MEM: the hash aggregates over the arrangements stay in
      memory (with the default 4 MB they spill to disk and take twice as long).
    """
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield
        return
    with conn.cursor() as cur:
        cur.execute("SET max_parallel_workers_per_gather = 0")
        cur.execute("SELECT set_config('work_mem', %s, false)", [settings.REPORT_WORK_MEM])
    try:
        yield
    finally:
        with conn.cursor() as cur:
            cur.execute("RESET max_parallel_workers_per_gather")
            cur.execute("RESET work_mem")

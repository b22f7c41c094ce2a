"""The report's figures (reports/figures.py) against data with known answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import statistics
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.constants import SignalSource, TriageRoute
from reports.figures import ReportData, Section, compute, periods_for
from tests.accounts.factories import TeamFactory
from tests.reports import figures_factories as f

pytestmark = pytest.mark.django_db(databases=["default", "reporting"])

Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
IN_Q3 = dt.date(2026, 8, 10)
IN_Q2 = dt.date(2026, 5, 10)
IN_Q3_LAST_YEAR = dt.date(2025, 8, 10)


def report(place: f.Place, *, team: bool = False, minimum: int = 1) -> ReportData:
    return compute(
        municipality_id=place.municipality_id,
        team_id=place.team.pk if team else None,
        period_start=Q3[0],
        period_end=Q3[1],
        minimum=minimum,
        using="default",  # the test's transaction; the `reporting` alias: test_reads_only_the_reporting_alias
    )


def values(section: Section, label: str) -> list:
    for row in section.rows:
        if row.label == label:
            return [None if c.suppressed else c.value for c in row.cells]
    raise KeyError(label)


def test_periods_put_a_quarter_beside_the_previous_quarter_and_the_same_quarter_last_year() -> None:
    current, prev, last = periods_for(*Q3)
    assert (prev.start, prev.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (last.start, last.end) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert [p.label for p in (current, prev, last)] == ["K3 2026", "K2 2026", "K3 2025"]


def test_signals_by_source_entry_and_triage_per_period() -> None:
    place = f.place_create()
    for day, source, route in [
        (IN_Q3, "school", TriageRoute.ADVICE),
        (IN_Q3, "school", TriageRoute.CASE),
        (IN_Q3, "gp", TriageRoute.SAFETY),
        (IN_Q2, "gp", TriageRoute.ADVICE),
        (IN_Q3_LAST_YEAR, "police", ""),
    ]:
        f.signal_create(place, received_on=day, source=source, route=route)
    data = report(place)
    by_source = data.section("signals_by_source")
    assert by_source.columns == ["K3 2026", "K2 2026", "K3 2025"]
    assert values(by_source, "School") == [2, 0, 0]
    assert values(by_source, "Huisarts") == [1, 1, 0]
    assert values(by_source, "Politie") == [0, 0, 1]
    assert values(by_source, "Totaal") == [3, 1, 1]
    assert values(data.section("signals_by_entry"), "Sociaal wijkteam") == [3, 1, 1]
    triage = data.section("triage")
    assert values(triage, "Eerste lijn (informatie en advies)") == [1, 1, 0]
    assert values(triage, "Tweede lijn (wijkteam: dossier en gesprek)") == [1, 0, 0]
    assert values(triage, "Veiligheid (Meldcode)") == [1, 0, 0]
    assert values(triage, "Nog niet getrieerd") == [0, 0, 1]


def test_cases_opened_closed_and_open_at_the_end() -> None:
    place = f.place_create()
    f.case_create(place, opened_on=IN_Q2)  # open through Q3
    f.case_create(place, opened_on=IN_Q2, closed_on=IN_Q3)
    f.case_create(place, opened_on=IN_Q3)
    f.case_create(place, opened_on=IN_Q3_LAST_YEAR, closed_on=dt.date(2025, 9, 1))
    cases = report(place).section("cases")
    assert values(cases, "Dossiers geopend") == [1, 2, 1]
    assert values(cases, "Dossiers gesloten") == [1, 0, 1]
    assert values(cases, "Dossiers open aan het eind") == [2, 2, 0]


def test_time_to_gesprek_and_plan_median_and_p90_over_enough_cases_only() -> None:
    place = f.place_create()
    days = [3, 5, 8, 10, 12, 14, 20, 21, 30, 40, 60]
    for d in days:
        case = f.case_create(place, opened_on=dt.date(2026, 6, 1))
        f.signal_create(place, received_on=dt.date(2026, 6, 1), case=case, route=TriageRoute.CASE)
        f.gesprek_create(case, date=dt.date(2026, 6, 1) + dt.timedelta(days=30 + d))
    few = f.case_create(place, opened_on=dt.date(2026, 6, 1))
    f.signal_create(place, received_on=dt.date(2026, 6, 1), case=few)
    f.plan_create(few, agreed_on=dt.date(2026, 8, 1))
    durations = report(place, minimum=10).section("durations")
    shifted = [30 + d for d in days]
    assert values(durations, "Signaal tot gesprek: aantal") == [11, 0, 0]
    assert values(durations, "Signaal tot gesprek: mediaan (dagen)")[0] == Decimal(statistics.median(shifted))
    p90 = statistics.quantiles(shifted, n=10, method="inclusive")[-1]
    assert values(durations, "Signaal tot gesprek: 90e percentiel (dagen)")[0] == Decimal(str(p90)).quantize(
        Decimal("0.1")
    )
    # One plan: its count is small and its median is not published.
    plan_rows = {r.label: r.cells[0] for r in durations.rows if "plan" in r.label}
    assert all(c.suppressed and c.value is None for c in plan_rows.values())


def test_questions_self_reliance_change_and_ladder_movement() -> None:
    place = f.place_create()
    for i in range(3):
        case = f.case_create(place, opened_on=dt.date(2026, 1, 10))
        f.gesprek_create(case, date=dt.date(2026, 2, 1), scores={"finances": 1, "housing": 4})
        plan = f.plan_create(case, agreed_on=dt.date(2026, 2, 10), current=False)
        f.ladder_create(case, rung=2, on=dt.date(2026, 2, 1))
        ev1 = f.evaluation_create(case, plan, date=dt.date(2026, 5, 1), scores={"finances": 2})
        f.ladder_create(case, rung=2, on=dt.date(2026, 5, 1), evaluation=ev1)
        plan2 = f.plan_create(case, agreed_on=dt.date(2026, 5, 2), number=2)
        ev2 = f.evaluation_create(case, plan2, date=dt.date(2026, 8, 1), scores={"finances": 3 + (i == 0)})
        f.ladder_create(case, rung=3 if i else 1, on=dt.date(2026, 8, 1), evaluation=ev2)
    data = report(place)
    questions = data.section("questions_by_domain")
    assert values(questions, "Financiën") == [0, 0, 0]  # the gesprekken were in Q1
    change = data.section("self_reliance_change")
    # Last evaluation in Q3 against the first gesprek: +3, +2, +2 -> 2.33; in Q2: +1 each.
    assert values(change, "Financiën") == [Decimal("2.33"), Decimal("1.00"), None]
    assert values(change, "Huisvesting") == [None, None, None]
    ladder = data.section("participation_ladder")
    assert values(ladder, "Hoger op de ladder") == [2, 0, 0]
    assert values(ladder, "Lager op de ladder") == [1, 0, 0]
    assert values(ladder, "Op dezelfde trede") == [0, 3, 0]


def test_questions_per_domain_count_households_with_a_low_score_in_the_period() -> None:
    place = f.place_create()
    for score in (1, 2, 3):
        case = f.case_create(place, opened_on=IN_Q3)
        f.gesprek_create(case, date=IN_Q3, scores={"finances": score, "mental": 1})
    questions = report(place).section("questions_by_domain")
    assert values(questions, "Financiën") == [2, 0, 0]
    assert values(questions, "Geestelijke gezondheid") == [3, 0, 0]


def test_people_supported_integrated_offer_and_now_independent() -> None:
    place = f.place_create()
    both = f.case_create(place, opened_on=IN_Q2, members=3)
    f.arrangement_create(place, both, item="wmo", start=IN_Q2)
    f.arrangement_create(place, both, item="jeugd", start=IN_Q2, end=dt.date(2026, 7, 15))
    general_only = f.case_create(place, opened_on=IN_Q3, members=2)
    f.arrangement_create(place, general_only, item="general", start=IN_Q3)
    debt = f.case_create(place, opened_on=IN_Q3)
    f.arrangement_create(place, debt, item="debt", start=IN_Q3)
    stopped = f.case_create(place, opened_on=IN_Q2)
    f.arrangement_create(place, stopped, item="wmo", start=IN_Q2, end=dt.date(2026, 7, 31))
    outcomes = report(place).section("outcomes")
    assert values(outcomes, "Inwoners ondersteund") == [7, 4, 0]
    assert values(outcomes, "Huishoudens ondersteund") == [4, 2, 0]
    assert values(outcomes, "Huishoudens met een integraal aanbod (meer dan één wet)") == [1, 1, 0]
    label = "Huishoudens nu zelfstandig (geen lopend maatwerk, geen schuldhulp of inkomensondersteuning)"
    # At the end of Q3: `both` still has Wmo maatwerk, `debt` has debt help; the others are independent.
    assert values(outcomes, label) == [2, 0, 0]


def test_escalations_by_reason_per_1000_cases_and_within_deadline() -> None:
    place = f.place_create()
    cases = [f.case_create(place, opened_on=IN_Q2) for _ in range(4)]
    f.escalation_create(place, cases[0], reason="advice", opened=IN_Q3, deadline=IN_Q3, closed=IN_Q3)
    f.escalation_create(
        place, cases[1], reason="homelessness", opened=IN_Q3, deadline=IN_Q3, closed=IN_Q3 + dt.timedelta(days=3)
    )
    f.escalation_create(place, cases[2], reason="advice", opened=IN_Q2, deadline=IN_Q2)
    data = report(place)
    by_reason = data.section("escalations_by_reason")
    assert values(by_reason, "Advies") == [1, 1, 0]
    assert values(by_reason, "Multiprobleem-plus: dakloosheid") == [1, 0, 0]
    summary = data.section("escalations")
    assert values(summary, "Escalaties per 1 000 dossiers") == [Decimal("500.0"), Decimal("250.0"), None]
    assert values(summary, "Afgehandeld binnen de reactietermijn") == [1, 0, 0]
    assert values(summary, "Afgehandeld binnen de reactietermijn (%)") == [Decimal("50.0"), Decimal("0.0"), None]


def test_arrangements_by_law_kind_provider_and_form_with_their_cost_in_the_period() -> None:
    place = f.place_create()
    case = f.case_create(place, opened_on=IN_Q2)
    months = {dt.date(2026, 6, 1): "100.00", dt.date(2026, 7, 1): "200.00", dt.date(2026, 8, 1): "50.50"}
    f.arrangement_create(place, case, item="wmo", start=dt.date(2026, 6, 1), months=months)
    f.arrangement_create(place, case, item="jeugd", start=IN_Q3, form="pgb", months={dt.date(2026, 8, 1): "10"})
    data = report(place)
    by_law = data.section("arrangements_by_law")
    assert by_law.columns[:3] == ["Aantal K3 2026", "Aantal K2 2026", "Aantal K3 2025"]
    assert values(by_law, "Wmo 2015") == [1, 1, 0, Decimal("250.50"), Decimal("100.00"), Decimal("0.00")]
    assert values(by_law, "Jeugdwet") == [1, 0, 0, Decimal("10.00"), Decimal("0.00"), Decimal("0.00")]
    assert values(by_law, "Totaal") == [2, 1, 0, Decimal("260.50"), Decimal("100.00"), Decimal("0.00")]
    assert values(data.section("arrangements_by_form"), "Persoonsgebonden budget (PGB)")[0] == 1
    assert values(data.section("arrangements_by_provider"), place.provider.name)[0] == 2
    assert values(data.section("arrangements_by_kind"), "Maatwerkvoorziening")[0] == 2


def test_arrangements_hide_the_cost_beside_a_hidden_count() -> None:
    place = f.place_create()
    for _ in range(12):
        case = f.case_create(place, opened_on=IN_Q2)
        f.arrangement_create(place, case, item="wmo", start=IN_Q3, months={dt.date(2026, 8, 1): "10"})
    small = f.case_create(place, opened_on=IN_Q2)
    f.arrangement_create(place, small, item="jeugd", start=IN_Q3, months={dt.date(2026, 8, 1): "999"})
    by_law = report(place, minimum=10).section("arrangements_by_law")
    jeugd = next(r for r in by_law.rows if r.label == "Jeugdwet")
    assert jeugd.cells[0].suppressed and jeugd.cells[3].suppressed and jeugd.cells[3].value is None
    # The total would give the hidden Jeugdwet cost away: secondary suppression hides another cell.
    column = [r.cells[0] for r in by_law.rows]
    assert sum(c.suppressed for c in column) >= 2


def test_client_experience_averages_over_enough_questionnaires_only() -> None:
    place = f.place_create()
    for score in [4] * 9 + [5]:
        case = f.case_create(place, opened_on=IN_Q2)
        plan = f.plan_create(case, agreed_on=IN_Q2)
        f.answer_create(case, plan, on=IN_Q3, score=score)
    case = f.case_create(place, opened_on=IN_Q2)
    f.answer_create(case, f.plan_create(case, agreed_on=IN_Q2), on=IN_Q2, score=1)
    experience = report(place, minimum=10).section("client_experience")
    assert values(experience, "Ingevulde vragenlijsten") == [10, None, 0]
    assert values(experience, "Onze regisseur is goed bereikbaar.") == [Decimal("4.1"), None, None]
    q2 = next(r for r in experience.rows if r.label == "Onze regisseur is goed bereikbaar.").cells[1]
    assert q2.suppressed


def test_safety_signals() -> None:
    place = f.place_create()
    case = f.case_create(place, opened_on=IN_Q3, safety=True)
    f.signal_create(place, received_on=IN_Q3, route=TriageRoute.SAFETY, case=case)
    f.meldcode_done(case, on=IN_Q3)
    safety = report(place).section("safety")
    assert values(safety, "Veiligheidssignalen (Meldcode)") == [1, 0, 0]
    assert values(safety, "Dossiers met een veiligheidssignaal geopend") == [1, 0, 0]
    assert values(safety, "Meldcode afgerond (stap 5: besluit)") == [1, 0, 0]


def test_a_person_under_processing_restriction_is_left_out_of_every_count() -> None:
    place = f.place_create()

    def household(restricted: bool) -> None:
        case = f.case_create(place, opened_on=IN_Q3, restricted=restricted, safety=True)
        f.signal_create(place, received_on=IN_Q3, source="school", route=TriageRoute.SAFETY, case=case)
        f.gesprek_create(case, date=IN_Q3, scores={"finances": 1})
        plan = f.plan_create(case, agreed_on=IN_Q3)
        f.answer_create(case, plan, on=IN_Q3, score=4)
        f.arrangement_create(place, case, start=IN_Q3, months={dt.date(2026, 8, 1): "10"})
        f.escalation_create(place, case, opened=IN_Q3, deadline=IN_Q3, closed=IN_Q3)
        f.meldcode_done(case, on=IN_Q3)

    household(restricted=False)
    household(restricted=True)
    data = report(place)
    counts = {
        ("signals_by_source", "School"): 1,
        ("triage", "Veiligheid (Meldcode)"): 1,
        ("cases", "Dossiers geopend"): 1,
        ("questions_by_domain", "Financiën"): 1,
        ("outcomes", "Huishoudens ondersteund"): 1,
        ("outcomes", "Inwoners ondersteund"): 1,
        ("escalations_by_reason", "Advies"): 1,
        ("arrangements_by_law", "Wmo 2015"): 1,
        ("client_experience", "Ingevulde vragenlijsten"): 1,
        ("safety", "Meldcode afgerond (stap 5: besluit)"): 1,
        ("safety", "Dossiers met een veiligheidssignaal geopend"): 1,
    }
    for (key, label), expected in counts.items():
        assert values(data.section(key), label)[0] == expected, (key, label)
    assert values(data.section("arrangements_by_law"), "Wmo 2015")[3] == Decimal("10.00")


def test_the_municipality_cost_from_the_kept_totals_is_the_sum_of_its_teams_live_costs() -> None:
    # The municipality's report reads arrangements.CommitmentTotal, a team's report the
    # commitment months themselves: both must give the same money.
    place = f.place_create()
    other = dataclasses.replace(place, team=TeamFactory(municipality=place.team.municipality))
    elsewhere = f.place_create()  # another municipality: never counted
    for where, amount in ((place, "100.00"), (other, "30.25"), (elsewhere, "999.00")):
        case = f.case_create(where, opened_on=IN_Q2)
        months = {dt.date(2026, 5, 1): amount, dt.date(2026, 8, 1): amount, dt.date(2026, 10, 1): amount}
        f.arrangement_create(where, case, item="wmo", start=dt.date(2026, 5, 1), months=months)
    restricted = f.case_create(place, opened_on=IN_Q2, restricted=True)
    f.arrangement_create(place, restricted, item="wmo", start=IN_Q3, months={dt.date(2026, 8, 1): "7.00"})

    def cost(data: ReportData) -> list:
        return values(data.section("arrangements_by_law"), "Wmo 2015")[3:]

    municipality = cost(report(place))
    assert municipality == [Decimal("130.25"), Decimal("130.25"), Decimal("0.00")]
    teams = [cost(report(p, team=True)) for p in (place, other)]
    assert [a + b for a, b in zip(*teams, strict=True)] == municipality


def test_a_team_report_counts_only_that_team_and_never_another_municipality() -> None:
    place = f.place_create()
    other_team = TeamFactory(municipality=place.team.municipality)
    elsewhere = f.place_create()  # another municipality
    f.case_create(place, opened_on=IN_Q3)
    f.case_create(place, opened_on=IN_Q3, team=other_team)
    f.case_create(elsewhere, opened_on=IN_Q3)
    assert values(report(place).section("cases"), "Dossiers geopend")[0] == 2
    assert values(report(place, team=True).section("cases"), "Dossiers geopend")[0] == 1


def test_the_number_of_queries_does_not_grow_with_the_data() -> None:
    place = f.place_create()

    def queries() -> int:
        with CaptureQueriesContext(connections["default"]) as ctx:
            report(place)
        return len(ctx.captured_queries)

    f.case_create(place, opened_on=IN_Q3)
    few = queries()
    for _ in range(15):
        case = f.case_create(place, opened_on=IN_Q3)
        f.signal_create(place, received_on=IN_Q3, case=case, route=TriageRoute.CASE)
        f.arrangement_create(place, case, start=IN_Q3, months={dt.date(2026, 8, 1): "10"})
        f.gesprek_create(case, date=IN_Q3, scores={"finances": 1})
    assert queries() == few
    assert few < 60


@pytest.mark.django_db(transaction=True, databases=["default", "reporting"])
def test_reads_only_the_reporting_alias() -> None:
    place = f.place_create()
    for _ in range(3):
        f.case_create(place, opened_on=IN_Q3)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["reporting"]) as reporting,
    ):
        data = compute(
            municipality_id=place.municipality_id, team_id=None, period_start=Q3[0], period_end=Q3[1], minimum=1
        )
    assert values(data.section("cases"), "Dossiers geopend")[0] == 3
    assert len(primary.captured_queries) == 0
    assert len(reporting.captured_queries) > 10


def test_progress_is_reported_up_to_100() -> None:
    place = f.place_create()
    seen: list[int] = []
    compute(
        municipality_id=place.municipality_id,
        team_id=None,
        period_start=Q3[0],
        period_end=Q3[1],
        progress=seen.append,
        using="default",
    )
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) > 5


def test_the_json_form_is_serialisable_and_keeps_suppression() -> None:
    place = f.place_create()
    f.case_create(place, opened_on=IN_Q3)
    data = compute(
        municipality_id=place.municipality_id, team_id=None, period_start=Q3[0], period_end=Q3[1], using="default"
    )
    payload = json.loads(json.dumps(data.to_json()))
    cases = next(s for s in payload["sections"] if s["key"] == "cases")
    opened = cases["rows"][0]["cells"][0]
    assert opened == {"value": None, "suppressed": True}  # 1 case < DISCLOSURE_MINIMUM (10)
    assert payload["period_start"] == "2026-07-01"


# --- property: a report equals a recomputation from the raw rows where nothing is suppressed


signal_rows = st.lists(
    st.tuples(
        st.sampled_from([SignalSource.SCHOOL, SignalSource.GP, SignalSource.POLICE, SignalSource.CITIZEN]),
        st.sampled_from([TriageRoute.ADVICE, TriageRoute.CASE, TriageRoute.SAFETY, ""]),
        st.sampled_from([IN_Q3, IN_Q2, IN_Q3_LAST_YEAR, dt.date(2026, 1, 5)]),
    ),
    max_size=40,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=signal_rows, minimum=st.sampled_from([1, 3, 10]))
def test_published_cells_equal_a_recomputation_from_the_raw_rows(rows, minimum) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        place = f.place_create()
        for source, route, day in rows:
            f.signal_create(place, received_on=day, source=source, route=route)
        data = report(place, minimum=minimum)
        periods = periods_for(*Q3)
        by_source = data.section("signals_by_source")
        labels = dict(SignalSource.choices)
        for row in by_source.rows:
            for i, cell in enumerate(row.cells):
                p = periods[i]
                raw = Counter(s for s, _r, d in rows if p.start <= d <= p.end)
                expected = sum(raw.values()) if row.label == "Totaal" else raw[_key(labels, row.label)]
                assert not (not cell.suppressed and 0 < expected < minimum)
                if not cell.suppressed:
                    assert cell.value == expected
                if minimum == 1:
                    assert not cell.suppressed
        transaction.set_rollback(True)


def _key(labels: dict, label: str) -> str:
    return next(k for k, v in labels.items() if str(v) == label)

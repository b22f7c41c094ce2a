"""Benchmark: the quarterly report (reports.figures.compute) against a plain COUNT(*) pass,
and the regisseur's case list with and without a report running beside it.

    .venv/bin/python bench/report.py [--cases 100000] [--arrangements 250000]
                                     [--declarations 750000] [--reuse]

Uses its own database (BENCH_REPORT_DATABASE_URL, default .../sd_report_bench). The cases,
persons, teams, regisseurs and grants come from bench/case_list.py's generator (so the case
list measured here is the one bench/case_list.py measures); then, with INSERT ... SELECT
over generate_series (no Python per row): a signal per case (plus 30 % first-line signals
without a case), a final gesprek with three self-reliance scores for 90 % of the cases, an
agreed plan for 80 %, an evaluation with new scores for half of those, participatieladder
measurements, questionnaires, escalations for 5 %, the arrangements (default 250 000, three
commitment months each) and the declaration lines (default 750 000 ledger actuals) — so
1 000 000 arrangement and declaration rows — over two budget years; then the commitment
totals rebuilt from the months and the budget's summaries from the ledger.

Measures, in one run:
  (a) the quarterly report of the municipality for Q3 2026 (every section, on the
      `reporting` alias), median of 3 after a warm-up;
  (b) one plain COUNT(*) over each table the report reads, summed; median of 3;
  (c) the case list (page 1 + count, bench/case_list.py's `filtered`) p95 for 20 regisseurs,
      first alone, then while another process computes reports in a loop.
Targets: (a) < 30 s, (a)/(b) <= 20, p95 with the report <= 1.5 x p95 without.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sd_report_bench"
PERIOD = ("2026-07-01", "2026-09-30")
COUNTED_TABLES = [
    "cases_case",
    "cases_householdmember",
    "cases_person",
    "intake_signal",
    "intake_signal_persons",
    "intake_gesprek",
    "intake_domainscore",
    "intake_meldcodestep",
    "plan_plan",
    "plan_evaluation",
    "plan_evaluationscore",
    "plan_laddermeasurement",
    "plan_questionnaireanswer",
    "arrangements_arrangement",
    "arrangements_commitmentmonth",
    "arrangements_commitmenttotal",
    "arrangements_escalation",
    "budget_ledgerentry",
    "budget_monthlyrollup",
    "budget_householdspend",
]


def _sql(cur, statement: str, label: str) -> None:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    cur.execute(statement)
    print(f"  {label:<40} {cur.rowcount:>9} rows {time.perf_counter() - t:6.1f} s")


REPORT_TABLES = [
    "intake_signal_persons",
    "intake_signal",
    "intake_domainscore",
    "intake_meldcodestep",
    "intake_gesprek",
    "plan_laddermeasurement",
    "plan_evaluationscore",
    "plan_questionnaireanswer",
    "plan_evaluation",
    "plan_plan",
    "arrangements_commitmentmonth",
    "arrangements_commitmenttotal",
    "arrangements_escalation",
    "arrangements_arrangement",
    "arrangements_catalogueitem",
    "budget_ledgerentry",
    "budget_monthlyrollup",
    "budget_inflowrollup",
    "budget_householdspend",
    "budget_householdfigure",
    "budget_budgetline",
    "budget_budget",
]


def _wipe_report_data() -> None:
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Membership, Team, User

    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(REPORT_TABLES) + " RESTART IDENTITY CASCADE")
    Membership.objects.filter(user__username="bench-expert").delete()
    Team.objects.filter(name="Expertiseteam", municipality__name="Benchgemeente").delete()
    User.objects.filter(username="bench-expert").delete()
    Group.objects.filter(name="team:9999:expertise").delete()


def generate(*, cases: int, arrangements: int, declarations: int) -> None:
    import case_list
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.constants import Role, TeamKind
    from accounts.models import Membership, Municipality, Organisation, Team, User
    from arrangements import totals as commitment_totals
    from arrangements.constants import Law, ProvisionKind, Taakveld
    from arrangements.models import CatalogueItem
    from budget import services
    from budget.models import Budget, BudgetLine
    from cases.models import Case

    if Case.objects.count() != cases:
        case_list.generate(cases)  # wipes everything, this benchmark's rows too (TRUNCATE ... CASCADE)
    else:
        _wipe_report_data()  # keep the (slow to make) cases, persons, users and grants
    t0 = time.perf_counter()
    muni = Municipality.objects.get(name="Benchgemeente")
    with transaction.atomic():
        group = Group.objects.create(name="team:9999:expertise")
        experts = Team.objects.create(municipality=muni, name="Expertiseteam", kind=TeamKind.EXPERTISETEAM, group=group)
        expert = User.objects.create(username="bench-expert")
        Membership.objects.create(user=expert, team=experts, role=Role.EXPERT)
        Organisation.objects.filter(name__startswith="Bench aanbieder").delete()
        providers = [Organisation.objects.create(name=f"Bench aanbieder {p}", kind="zorgaanbieder") for p in range(50)]
        spec = [
            ("Huishoudelijke hulp", Law.WMO, ProvisionKind.MAATWERK, Taakveld.T6_6),
            ("Begeleiding", Law.WMO, ProvisionKind.MAATWERK, Taakveld.T6_71),
            ("Jeugdhulp ambulant", Law.JEUGDWET, ProvisionKind.MAATWERK, Taakveld.T6_72),
            ("Jeugdhulp verblijf", Law.JEUGDWET, ProvisionKind.MAATWERK, Taakveld.T6_82),
            ("Jobcoaching", Law.PARTICIPATIEWET, ProvisionKind.MAATWERK, Taakveld.T6_5),
            ("Schuldhulp", Law.PARTICIPATIEWET, ProvisionKind.GENERAL, Taakveld.T6_3),
            ("Maatjesproject", Law.WMO, ProvisionKind.GENERAL, Taakveld.T6_1),
            ("Opvoedspreekuur", Law.JEUGDWET, ProvisionKind.GENERAL, Taakveld.T6_2),
        ]
        items = [
            CatalogueItem.objects.create(municipality=muni, name=n, law=law, kind=kind, taakveld=tv)
            for n, law, kind, tv in spec
        ]
        for year in (2025, 2026):
            budget = Budget.objects.create(municipality=muni, year=year)
            for _n, law, _kind, tv in spec:
                BudgetLine.objects.get_or_create(budget=budget, law=law, taakveld=tv, defaults={"amount": 8_000_000})
    item_ids = "ARRAY[" + ",".join(str(i.pk) for i in items) + "]"
    provider_ids = "ARRAY[" + ",".join(str(p.pk) for p in providers) + "]"
    sources = "ARRAY['citizen','school','gp','police','neighbour','housing','cjg','front_desk']"
    domains = "(VALUES ('finances'), ('housing'), ('mental')) AS d(domain)"
    with transaction.atomic(), connection.cursor() as cur:
        _sql(
            cur,
            """UPDATE cases_case SET opened_on = date '2025-01-01' + (id * 7919 % 540)::int,
                   safety_flag = (id % 50 = 0), status = 'open', closed_on = NULL, outcome = ''""",
            "cases: dates",
        )
        _sql(
            cur,
            """UPDATE cases_case SET status = 'closed', outcome = 'goal_reached',
                   closed_on = opened_on + 30 + (id % 200)::int
             WHERE id % 2 = 0 AND opened_on + 30 + (id % 200)::int < date '2026-11-30'""",
            "cases: half closed",
        )
        _sql(
            cur,
            f"""INSERT INTO intake_signal (uuid, source, question, reporter_name, reporter_contact, received_on,
                   status, route, advice_outcome, triage_note, created_at, updated_at, case_id, team_id)
            SELECT gen_random_uuid(), ({sources})[1 + id % 8], '', '', '', opened_on - (id % 20)::int, 'done',
                   CASE WHEN safety_flag THEN 'safety' ELSE 'case' END, '', '', now(), now(), id, team_id
              FROM cases_case""",
            "signals with a case",
        )
        _sql(
            cur,
            f"""INSERT INTO intake_signal (uuid, source, question, reporter_name, reporter_contact, received_on,
                   status, route, advice_outcome, triage_note, created_at, updated_at, case_id, team_id)
            SELECT gen_random_uuid(), ({sources})[1 + id % 8], '', '', '', opened_on, 'done', 'advice',
                   'information', '', now(), now(), NULL, team_id
              FROM cases_case WHERE id % 10 < 3""",
            "first-line signals",
        )
        _sql(
            cur,
            """INSERT INTO intake_signal_persons (signal_id, person_id)
            SELECT s.id, m.person_id FROM intake_signal s JOIN cases_case c ON c.id = s.case_id
              JOIN cases_householdmember m ON m.household_id = c.household_id""",
            "signal persons",
        )
        _sql(
            cur,
            """INSERT INTO intake_gesprek (uuid, date, place, professionals, question_behind, ladder_own,
                   ladder_network, ladder_general, ladder_tailored, ladder_skip_reason, status, version,
                   created_at, updated_at, case_id, created_by_id)
            SELECT gen_random_uuid(), opened_on + (id % 30)::int, 'thuis', '', '', '', '', '', '', '', 'final', 1,
                   now(), now(), id, regisseur_id FROM cases_case WHERE id % 10 <> 9""",
            "gesprekken",
        )
        _sql(
            cur,
            f"""INSERT INTO intake_domainscore (domain, score, note, member_id, gesprek_id)
            SELECT d.domain, 1 + (g.id + length(d.domain)) % 5, '', m.id, g.id
              FROM intake_gesprek g JOIN cases_case c ON c.id = g.case_id
              JOIN cases_householdmember m ON m.household_id = c.household_id CROSS JOIN {domains}""",
            "self-reliance scores",
        )
        _sql(
            cur,
            """INSERT INTO plan_plan (uuid, number, is_current, status, household_words, plan_date, agreed_on,
                   agreement_method, agreement_remarks, activated_on, version, created_at, updated_at, case_id,
                   created_by_id, source_gesprek_id)
            SELECT gen_random_uuid(), 1, true, 'active', '', g.date + (g.id % 40)::int,
                   g.date + (g.id % 40)::int, 'paper', '', g.date + (g.id % 40)::int, 1, now(), now(), g.case_id,
                   g.created_by_id, g.id
              FROM intake_gesprek g WHERE g.id % 10 < 8""",
            "plans",
        )
        _sql(
            cur,
            """INSERT INTO plan_evaluation (uuid, date, household_view, created_at, created_by_id, plan_id)
            SELECT gen_random_uuid(), agreed_on + 90 + (id % 60)::int, '', now(), created_by_id, id
              FROM plan_plan WHERE id % 2 = 0""",
            "evaluations",
        )
        _sql(
            cur,
            """INSERT INTO plan_evaluationscore (domain, score, evaluation_id, member_id)
            SELECT s.domain, least(5, s.score + (e.id % 3)), e.id, s.member_id
              FROM plan_evaluation e JOIN plan_plan p ON p.id = e.plan_id
              JOIN intake_domainscore s ON s.gesprek_id = p.source_gesprek_id""",
            "evaluation scores",
        )
        _sql(
            cur,
            """INSERT INTO plan_laddermeasurement (rung, measured_on, source, case_id, gesprek_id, member_id)
            SELECT 1 + g.id % 4, g.date, 'gesprek', g.case_id, g.id, m.id
              FROM intake_gesprek g JOIN cases_case c ON c.id = g.case_id
              JOIN cases_householdmember m ON m.household_id = c.household_id WHERE g.id % 3 = 0""",
            "ladder at gesprek",
        )
        _sql(
            cur,
            """INSERT INTO plan_laddermeasurement (rung, measured_on, source, case_id, evaluation_id, member_id)
            SELECT greatest(1, least(6, g.id % 4 + e.id % 3)), e.date, 'evaluation', p.case_id, e.id, m.id
              FROM plan_evaluation e JOIN plan_plan p ON p.id = e.plan_id
              JOIN intake_gesprek g ON g.id = p.source_gesprek_id AND g.id % 3 = 0
              JOIN cases_case c ON c.id = p.case_id JOIN cases_householdmember m ON m.household_id = c.household_id""",
            "ladder at evaluation",
        )
        _sql(
            cur,
            """INSERT INTO plan_questionnaireanswer (q_ours, q_reachable, q_fit, q_better, q_recommend, remarks,
                   answered_on, case_id, plan_id)
            SELECT 1 + id % 5, 1 + (id / 3) % 5, 3, 4, 1 + (id / 7) % 5, '', agreed_on + 30, case_id, id
              FROM plan_plan WHERE id % 5 = 0""",
            "questionnaires",
        )
        _sql(
            cur,
            f"""INSERT INTO arrangements_arrangement (uuid, contribution, volume, unit, frequency, start_date,
                   end_date, delivery_form, status, cost_total, stop_reason, insufficient, insufficient_note,
                   version, created_at, updated_at, case_id, member_id, provider_id, requested_by_id, item_id)
            SELECT gen_random_uuid(), '', 4, 'hour', 'week', c.opened_on + (s % 60), c.opened_on + (s % 60) + 180,
                   CASE WHEN s % 7 = 0 THEN 'pgb' ELSE 'zin' END, 'started', 1500, '', false, '', 1, now(), now(),
                   c.id, m.id, ({provider_ids})[1 + s % 50], c.regisseur_id, ({item_ids})[1 + (s / 3) % 8]
              FROM generate_series(0, {int(arrangements) - 1}) AS s
              JOIN cases_case c ON c.id = 1 + s % {int(cases)}
              JOIN cases_householdmember m ON m.household_id = c.household_id""",
            "arrangements",
        )
        _sql(
            cur,
            """INSERT INTO arrangements_commitmentmonth (month, amount, arrangement_id)
            SELECT (date_trunc('month', a.start_date) + (k || ' months')::interval)::date, 250 + a.id % 300, a.id
              FROM arrangements_arrangement a, generate_series(0, 2) AS k""",
            "commitment months",
        )
        _sql(
            cur,
            f"""INSERT INTO arrangements_escalation (uuid, reason, urgency, question, deadline, status, outcome,
                   advice, opened_at, closed_at, case_id, expert_team_id, requested_by_id)
            SELECT gen_random_uuid(),
                   (ARRAY['advice','specialist','beyond_mandate','homelessness','eviction'])[1 + id % 5],
                   'normal', '', opened_on + 24, CASE WHEN id % 10 < 7 THEN 'closed' ELSE 'open' END,
                   CASE WHEN id % 10 < 7 THEN 'advice' ELSE '' END, '',
                   (opened_on + 10)::timestamptz,
                   CASE WHEN id % 10 < 7 THEN (opened_on + 10 + (id % 25)::int)::timestamptz END,
                   id, {experts.pk}, regisseur_id
              FROM cases_case WHERE id % 20 = 0""",
            "escalations",
        )
        _sql(
            cur,
            """INSERT INTO intake_meldcodestep (step, done_on, case_id)
            SELECT 5, opened_on + 20, id FROM cases_case WHERE safety_flag""",
            "meldcode steps",
        )
        n_arr = int(arrangements)
        _sql(
            cur,
            f"""INSERT INTO budget_ledgerentry (household_id, month, kind, amount, source_kind, source_id,
                   booked_at, line_id, provider_id, team_id, volume)
            SELECT c.household_id, x.month, 'actual', 20 + x.d % 50, 'declaration_line', x.d, now(), l.id,
                   a.provider_id, c.team_id, 4
              FROM (SELECT d, 1 + d % {n_arr} AS aid, d / {n_arr} AS k
                      FROM generate_series(0, {int(declarations) - 1}) AS d) AS x0
              JOIN arrangements_arrangement a ON a.id = x0.aid
              CROSS JOIN LATERAL (SELECT x0.d,
                   (date_trunc('month', a.start_date) + ((x0.k % 3) || ' months')::interval)::date AS month) AS x
              JOIN cases_case c ON c.id = a.case_id
              JOIN arrangements_catalogueitem i ON i.id = a.item_id
              JOIN budget_budget b ON b.municipality_id = {muni.pk} AND b.year = extract(year FROM x.month)
              JOIN budget_budgetline l ON l.budget_id = b.id AND l.law = i.law AND l.taakveld = i.taakveld""",
            "declaration lines (ledger actuals)",
        )
    t = time.perf_counter()
    cells = commitment_totals.rebuild(municipality_id=muni.pk)
    print(f"  commitment totals: {cells} cells rebuilt in {time.perf_counter() - t:.1f} s")
    for budget in Budget.objects.filter(municipality=muni):
        t = time.perf_counter()
        services.rollups_rebuild(budget=budget)
        print(f"  budget {budget.year}: summaries rebuilt in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"==> report data generated in {time.perf_counter() - t0:.1f} s")


def _report_once(municipality_id: int) -> float:
    import datetime as dt

    from reports.figures import compute

    t = time.perf_counter()
    compute(
        municipality_id=municipality_id,
        team_id=None,
        period_start=dt.date.fromisoformat(PERIOD[0]),
        period_end=dt.date.fromisoformat(PERIOD[1]),
        using="reporting",
    )
    return time.perf_counter() - t


def _count_pass() -> float:
    from django.db import connections

    t = time.perf_counter()
    with connections["reporting"].cursor() as cur:
        for table in COUNTED_TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            cur.fetchone()
    return time.perf_counter() - t


def _case_list_p95(users, rounds: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from cases.selectors import case_listing_for_user

    times = []
    for _ in range(rounds):
        for u in users:
            t = time.perf_counter()
            listing = case_listing_for_user(user=u)
            list(listing[0:50])
            listing.count()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def loop_reports(municipality_id: int) -> None:
    """The background process: compute reports until killed."""
    while True:
        _report_once(municipality_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--arrangements", type=int, default=250_000)
    parser.add_argument("--declarations", type=int, default=750_000)
    parser.add_argument("--reuse", action="store_true", help="reuse the data when the case count matches")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--loop", type=int, help=argparse.SUPPRESS)  # internal: the background report process
    args = parser.parse_args()

    import case_list

    url = os.environ.get("BENCH_REPORT_DATABASE_URL", DEFAULT_DB)
    case_list._ensure_database(url)
    case_list._setup(url)
    if args.loop:
        loop_reports(args.loop)
        return

    from accounts.models import Municipality, User
    from arrangements.models import Arrangement
    from budget.models import LedgerEntry
    from cases.models import Case

    if not (args.reuse and Case.objects.count() == args.cases and Arrangement.objects.exists()):
        generate(cases=args.cases, arrangements=args.arrangements, declarations=args.declarations)
    muni = Municipality.objects.get(name="Benchgemeente")
    n_arr = Arrangement.objects.count()
    n_decl = LedgerEntry.objects.filter(kind="actual").count()
    print(f"==> {Case.objects.count()} cases, {n_arr} arrangements + {n_decl} declaration lines = {n_arr + n_decl}")

    _report_once(muni.pk)  # warm-up (plans, caches)
    report_s = statistics.median(_report_once(muni.pk) for _ in range(3))
    count_s = statistics.median(_count_pass() for _ in range(3))
    ratio = report_s / count_s
    print(f"(a) quarterly report, all sections      {report_s:8.2f} s")
    print(f"(b) plain COUNT(*) over the same tables {count_s:8.2f} s  ({len(COUNTED_TABLES)} tables)")
    print(f"ratio (a) / (b): {ratio:.1f}")

    users = list(User.objects.filter(username__startswith="bench").exclude(username="bench-expert").order_by("pk"))
    users = users[:: max(1, len(users) // 20)][:20]
    _case_list_p95(users, 2)  # warm-up
    alone_median, alone_p95 = _case_list_p95(users, args.rounds)
    env = os.environ | {"BENCH_REPORT_DATABASE_URL": url}
    worker = subprocess.Popen([sys.executable, __file__, "--loop", str(muni.pk)], env=env)
    try:
        time.sleep(3)  # let the report get going
        beside_median, beside_p95 = _case_list_p95(users, args.rounds)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    p95_ratio = beside_p95 / alone_p95
    print(f"(c) case list alone                     median {alone_median:6.2f} ms  p95 {alone_p95:6.2f} ms")
    print(f"(c) case list beside a running report   median {beside_median:6.2f} ms  p95 {beside_p95:6.2f} ms")
    print(f"ratio p95 beside / alone: {p95_ratio:.2f}")
    ok = report_s < 30 and ratio <= 20 and p95_ratio <= 1.5
    print(
        f"targets (a) < 30 s, (a)/(b) <= 20, case list p95 <= 1.5x: {'all met' if ok else 'NOT met'} "
        f"({report_s:.1f} s, {ratio:.1f}x, {p95_ratio:.2f}x)"
    )


if __name__ == "__main__":
    main()

"""Benchmark: the controller's dashboard against a plain SUM over the ledger.

    .venv/bin/python bench/budget.py [--arrangements 100000] [--declarations 1000000] [--reuse]

Uses its own database (BENCH_BUDGET_DATABASE_URL, default .../sd_budget_bench). Two
municipalities are filled in one run: one with the given numbers of arrangements and
declaration lines, one with 10x fewer. Each arrangement commits 6 months (one ledger
entry per month) on one of 6 lines, 5 teams and 50 providers, for one of N/2 households;
declaration lines are actuals on those arrangements, each on one of 5 catalogue items of
its line with a declared volume. The ledger is written with one
INSERT ... SELECT generate_series, then the summaries are rebuilt from it
(`rollups_rebuild`) and the household figures computed (what the recompute task does).

Measures, interleaved: (a) `budget.selectors.dashboard(...)` — every query the dashboard
page runs, unfiltered; (b) a plain `SUM(amount)` over the same budget's ledger rows; and
prints median/p95 ms, the ratio a/b at each scale and the growth of (a) from the small to
the large municipality. Targets: ratio <= 0.5 at the large scale, growth <= 1.2.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sd_budget_bench"
RUNS = 21


def _ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    base, _, name = url.rpartition("/")
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            print(f"==> creating database {name}")
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialdomain.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(*, name: str, code: str, arrangements: int, declarations: int) -> int:
    """One municipality with its teams, providers, budget and lines; the ledger by SQL."""
    import datetime as dt
    from decimal import Decimal

    from django.db import connection, transaction

    from accounts.models import Municipality, Organisation, Team
    from accounts.services import team_create
    from arrangements.constants import Law, Taakveld
    from arrangements.models import CatalogueItem, Tariff
    from budget import services
    from budget.figures import household_figures_compute
    from budget.models import Budget, BudgetLine, LedgerEntry

    municipality, _ = Municipality.objects.get_or_create(name=name, defaults={"code": code})
    budget, _ = Budget.objects.get_or_create(municipality=municipality, year=2026)
    if LedgerEntry.objects.filter(line__budget=budget).exists():
        return budget.pk
    teams = [
        Team.objects.filter(municipality=municipality, name=f"{name} team {t}").first()
        or team_create(municipality=municipality, name=f"{name} team {t}", kind="wijkteam")
        for t in range(5)
    ]
    providers = [
        Organisation.objects.get_or_create(name=f"{name} aanbieder {p}", defaults={"kind": "zorgaanbieder"})[0]
        for p in range(50)
    ]
    lines = [
        BudgetLine.objects.get_or_create(budget=budget, law=law, taakveld=tv, defaults={"amount": Decimal("5000000")})[
            0
        ]
        for law, tv in [
            (Law.WMO, Taakveld.T6_6),
            (Law.WMO, Taakveld.T6_71),
            (Law.JEUGDWET, Taakveld.T6_72),
            (Law.JEUGDWET, Taakveld.T6_82),
            (Law.PARTICIPATIEWET, Taakveld.T6_5),
            (Law.PARTICIPATIEWET, Taakveld.T6_2),
        ]
    ]
    # Five catalogue items per line (with a tariff), declared on with a volume, so the unit
    # cost per provision has its real share of the work (UnitCostRollup, tariffs).
    items = []
    for line in lines:
        for i in range(5):
            item, created = CatalogueItem.objects.get_or_create(
                municipality=municipality,
                name=f"{name} voorziening {line.taakveld}-{i}",
                defaults={
                    "law": line.law,
                    "kind": "maatwerk",
                    "unit": "hour",
                    "frequency": "week",
                    "taakveld": line.taakveld,
                },
            )
            if created:
                Tariff.objects.create(item=item, amount=Decimal("60.00") + i, valid_from=dt.date(2025, 1, 1))
            items.append(item)
    item_ids = "ARRAY[" + ",".join(str(i.pk) for i in items) + "]"
    line_ids = "ARRAY[" + ",".join(str(line.pk) for line in lines) + "]"
    team_ids = "ARRAY[" + ",".join(str(t.pk) for t in teams) + "]"
    provider_ids = "ARRAY[" + ",".join(str(p.pk) for p in providers) + "]"
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        # Commitments: 6 months per arrangement, starting in month 1..7.
        cur.execute(
            f"""
            INSERT INTO budget_ledgerentry
                (line_id, team_id, provider_id, household_id, month, kind, amount, source_kind, source_id, booked_at)
            SELECT ({line_ids})[1 + a % 6], ({team_ids})[1 + a % 5], ({provider_ids})[1 + a % 50], a / 2,
                   make_date(2026, 1 + a % 7 + m, 1), 'commitment', 100 + (a % 37) * 10, 'arrangement', a,
                   now() - ((a % 120) || ' days')::interval
            FROM generate_series(1, {int(arrangements)}) AS a, generate_series(0, 5) AS m
            """
        )
        # Declaration lines: actuals on those arrangements, in one of their months.
        cur.execute(
            f"""
            INSERT INTO budget_ledgerentry
                (line_id, team_id, provider_id, household_id, month, kind, amount, source_kind, source_id, booked_at,
                 item_id, volume)
            SELECT ({line_ids})[1 + a % 6], ({team_ids})[1 + a % 5], ({provider_ids})[1 + a % 50], a / 2,
                   make_date(2026, 1 + a % 7 + d % 6, 1), 'actual', 20 + (d % 50), 'declaration_line', d, now(),
                   ({item_ids})[1 + (a % 6) * 5 + (a / 6) % 5], 1 + d % 8
            FROM (SELECT d, 1 + d % {int(arrangements)} AS a FROM generate_series(1, {int(declarations)}) AS d) AS x
            """
        )
    cur_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    services.rollups_rebuild(budget=budget)
    household_figures_compute(budget_id=budget.pk)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"  {name}: ledger written in {cur_time:.1f} s, summaries and household figures in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    return budget.pk


def _measure(budget_id: int) -> tuple[list[float], list[float], int, int]:
    from django.db import connection, reset_queries
    from django.db.models import Sum

    from budget.models import Budget, LedgerEntry
    from budget.selectors import DashboardFilters, dashboard

    budget = Budget.objects.get(pk=budget_id)
    dash, plain = [], []
    rows = LedgerEntry.objects.filter(line__budget_id=budget_id).count()
    for run in range(RUNS + 2):
        t0 = time.perf_counter()
        dashboard(budget=budget, filters=DashboardFilters())
        t1 = time.perf_counter()
        LedgerEntry.objects.filter(line__budget_id=budget_id).aggregate(s=Sum("amount"))
        t2 = time.perf_counter()
        if run >= 2:  # warm-up
            dash.append((t1 - t0) * 1000)
            plain.append((t2 - t1) * 1000)
    reset_queries()
    from django.conf import settings

    settings.DEBUG = True
    dashboard(budget=budget, filters=DashboardFilters())
    queries = len(connection.queries)
    settings.DEBUG = False
    return dash, plain, rows, queries


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--arrangements", type=int, default=100_000)
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    args = parser.parse_args()
    url = os.environ.get("BENCH_BUDGET_DATABASE_URL", DEFAULT_DB)
    _ensure_database(url)
    _setup(url)
    if not args.reuse:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE budget_householdfigure, budget_householdspend, budget_inflowrollup, budget_monthlyrollup,"
                " budget_unitcostrollup, budget_ledgerentry RESTART IDENTITY CASCADE"
            )
    print("==> filling")
    small = _fill(name="Klein", code="9001", arrangements=args.arrangements // 10, declarations=args.declarations // 10)
    large = _fill(name="Groot", code="9002", arrangements=args.arrangements, declarations=args.declarations)
    print("==> measuring (median / p95 in ms over", RUNS, "runs)")
    results = {}
    for label, budget_id in (("small", small), ("large", large)):
        dash, plain, rows, queries = _measure(budget_id)
        results[label] = (statistics.median(dash), statistics.median(plain))
        print(
            f"  {label:>5}: {rows:>9} ledger rows | dashboard {statistics.median(dash):7.1f} / {_p95(dash):7.1f}"
            f" ({queries} queries) | plain SUM {statistics.median(plain):7.1f} / {_p95(plain):7.1f}"
            f" | ratio {statistics.median(dash) / statistics.median(plain):.2f}"
        )
    ratio = results["large"][0] / results["large"][1]
    growth = results["large"][0] / results["small"][0]
    verdict = {True: "OK", False: "MISSED"}
    print(f"==> dashboard / plain SUM at the large scale: {ratio:.2f} (target <= 0.5): {verdict[ratio <= 0.5]}")
    print(f"==> dashboard growth small -> large: {growth:.2f}x (target <= 1.2): {verdict[growth <= 1.2]}")


if __name__ == "__main__":
    main()

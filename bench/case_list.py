"""Benchmark: the regisseur's "my cases" list (page 1 + count) against the unfiltered list.

    .venv/bin/python bench/case_list.py [--cases 50000] [--reuse] [--explain]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/sd_bench),
creates and migrates it when missing, and fills it with synthetic cases through
bulk_create: teams of 10 regisseurs, 250 own cases per regisseur (so 20 teams at 50 000
cases, 80 at 200 000), ~10 % of the cases shared with one colleague, ~5 % with a whole
team group; every regisseur sees ~400 cases whatever the total. No audit rows.

Measures, interleaved in one run, for a sample of regisseurs:
  (a) filtered:   case_listing_for_user(user=...)[0:50] + its .count() -- what the page runs
  (b) unfiltered: Case.objects.with_list_data().order_by("-updated_at")[:50] + Case.objects.count()
  (c) the HTML page `cases:list` (25 rows) through django.test.Client (skipped when the URL does not exist)
  (d) for comparison, the previous shape: case_list_for_user(...).order_by("-updated_at")[:50] + .count()
and prints median, p95 (ms), the ratios filtered / unfiltered and whether the target is met.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sd_bench"
USERS_PER_TEAM = 10
OWN_PER_USER = 250
PERSONAL_SHARE = 0.10
TEAM_SHARE = 0.05
BREAK_GLASS = 0.01
BATCH = 5000


def _ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connects to the `postgres` database)."""
    import psycopg2
    from psycopg2 import sql

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
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
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # one INFO line per force_login otherwise
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _wipe() -> None:
    from django.db import connection

    tables = [
        "cases_caseuserobjectpermission",
        "cases_casegroupobjectpermission",
        "cases_regisseurchange",
        "cases_casenote",
        "cases_consent",
        "cases_case",
        "cases_householdmember",
        "cases_networkcontact",
        "cases_household",
        "cases_person",
        "accounts_membership",
        "accounts_team",
        "accounts_user_groups",
        "accounts_user",
        "auth_group",
        "accounts_municipality",
        "audit_auditevent",
    ]
    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")


def generate(n_cases: int) -> None:
    """Bulk-create teams, users, households, persons, cases and direct-FK grants."""
    import datetime

    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.constants import Role, TeamKind
    from accounts.models import Membership, Municipality, Team, User
    from cases.constants import MemberRole
    from cases.models import (
        BreakGlassAccess,
        Case,
        CaseGroupObjectPermission,
        CaseUserObjectPermission,
        Household,
        HouseholdMember,
        Person,
    )
    from socialdomain.authz import permission_id

    rnd = random.Random(42)
    t0 = time.perf_counter()
    n_users = max(USERS_PER_TEAM, round(n_cases / OWN_PER_USER))
    n_teams = max(1, n_users // USERS_PER_TEAM)
    with transaction.atomic():
        _wipe()
        muni = Municipality.objects.create(name="Benchgemeente", code="9999")
        groups = Group.objects.bulk_create([Group(name=f"team:9999:bench-{t}") for t in range(n_teams)])
        teams = Team.objects.bulk_create(
            [
                Team(municipality=muni, name=f"Wijkteam {t}", kind=TeamKind.WIJKTEAM, group=groups[t])
                for t in range(n_teams)
            ]
        )
        users = User.objects.bulk_create(
            [User(username=f"bench{u}", first_name="Regisseur", last_name=str(u)) for u in range(n_users)],
            batch_size=BATCH,
        )
        team_of = {u.pk: teams[i % n_teams] for i, u in enumerate(users)}
        Membership.objects.bulk_create(
            [Membership(user=u, team=team_of[u.pk], role=Role.REGISSEUR) for u in users], batch_size=BATCH
        )
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=team_of[u.pk].group_id) for u in users], batch_size=BATCH
        )
        birth = datetime.date(1980, 1, 1)
        for start in range(0, n_cases, BATCH):
            size = min(BATCH, n_cases - start)
            persons = Person.objects.bulk_create(
                [
                    Person(municipality=muni, first_name="Inwoner", last_name=f"{start + i}", birth_date=birth)
                    for i in range(size)
                ]
            )
            households = Household.objects.bulk_create(
                [Household(municipality=muni, name=f"Gezin {start + i}") for i in range(size)]
            )
            HouseholdMember.objects.bulk_create(
                [
                    HouseholdMember(household=h, person=p, role=MemberRole.PARENT)
                    for h, p in zip(households, persons, strict=True)
                ]
            )
            regs = [users[(start + i) % n_users] for i in range(size)]
            Case.objects.bulk_create(
                [
                    Case(number=f"B-{start + i:08d}", household=h, team=team_of[r.pk], regisseur=r)
                    for i, (h, r) in enumerate(zip(households, regs, strict=True))
                ]
            )
        with connection.cursor() as cur:
            cur.execute("UPDATE cases_case SET updated_at = now() - random() * interval '365 days'")
        view = permission_id(Case, "view_case")
        change = permission_id(Case, "change_case")
        case_ids = list(Case.objects.values_list("id", flat=True))
        user_grants, group_grants = [], []
        for cid in rnd.sample(case_ids, int(len(case_ids) * PERSONAL_SHARE)):
            to = rnd.choice(users)
            user_grants.append(CaseUserObjectPermission(user=to, permission_id=view, content_object_id=cid))
            if rnd.random() < 0.5:
                user_grants.append(CaseUserObjectPermission(user=to, permission_id=change, content_object_id=cid))
        for cid in rnd.sample(case_ids, int(len(case_ids) * TEAM_SHARE)):
            group_grants.append(
                CaseGroupObjectPermission(group=rnd.choice(groups), permission_id=view, content_object_id=cid)
            )
        # Break-glass: ~1 % of the cases opened by someone in an emergency, half of those
        # accesses expired but not yet tidied up by the beat task (their grants still there):
        # the permission check must drop them itself (`permissions._lapsed_break_glass_case_ids`).
        now = timezone.now()
        accesses = []
        for k, cid in enumerate(rnd.sample(case_ids, int(len(case_ids) * BREAK_GLASS))):
            to = rnd.choice(users)
            for perm in (view, change):
                user_grants.append(CaseUserObjectPermission(user=to, permission_id=perm, content_object_id=cid))
            expires = now + datetime.timedelta(hours=-1 if k % 2 else 8)
            accesses.append(BreakGlassAccess(case_id=cid, user=to, reason="bench", expires_at=expires))
        CaseUserObjectPermission.objects.bulk_create(user_grants, batch_size=BATCH, ignore_conflicts=True)
        CaseGroupObjectPermission.objects.bulk_create(group_grants, batch_size=BATCH, ignore_conflicts=True)
        BreakGlassAccess.objects.bulk_create(accesses, batch_size=BATCH)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(
        f"==> generated {n_cases} cases, {n_teams} teams, {n_users} regisseurs, "
        f"{len(user_grants)} user grants, {len(group_grants)} group grants in {time.perf_counter() - t0:.1f} s"
    )


def _ms(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[18]


def explain(user) -> None:  # type: ignore[no-untyped-def]
    """EXPLAIN ANALYZE the exact SQL the page runs (captured, so it is what Django sends)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.selectors import case_listing_for_user

    listing = case_listing_for_user(user=user)
    with CaptureQueriesContext(connection) as ctx:
        listing[0:50]
        listing.count()
    for label, q in zip(["page", "count"], ctx.captured_queries[-2:], strict=True):
        print(f"--- {label}: {q['sql']}")
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF, SUMMARY) " + q["sql"])
            print("\n".join(r[0] for r in cur.fetchall()))


def measure(rounds: int, sample: int) -> None:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from cases.models import Case
    from cases.selectors import case_list_for_user, case_listing_for_user

    users = list(User.objects.filter(username__startswith="bench").order_by("?")[:sample])
    try:
        url = reverse("cases:list")
    except NoReverseMatch:
        url = None
        print("==> (c) skipped: the URL 'cases:list' does not exist in this branch (it comes with cases-ui)")
    clients = {}
    if url:
        for u in users:
            clients[u.pk] = Client()
            clients[u.pk].force_login(u)

    def filtered(u):  # type: ignore[no-untyped-def]
        listing = case_listing_for_user(user=u)
        rows = listing[0:50]
        return rows, listing.count()

    def previous(u):  # type: ignore[no-untyped-def]
        qs = case_list_for_user(user=u)
        rows = list(qs.order_by("-updated_at")[:50])
        return rows, qs.count()

    def unfiltered():  # type: ignore[no-untyped-def]
        rows = list(Case.objects.with_list_data().order_by("-updated_at")[:50])
        return rows, Case.objects.count()

    def page(u):  # type: ignore[no-untyped-def]
        resp = clients[u.pk].get(url)
        assert resp.status_code == 200, resp.status_code

    # Warm-up: caches (permission ids, connection, plans) and the sanity check.
    for u in users:
        rows, count = filtered(u)
        assert len(rows) == 50 and 300 < count < 600, (len(rows), count)
        old_rows, old_count = previous(u)
        assert [r.pk for r in old_rows] == [r.pk for r in rows] and old_count == count  # same answer
        unfiltered()
        if url:
            page(u)
    a: list[float] = []
    b: list[float] = []
    c: list[float] = []
    d: list[float] = []
    for _ in range(rounds):
        for u in users:
            a.append(_ms(lambda u=u: filtered(u)))
            b.append(_ms(unfiltered))
            if url:
                c.append(_ms(lambda u=u: page(u)))
            d.append(_ms(lambda u=u: previous(u)))
    counts = [case_listing_for_user(user=u).count() for u in users]
    print(
        f"==> {Case.objects.count()} cases; {len(users)} regisseurs × {rounds} rounds; visible per user: "
        f"min {min(counts)} median {statistics.median(counts):.0f} max {max(counts)}"
    )
    print(f"{'measurement':<44} {'median':>9} {'p95':>9}")
    for label, xs in [
        ("(a) my cases: page 1 + count (filtered)", a),
        ("(b) page 1 + count, no permission filter", b),
        ("(c) HTML page cases:list (whole request)", c),
        ("(d) previous shape (queryset + .count())", d),
    ]:
        if xs:
            print(f"{label:<44} {statistics.median(xs):>7.2f}ms {_p95(xs):>7.2f}ms")
    ratio_median = statistics.median(a) / statistics.median(b)
    ratio_p95 = _p95(a) / _p95(b)
    print(f"ratio (a) / (b): median {ratio_median:.2f}, p95 {ratio_p95:.2f}")
    print(f"ratio (d) / (b): median {statistics.median(d) / statistics.median(b):.2f}, p95 {_p95(d) / _p95(b):.2f}")
    ok = _p95(a) <= 50 and ratio_median <= 1.5 and ratio_p95 <= 1.5
    print(
        f"target (a) p95 ≤ 50 ms and ratio ≤ 1.5 (median and p95): {'target met' if ok else 'NOT met'} "
        f"(p95 {_p95(a):.1f} ms, ratio {ratio_median:.2f} / {ratio_p95:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="reuse the data when the case count matches")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sample", type=int, default=20, help="number of regisseurs measured")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the filtered queries")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    _ensure_database(url)
    _setup(url)
    from accounts.models import User
    from cases.models import Case

    if args.reuse and Case.objects.count() == args.cases:
        print(f"==> reusing {args.cases} cases in {url.rpartition('/')[2]}")
    else:
        generate(args.cases)
    if args.explain:
        explain(User.objects.filter(username__startswith="bench").order_by("pk").first())
    measure(args.rounds, args.sample)


if __name__ == "__main__":
    main()

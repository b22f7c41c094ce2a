"""Benchmark: declaration lines booked per second through POST /api/v1/declarations.

    .venv/bin/python bench/api_declarations.py [--allocations 1000] [--batch 1000] [--batches 10]

Uses its own database (BENCH_API_DECL_DATABASE_URL, default .../sd_apidecl_bench), migrated
fresh. One provider with an API client holds `--allocations` started allocations (10 per
case, so 1/10 as many households) of a € 60.00/hour item, 10 hours a week through 2026.
Each batch declares one hour per line on `--batch` different allocations in one month
(the months rotate), through the real stack in-process: Django's test client with a bearer
token → OAuth2 authentication, scopes, throttle, Idempotency-Key, parsing, validation
against the allocations, tariffs and earlier volumes, the lines and the ledger entries
with their rollups and household cells, the audit events, the JSON answer.

Prints lines/s over all batches (median batch too) and checks that every line was
accepted and booked: target ≥ 2 000 lines/s on the 2-core machine (docs/performance.md).
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sd_apidecl_bench"


def _ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    base, _, name = url.rpartition("/")
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialdomain.settings.test"
    os.environ.setdefault("API_THROTTLE_CLIENT", "100000/minute")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(allocations: int):  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from accounts.constants import Role
    from arrangements.constants import ArrangementStatus, Frequency, Unit
    from arrangements.models import Arrangement
    from partners.constants import Scope
    from partners.services import api_client_create
    from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
    from tests.arrangements.factories import item_create
    from tests.cases.factories import CaseFactory

    team = TeamFactory()
    regisseur = UserFactory()
    MembershipFactory(user=regisseur, team=team, role=Role.REGISSEUR)
    provider = OrganisationFactory()
    provider.municipalities.add(team.municipality)
    item = item_create(team.municipality, providers=[provider])
    cases = [CaseFactory(team=team, regisseur=regisseur) for _ in range(max(allocations // 10, 1))]
    now = timezone.now()
    rows = []
    for n in range(allocations):
        case = cases[n % len(cases)]
        rows.append(
            Arrangement(
                case=case,
                member=case.household.members.first(),
                item=item,
                provider=provider,
                volume=Decimal("10"),
                unit=Unit.HOUR,
                frequency=Frequency.PER_WEEK,
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 12, 31),
                status=ArrangementStatus.STARTED,
                allocated_at=now,
                requested_by=regisseur,
                granted_by=regisseur,
                granted_at=now,
            )
        )
    Arrangement.objects.bulk_create(rows, batch_size=2000)
    client, secret = api_client_create(
        actor=None,
        name="bench",
        organisation=provider,
        municipality=team.municipality,
        scopes=[Scope.DECLARATIONS_WRITE],
    )
    ids = [str(u) for u in Arrangement.objects.filter(provider=provider).values_list("uuid", flat=True)]
    return client.application.client_id, secret, ids


def _token(http, client_id: str, secret: str) -> str:  # type: ignore[no-untyped-def]
    import base64

    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = http.post(
        "/api/v1/oauth/token", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--allocations", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=10)
    args = parser.parse_args()
    url = os.environ.get("BENCH_API_DECL_DATABASE_URL", DEFAULT_DB)
    _ensure_database(url)
    _setup(url)

    import calendar

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # outside pytest, as pytest-django does

    from budget.models import LedgerEntry
    from partners.declarations import SOURCE_KIND

    t0 = time.perf_counter()
    client_id, secret, ids = _fill(args.allocations)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"==> {len(ids)} allocations in {time.perf_counter() - t0:.1f} s")
    http = Client()
    auth = f"Bearer {_token(http, client_id, secret)}"

    def batch(number: int) -> dict:  # type: ignore[type-arg]
        month = 1 + number % 12
        last = calendar.monthrange(2026, month)[1]
        lines = [
            {
                "allocationId": ids[(number * args.batch + i) % len(ids)],
                "reference": f"B{number}-{i}",
                "periodStart": f"2026-{month:02d}-01",
                "periodEnd": f"2026-{month:02d}-{last:02d}",
                "productCode": "",
                "volume": "1.00",
                "amount": "60.00",
            }
            for i in range(args.batch)
        ]
        return {"lines": lines}

    # Warm-up (the budget year and line are created by the first booking).
    http.post(
        "/api/v1/declarations",
        batch(999),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    durations = []
    accepted = 0
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    for number in range(args.batches):
        body = batch(number)
        start = time.perf_counter()
        response = http.post(
            "/api/v1/declarations",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        durations.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:500]
        accepted += response.json()["linesAccepted"]
    if os.environ.get("BENCH_QUERIES"):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            http.post(
                "/api/v1/declarations",
                batch(args.batches + 1),
                content_type="application/json",
                HTTP_AUTHORIZATION=auth,
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:8]:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(40)
    total_lines = args.batch * args.batches
    assert accepted == total_lines, f"only {accepted} of {total_lines} lines accepted"
    booked = LedgerEntry.objects.filter(source_kind=SOURCE_KIND).count()
    assert booked >= total_lines + args.batch, booked
    rate = total_lines / sum(durations)
    median = args.batch / statistics.median(durations)
    print(
        f"==> {total_lines} lines in {args.batches} batches of {args.batch}: {rate:,.0f} lines/s "
        f"(median batch {statistics.median(durations) * 1000:.0f} ms = {median:,.0f} lines/s); target >= 2,000; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()

"""Benchmark: the partner API's allocation list against the same ORM query without the API.

    .venv/bin/python bench/api.py [--allocations 100000] [--providers 50] [--reuse]

Uses its own database (BENCH_API_DATABASE_URL, default .../sd_api_bench). One
municipality, 10 000 households (one case and one member each) and `--allocations`
allocated arrangements spread round-robin over `--providers` providers (2 000 each at the
defaults), written with bulk_create. One provider gets an API client and a token.

Measures, interleaved, for that provider: (a) `GET /api/v1/allocations?pageSize=50`, the
whole request through the middleware, OAuth token check, throttle, serialisation and the
access-log INSERT (Django test client, in process, no network); (b) the same page as a
plain ORM query: `partners.selectors.allocations_for_client(...)` ordered by id, 50 rows,
with its prefetches, no API layer. Prints median/p95 ms and the ratio a/b; targets: a/b
<= 2 for the median and the p95, and p95(a) <= 50 ms.

(The declarations batch endpoint's lines per second are measured by the declarations
part of issue 14; see docs/performance.md.)
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sd_api_bench"
RUNS = 40
HOUSEHOLDS = 10_000


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
    os.environ.setdefault("API_THROTTLE_CLIENT", "1000000/minute")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def _fill(*, allocations: int, providers: int) -> int:
    """Returns the pk of the measured provider's organisation."""
    import datetime as dt
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.constants import Role
    from accounts.models import Membership, Municipality, Organisation, User
    from accounts.services import team_create
    from arrangements.constants import ArrangementStatus, Frequency, Law, ProvisionKind, Taakveld, Unit
    from arrangements.models import Arrangement, CatalogueItem, Tariff
    from cases.models import Case, Household, HouseholdMember, Person

    municipality, _ = Municipality.objects.get_or_create(name="Benchstad", defaults={"code": "9990"})
    orgs = [
        Organisation.objects.get_or_create(name=f"Bench aanbieder {p}", defaults={"kind": "zorgaanbieder"})[0]
        for p in range(providers)
    ]
    for org in orgs:
        org.municipalities.add(municipality)
    if Arrangement.objects.filter(item__municipality=municipality).exists():
        return orgs[0].pk
    t0 = time.perf_counter()
    team = team_create(municipality=municipality, name="Bench wijkteam", kind="wijkteam")
    regisseur = User.objects.create(username="bench-regisseur")
    Membership.objects.create(user=regisseur, team=team, role=Role.REGISSEUR)
    item = CatalogueItem.objects.create(
        municipality=municipality,
        name="Begeleiding individueel",
        law=Law.WMO,
        kind=ProvisionKind.MAATWERK,
        unit=Unit.HOUR,
        frequency=Frequency.PER_WEEK,
        taakveld=Taakveld.T6_6,
        product_category="02",
        product_code="02A01",
    )
    Tariff.objects.create(item=item, amount=Decimal("60.00"), valid_from=dt.date(2020, 1, 1))
    with transaction.atomic():
        persons = Person.objects.bulk_create(
            [
                Person(
                    municipality=municipality, first_name="P", last_name=f"Bench {i}", birth_date=dt.date(1980, 1, 1)
                )
                for i in range(HOUSEHOLDS)
            ],
            batch_size=2000,
        )
        households = Household.objects.bulk_create(
            [Household(municipality=municipality, name=f"Gezin {i}") for i in range(HOUSEHOLDS)], batch_size=2000
        )
        members = HouseholdMember.objects.bulk_create(
            [HouseholdMember(household=h, person=p, role="parent") for h, p in zip(households, persons, strict=True)],
            batch_size=2000,
        )
        cases = Case.objects.bulk_create(
            [Case(number=f"B-{i:06d}", household=h, team=team, regisseur=regisseur) for i, h in enumerate(households)],
            batch_size=2000,
        )
        today = timezone.localdate()
        now = timezone.now()
        batch: list[Arrangement] = []
        for a in range(allocations):
            case, member = cases[a % HOUSEHOLDS], members[a % HOUSEHOLDS]
            batch.append(
                Arrangement(
                    case=case,
                    member=member,
                    item=item,
                    provider=orgs[a % providers],
                    volume=Decimal("2"),
                    unit=Unit.HOUR,
                    frequency=Frequency.PER_WEEK,
                    start_date=today - dt.timedelta(days=a % 60),
                    end_date=today + dt.timedelta(days=90),
                    delivery_form="zin",
                    status=ArrangementStatus.ALLOCATED,
                    allocated_at=now,
                    requested_by=regisseur,
                    granted_by=regisseur,
                    granted_at=now,
                    cost_total=Decimal("1440.00"),
                )
            )
            if len(batch) == 5000:
                Arrangement.objects.bulk_create(batch)
                batch = []
        if batch:
            Arrangement.objects.bulk_create(batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"  filled {allocations} allocations over {providers} providers in {time.perf_counter() - t0:.1f} s")
    return orgs[0].pk


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--allocations", type=int, default=100_000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    args = parser.parse_args()
    url = os.environ.get("BENCH_API_DATABASE_URL", DEFAULT_DB)
    _ensure_database(url)
    _setup(url)
    from django.core.management import call_command

    if not args.reuse:
        call_command("flush", interactive=False, verbosity=0)
    org_pk = _fill(allocations=args.allocations, providers=args.providers)

    from django.test import Client

    from accounts.models import Organisation
    from arrangements.models import Arrangement
    from partners.constants import Scope
    from partners.models import ApiClient
    from partners.selectors import allocations_for_client
    from partners.services import api_client_create

    org = Organisation.objects.get(pk=org_pk)
    municipality = org.municipalities.get(name="Benchstad")
    client = ApiClient.objects.filter(organisation=org, revoked_at__isnull=True).first()
    secret = "bench-secret"
    if client is None:
        client, _ = api_client_create(
            actor=None,
            name="bench",
            organisation=org,
            municipality=municipality,
            scopes=[s.value for s in Scope],
            client_id="bench-client",
            client_secret=secret,
        )
    http = Client()
    token = http.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials", "client_id": "bench-client", "client_secret": secret},
    ).json()["access_token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    visible = allocations_for_client(client=client).count()
    total = Arrangement.objects.count()
    print(f"==> provider {org.name}: {visible} of {total} allocations visible")

    api_ms, orm_ms = [], []
    for run in range(RUNS + 3):
        t0 = time.perf_counter()
        response = http.get("/api/v1/allocations", {"pageSize": 50}, **auth)
        t1 = time.perf_counter()
        rows = list(allocations_for_client(client=client).order_by("id")[:50])
        t2 = time.perf_counter()
        assert response.status_code == 200, response.content
        assert [r["id"] for r in response.json()["results"]] == [str(r.uuid) for r in rows]
        if run >= 3:  # warm-up
            api_ms.append((t1 - t0) * 1000)
            orm_ms.append((t2 - t1) * 1000)
    a50, a95 = statistics.median(api_ms), _p95(api_ms)
    o50, o95 = statistics.median(orm_ms), _p95(orm_ms)
    print(f"{'':28}{'median':>10}{'p95':>10}")
    print(f"{'(a) API GET /allocations':28}{a50:>9.1f} {a95:>9.1f}  ms")
    print(f"{'(b) ORM, same page':28}{o50:>9.1f} {o95:>9.1f}  ms")
    print(f"{'ratio a/b':28}{a50 / o50:>9.2f} {a95 / o95:>9.2f}")
    met = a50 / o50 <= 2 and a95 / o95 <= 2 and a95 <= 50
    print("target (a/b <= 2 median and p95, p95(a) <= 50 ms):", "met" if met else "NOT met")


if __name__ == "__main__":
    main()

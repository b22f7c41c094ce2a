"""Demo budgets: both municipalities' single budget for the current year with a year's
history, so the controller's dashboards are alive on first run (idempotent).

The history is booked as ledger entries of kind commitment and actual with source
"demo" and anonymous household keys (no persons behind them), then the summaries are
rebuilt from the ledger. Lochem's youth line (Jeugdwet 6.72) is set to overrun.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.constants import OrganisationKind
from accounts.models import Municipality, Organisation, Team
from arrangements.constants import Law, ProvisionKind, Taakveld, Unit
from arrangements.models import CatalogueItem

from . import services
from .alerts import budget_check_overruns
from .figures import household_figures_compute
from .models import Budget, BudgetLine, LedgerEntry, TeamCeiling

PROVIDERS = [
    ("Jeugdhulp Achterhoek", "Lochem", "Zutphen"),
    ("Thuiszorg IJsselstreek", "Lochem", "Zutphen"),
    ("Werkbedrijf Graafschap", "Lochem", "Zutphen"),
    ("Zorgaanbieder De Berkel", "Lochem", "Zutphen"),
]

# law, taakveld, Lochem amount, Zutphen amount, earmarked, yearly spend factor
LINES = [
    (Law.WMO, Taakveld.T6_6, "2400000", "3900000", False, Decimal("0.92")),
    (Law.WMO, Taakveld.T6_71, "1100000", "1700000", False, Decimal("0.85")),
    (Law.JEUGDWET, Taakveld.T6_72, "3000000", "4600000", False, Decimal("1.09")),
    (Law.JEUGDWET, Taakveld.T6_82, "800000", "1300000", True, Decimal("0.80")),
    (Law.PARTICIPATIEWET, Taakveld.T6_5, "900000", "1500000", False, Decimal("0.88")),
    (Law.PARTICIPATIEWET, Taakveld.T6_2, "1200000", "1800000", False, Decimal("0.95")),
]

HOUSEHOLDS_PER_LINE = 60
# Realised price per unit against the tariff, per provider (in the order of PROVIDERS).
PRICE_DEVIATION = [Decimal("0.98"), Decimal("1.00"), Decimal("1.035"), Decimal("1.07")]
# At most this many provisions per line, so each stands for enough households to be shown.
PROVISIONS_PER_LINE = 3


def _provisions(*, municipality: Municipality, year: int) -> dict[tuple[str, str], list[tuple[CatalogueItem, Decimal]]]:
    """Per (law, taakveld): catalogue items declared in units (not euros), with the tariff
    in force in the middle of the year. Ensures the demo catalogue (idempotent), which the
    arrangements demo otherwise seeds after the budget."""
    from arrangements import demo as arrangements_demo

    arrangements_demo._catalogue(municipality, arrangements_demo._providers())
    mid = dt.date(year, 7, 1)
    found: dict[tuple[str, str], list[tuple[CatalogueItem, Decimal]]] = {}
    items = (
        CatalogueItem.objects.filter(municipality=municipality, kind=ProvisionKind.MAATWERK, active=True)
        .exclude(unit=Unit.EURO)
        .prefetch_related("tariffs")
        .order_by("name")
    )
    for item in items:
        tariff = next(
            (
                t.amount
                for t in item.tariffs.all()
                if t.valid_from <= mid and (t.valid_until is None or t.valid_until >= mid)
            ),
            None,
        )
        cell = found.setdefault((item.law, item.taakveld), [])
        if tariff is not None and len(cell) < PROVISIONS_PER_LINE:
            cell.append((item, tariff))
    return found


@transaction.atomic
def seed() -> None:
    year = timezone.localdate().year
    for name in ("Lochem", "Zutphen"):
        municipality = Municipality.objects.filter(name=name).first()
        if municipality is None:
            continue
        _seed_municipality(municipality=municipality, year=year)


def _providers(municipality: Municipality) -> list[Organisation]:
    found = []
    for name, *mnames in PROVIDERS:
        org, _created = Organisation.objects.get_or_create(name=name, defaults={"kind": OrganisationKind.ZORGAANBIEDER})
        if municipality.name in mnames:
            org.municipalities.add(municipality)
            found.append(org)
    return found


def _seed_municipality(*, municipality: Municipality, year: int) -> None:
    budget, _created = Budget.objects.get_or_create(
        municipality=municipality, year=year, defaults={"household_contribution_cap": Decimal("228.00")}
    )
    lines = []
    for law, taakveld, lochem, zutphen, earmarked, factor in LINES:
        amount = Decimal(lochem if municipality.name == "Lochem" else zutphen)
        line, _ = BudgetLine.objects.update_or_create(
            budget=budget,
            law=law,
            taakveld=taakveld,
            defaults={"amount": amount, "earmarked": earmarked, "unbudgeted": False},
        )
        lines.append((line, factor))
    teams = list(Team.objects.filter(municipality=municipality, kind__in=["wijkteam", "cjg"]).order_by("name"))
    if LedgerEntry.objects.filter(line__budget=budget, source_kind="demo").exists():
        return
    providers = _providers(municipality)
    provisions = _provisions(municipality=municipality, year=year)
    rng = random.Random(f"{municipality.code}-{year}")
    last_month = timezone.localdate().month if year == timezone.localdate().year else 12
    entries = []
    source = 0
    for line_no, (line, factor) in enumerate(lines):
        # Pareto-like: a fifth of the households accounts for most of the money.
        weights = [rng.paretovariate(1.16) for _ in range(HOUSEHOLDS_PER_LINE)]
        total_weight = sum(weights)
        yearly = line.amount * factor
        for n, weight in enumerate(weights):
            household_key = 90_000_000 + line_no * 1000 + n  # anonymous, no person behind it
            share = (yearly * Decimal(weight / total_weight)).quantize(Decimal("0.01"))
            monthly = (share / 12).quantize(Decimal("0.01"))
            team: Team | None = teams[n % len(teams)] if teams else None
            provider: Organisation | None = providers[n % len(providers)] if providers else None
            # The provision declared on, and what the provider realises per unit against
            # its tariff (some below, some above), so the unit-cost section is alive.
            candidates = provisions.get((line.law, line.taakveld), [])
            item, tariff = candidates[n % len(candidates)] if candidates else (None, None)
            price = tariff * PRICE_DEVIATION[n % len(providers or [None]) % len(PRICE_DEVIATION)] if tariff else None
            source += 1
            for m in range(1, 13):
                month = dt.date(year, m, 1)
                common = {
                    "line": line,
                    "team": team,
                    "provider": provider,
                    "household_id": household_key,
                    "month": month,
                    "source_kind": "demo",
                    "source_id": source,
                }
                entries.append(LedgerEntry(kind="commitment", amount=monthly, **common))
                if m < last_month:
                    realised = (monthly * Decimal(rng.uniform(0.9, 1.1))).quantize(Decimal("0.01"))
                    volume = (realised / price).quantize(Decimal("0.01")) if price else None
                    entries.append(
                        LedgerEntry(kind="actual", amount=realised, item=item, volume=volume or None, **common)
                    )
            if line.law == Law.WMO and n % 3 == 0:
                # Eigen bijdrage for Wmo households (capped per household per year by the budget).
                for m in range(1, last_month):
                    entries.append(
                        LedgerEntry(
                            line=line,
                            household_id=household_key,
                            month=dt.date(year, m, 1),
                            kind="income",
                            amount=Decimal("19.00"),
                            source_kind="demo",
                            source_id=source,
                        )
                    )
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    services.rollups_rebuild(budget=budget)
    # Ceilings with some room above each team's history (the demo's grants still fit).
    for ceiling_team in teams:
        committed = services.team_committed(budget=budget, team_id=ceiling_team.pk)
        amount = (committed * Decimal("1.15") / 1000).quantize(Decimal("1")) * 1000 + Decimal("250000")
        TeamCeiling.objects.get_or_create(budget=budget, team=ceiling_team, defaults={"amount": amount})
    budget_check_overruns(budget_id=budget.pk)
    household_figures_compute(budget_id=budget.pk)

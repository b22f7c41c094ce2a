"""Unit cost realised per provision against its tariff: from the unit-cost rollup, to the
cent, suppressed for small counts, in the exports, constant in the number of declarations."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.constants import Role
from arrangements.models import Tariff
from budget import services
from budget.figures import household_figures_compute
from budget.models import LedgerEntry, UnitCostRollup
from budget.selectors import DashboardFilters, unit_costs
from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.arrangements.factories import item_create
from tests.budget.factories import BudgetFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def books():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality, year=2026)
    BudgetLineFactory(budget=budget, amount=D("100000.00"))
    provider = OrganisationFactory()
    # The tariff goes from € 60,00 to € 66,00 on 1 April 2026.
    item = item_create(team.municipality, name="Jeugdhulp ambulant", law="jeugdwet", taakveld="6.72")
    Tariff.objects.filter(item=item).update(valid_until=dt.date(2026, 3, 31))
    Tariff.objects.create(item=item, amount=D("66.00"), valid_from=dt.date(2026, 4, 1))
    return team, budget, provider, item


_sources = iter(range(1, 1_000_000))


def _declare(team, item, provider, *, month, amount, volume, household_id, correction=False):
    return services.actual_book(
        municipality=team.municipality,
        team=team,
        provider_id=provider.pk,
        household_id=household_id,
        law="jeugdwet",
        taakveld="6.72",
        month=dt.date(2026, month, 1),
        amount=D(amount),
        source_kind="declaration_line",
        source_id=next(_sources),
        actor=None,
        correction=correction,
        volume=D(volume) if volume is not None else None,
        item_id=item.pk if item else None,
    )


def _row(budget, *, minimum=1, filters=None):
    household_figures_compute(budget_id=budget.pk)
    return unit_costs(budget=budget, filters=filters or DashboardFilters(), minimum=minimum)


def test_unit_cost_against_the_tariff_in_force_per_month_to_the_cent(books):
    team, budget, provider, item = books
    _declare(team, item, provider, month=3, amount="1234.56", volume="20", household_id=1)  # tariff 60,00
    _declare(team, item, provider, month=4, amount="2000.00", volume="30", household_id=2)  # tariff 66,00
    [row] = _row(budget)
    assert (row.realised, row.volume, row.expected) == (D("3234.56"), D("50.00"), D("3180.00"))
    assert row.unit_cost == D("64.69")  # 3234,56 / 50 = 64,6912
    assert row.tariff == D("63.60")  # (20 x 60 + 30 x 66) / 50
    assert row.difference == D("1.09") and row.difference_pct == D("1.7")
    # A credit of part of April's declaration (4 units) takes amount and volume back.
    _declare(team, item, provider, month=4, amount="-234.56", volume="-4", household_id=2, correction=True)
    [row] = _row(budget)
    assert (row.realised, row.volume, row.expected) == (D("3000.00"), D("46.00"), D("2916.00"))
    assert row.unit_cost == D("65.22")  # 3000 / 46 = 65,2173…
    assert row.tariff == D("63.39")  # 2916 / 46 = 63,3913…
    assert row.difference == D("1.83") and row.difference_pct == D("2.9")


def test_declarations_without_item_or_volume_stay_out_of_the_unit_cost(books):
    team, budget, provider, item = books
    _declare(team, item, provider, month=5, amount="660.00", volume="10", household_id=1)
    _declare(team, item, provider, month=5, amount="999.99", volume=None, household_id=1)
    _declare(team, None, provider, month=5, amount="500.00", volume="3", household_id=1)
    [row] = _row(budget)
    assert (row.realised, row.volume, row.unit_cost, row.tariff, row.difference) == (
        D("660.00"),
        D("10.00"),
        D("66.00"),
        D("66.00"),
        D("0.00"),
    )
    assert LedgerEntry.objects.count() == 3  # all three are realised spending all the same


def test_a_zero_or_invalid_volume_is_refused_in_dutch_and_nothing_is_booked(books):
    team, _budget, provider, item = books
    for bad in ("0", "-2", "NaN"):
        with pytest.raises(ValidationError) as exc:
            _declare(team, item, provider, month=5, amount="10.00", volume=bad, household_id=1)
        assert "eenheden" in str(exc.value)
    other = item_create(TeamFactory().municipality, name="Elders")
    with pytest.raises(ValidationError):
        _declare(team, other, provider, month=5, amount="10.00", volume="1", household_id=1)
    assert not LedgerEntry.objects.exists() and not UnitCostRollup.objects.exists()


def test_filters_by_team_and_provider_and_suppression_of_small_counts(books):
    team, budget, provider, item = books
    other_provider = OrganisationFactory()
    small = item_create(team.municipality, name="Pleegzorg", law="jeugdwet", taakveld="6.72")
    for n in range(12):
        _declare(team, item, provider, month=5, amount="66.00", volume="1", household_id=100 + n)
    for n in range(3):
        _declare(team, small, other_provider, month=5, amount="60.00", volume="1", household_id=200 + n)
    rows = {r.label: r for r in _row(budget, minimum=10)}
    assert rows["Pleegzorg"].suppressed  # 3 households
    assert rows["Jeugdhulp ambulant"].suppressed  # the only other row: secondary suppression
    only = _row(budget, minimum=10, filters=DashboardFilters(provider_id=provider.pk))
    assert [(r.label, r.suppressed, r.realised) for r in only] == [("Jeugdhulp ambulant", False, D("792.00"))]
    assert _row(budget, filters=DashboardFilters(team_id=TeamFactory(municipality=team.municipality).pk)) == []


def _controller(team):
    user = UserFactory()
    MembershipFactory(user=user, team=team, role=Role.CONTROLLER)
    return user


def test_the_dashboard_and_the_exports_show_the_unit_cost(client, books, settings):
    settings.DISCLOSURE_MINIMUM = 1
    team, budget, provider, item = books
    _declare(team, item, provider, month=3, amount="1234.56", volume="20", household_id=1)
    _declare(team, item, provider, month=4, amount="2000.00", volume="30", household_id=2)
    household_figures_compute(budget_id=budget.pk)
    client.force_login(_controller(team))
    html = client.get(f"/budget/{budget.uuid}/").content.decode()
    assert "Kostprijs per eenheid" in html and "budget-unit-cost-data" in html
    assert "€\u00a064,69" in html and "€\u00a063,60" in html and "+€\u00a01,09 (1,7 %)" in html
    workbook = load_workbook(io.BytesIO(client.get(f"/budget/{budget.uuid}/export.xlsx").content))
    [header, values] = [[c.value for c in row] for row in workbook["Kostprijs per eenheid"].iter_rows()]
    assert header[0] == "Voorziening" and values[0] == "Jeugdhulp ambulant"
    assert [D(str(v)) for v in values[3:8]] == [D("3234.56"), D("50.00"), D("64.69"), D("63.60"), D("1.09")]
    text = client.get(f"/budget/{budget.uuid}/kostprijs-per-eenheid.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ","))
    assert rows[1][0] == "Jeugdhulp ambulant" and "64" in rows[1][5]


def test_the_unit_cost_costs_the_same_queries_for_few_and_many_declarations(client, books):
    team, budget, provider, item = books
    _declare(team, item, provider, month=3, amount="60.00", volume="1", household_id=1)
    client.force_login(_controller(team))
    client.get(f"/budget/{budget.uuid}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/budget/{budget.uuid}/")
    for n in range(30):
        extra = item_create(team.municipality, name=f"Voorziening {n}", law="jeugdwet", taakveld="6.72")
        _declare(team, extra, OrganisationFactory(), month=1 + n % 12, amount="66.00", volume="1", household_id=n)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/budget/{budget.uuid}/")
    assert len(many) == len(few)

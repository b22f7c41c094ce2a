"""Municipality staff keep their own municipality's books in the admin, and nothing else."""

from decimal import Decimal

import pytest

from accounts.constants import Role
from accounts.demo import functional_admin_group
from budget.constants import BudgetStatus
from budget.models import Budget, LedgerEntry
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory
from tests.budget.factories import BudgetFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    team = TeamFactory()
    user = UserFactory(is_staff=True)
    user.groups.add(functional_admin_group())
    MembershipFactory(user=user, team=team, role=Role.STAFF)
    return user, team


def test_staff_see_only_their_own_municipalitys_budgets(client, staff):
    user, team = staff
    own = BudgetFactory(municipality=team.municipality)
    foreign = BudgetFactory(municipality=TeamFactory().municipality)
    client.force_login(user)
    listing = client.get("/beheer/budget/budget/").content.decode()
    assert f"/beheer/budget/budget/{own.pk}/change/" in listing
    assert f"/beheer/budget/budget/{foreign.pk}/change/" not in listing
    foreign_page = client.get(f"/beheer/budget/budget/{foreign.pk}/change/")
    missing_page = client.get("/beheer/budget/budget/999999/change/")
    assert foreign_page.status_code == missing_page.status_code == 404


def test_closing_a_year_in_the_admin_makes_it_read_only(client, staff):
    user, team = staff
    budget = BudgetFactory(municipality=team.municipality)
    client.force_login(user)
    response = client.post(
        "/beheer/budget/budget/", {"action": "close_year", "_selected_action": [budget.pk]}, follow=True
    )
    assert response.status_code == 200
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.CLOSED


def test_opening_the_next_year_copies_lines_and_ceilings(client, staff):
    user, team = staff
    budget = BudgetFactory(municipality=team.municipality, year=2026)
    BudgetLineFactory(budget=budget, amount=Decimal("123.00"), earmarked=True)
    client.force_login(user)
    client.post("/beheer/budget/budget/", {"action": "open_next_year", "_selected_action": [budget.pk]})
    nxt = Budget.objects.get(municipality=team.municipality, year=2027)
    line = nxt.lines.get()
    assert line.amount == Decimal("123.00") and line.earmarked


def test_staff_enter_an_actual_which_is_booked_through_the_ledger(client, staff):
    user, team = staff
    BudgetFactory(municipality=team.municipality)
    client.force_login(user)
    response = client.post(
        "/beheer/budget/ledgerentry/add/",
        {
            "municipality": team.municipality.pk,
            "law": "jeugdwet",
            "taakveld": "6.72",
            "team_choice": team.pk,
            "provider_choice": "",
            "reference": 17,
            "month": "2026-04-01",
            "amount": "250.00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LedgerEntry.objects.get()
    assert entry.kind == "actual" and entry.amount == Decimal("250.00") and entry.team == team


def test_staff_enter_an_actual_with_its_provision_and_volume(client, staff):
    from arrangements.models import CatalogueItem
    from budget.models import UnitCostRollup
    from tests.arrangements.factories import item_create

    user, team = staff
    BudgetFactory(municipality=team.municipality)
    item = item_create(team.municipality, name="Jeugdhulp", law="jeugdwet", taakveld="6.72")
    foreign = item_create(TeamFactory().municipality, name="Elders")
    client.force_login(user)
    data = {
        "municipality": team.municipality.pk,
        "law": "jeugdwet",
        "taakveld": "6.72",
        "team_choice": team.pk,
        "provider_choice": "",
        "item_choice": item.pk,
        "reference": 18,
        "month": "2026-04-01",
        "amount": "250.00",
        "volume": "4",
    }
    refused = client.post("/beheer/budget/ledgerentry/add/", data | {"item_choice": foreign.pk})
    assert refused.status_code == 200 and not LedgerEntry.objects.exists()
    assert client.post("/beheer/budget/ledgerentry/add/", data | {"volume": "0"}).status_code == 200
    assert not LedgerEntry.objects.exists()
    response = client.post("/beheer/budget/ledgerentry/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LedgerEntry.objects.get()
    assert entry.volume == Decimal("4.00") and entry.item == item
    cell = UnitCostRollup.objects.get()
    assert (cell.realised, cell.volume, cell.item_id) == (Decimal("250.00"), Decimal("4.00"), item.pk)
    assert CatalogueItem.objects.count() == 2

"""The regisseur sees the team's room under its ceiling before granting; beyond it the
grant is refused with a Dutch reason and nothing is booked."""

from decimal import Decimal

import pytest
from django.urls import reverse

from arrangements.models import Arrangement
from budget.models import LedgerEntry, TeamCeiling
from tests.arrangements.factories import world_create
from tests.arrangements.test_views import form_data
from tests.budget.factories import BudgetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return world_create()


def _ceiling(world, amount: str) -> TeamCeiling:
    start_year = int(form_data(world)["start_date"][:4])
    budget = BudgetFactory(municipality=world.case.team.municipality, year=start_year)
    return TeamCeiling.objects.create(budget=budget, team=world.case.team, amount=Decimal(amount))


def test_the_estimate_shows_the_ceiling_and_the_room_left(client, world):
    _ceiling(world, "10000.00")
    client.force_login(world.regisseur)
    body = client.post(reverse("arrangements:estimate", args=[world.case.uuid]), form_data(world)).content.decode()
    assert "Budgetplafond van het team" in body and "nog € 10000,00 ruimte" in body
    assert "past niet onder het budgetplafond" not in body


def test_beyond_the_ceiling_the_estimate_warns_and_the_grant_is_refused(client, world):
    _ceiling(world, "100.00")  # the estimate is € 480,00
    client.force_login(world.regisseur)
    body = client.post(reverse("arrangements:estimate", args=[world.case.uuid]), form_data(world)).content.decode()
    assert "past niet onder het budgetplafond" in body
    response = client.post(reverse("arrangements:new", args=[world.case.uuid]), form_data(world, toekennen="1"))
    assert response.status_code == 200
    assert "budgetplafond" in response.content.decode()
    assert not Arrangement.objects.filter(status="granted").exists()
    assert not LedgerEntry.objects.exists()


def test_without_a_ceiling_nothing_is_said_and_the_grant_books_its_commitment(client, world):
    client.force_login(world.regisseur)
    body = client.post(reverse("arrangements:estimate", args=[world.case.uuid]), form_data(world)).content.decode()
    assert "Budgetplafond" not in body
    client.post(reverse("arrangements:new", args=[world.case.uuid]), form_data(world, toekennen="1"))
    assert sum(e.amount for e in LedgerEntry.objects.all()) == Decimal("480.00")

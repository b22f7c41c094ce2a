"""The benchmark of district teams (reports/benchmark.py) and its page /rapportages/teams/.

The page reads through the `reporting` alias (a separate connection in tests), so these
tests commit their data (transactional_db).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from reports import benchmark as bench
from reports.figures import Period
from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.reports import figures_factories as f

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reporting"])

Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
IN_Q3 = dt.date(2026, 8, 10)
URL = "/rapportages/teams/"


def member(role: str, team) -> User:  # type: ignore[no-untyped-def]
    user = UserFactory()
    MembershipFactory(user=user, team=team, role=role)
    return user


def fill(place: f.Place, team, *, households: int, cost: str = "100.00", escalations: int = 0) -> None:  # type: ignore[no-untyped-def]
    for i in range(households):
        case = f.case_create(place, opened_on=dt.date(2026, 6, 1), team=team)
        f.signal_create(place, received_on=dt.date(2026, 6, 1), case=case, team=team)
        f.plan_create(case, agreed_on=dt.date(2026, 6, 1) + dt.timedelta(days=60 + i))
        f.arrangement_create(place, case, start=dt.date(2026, 7, 1), months={dt.date(2026, 8, 1): cost})
        if i < escalations:
            f.escalation_create(place, case, opened=IN_Q3, deadline=IN_Q3)


@pytest.fixture
def lochem() -> dict:
    place = f.place_create(TeamFactory(name="Wijkteam Noord"))
    south = TeamFactory(municipality=place.team.municipality, name="Wijkteam Zuid")
    east = TeamFactory(municipality=place.team.municipality, name="Wijkteam Oost")
    fill(place, place.team, households=12, cost="100.00", escalations=2)
    fill(place, south, households=20, cost="50.00")
    fill(place, east, households=11, cost="10.00")
    return {"place": place, "north": place.team, "south": south, "east": east}


def test_the_teams_side_by_side_with_the_municipality(lochem) -> None:  # type: ignore[no-untyped-def]
    view = bench.Viewpoint(municipality_id=lochem["north"].municipality_id, own_team_ids=frozenset(), named=True)
    data = bench.benchmark(viewpoint=view, period=Q3, minimum=10)
    rows = {r.label: [c.value for c in r.cells] for r in data.rows}
    assert rows["Wijkteam Noord"][:2] == [12, Decimal("100.00")]
    assert rows["Wijkteam Zuid"][:2] == [20, Decimal("50.00")]
    # Days to plan 60..71: median 65.5. Escalations: 2 of 12 households, but 2 < 10 is hidden.
    assert rows["Wijkteam Noord"][2] == Decimal("65.5")
    noord = next(r for r in data.rows if r.label == "Wijkteam Noord")
    assert noord.cells[3].suppressed
    average = data.rows[-1]
    assert average.average and average.label.startswith("Gemeente")
    assert average.cells[0].value == 43
    assert average.cells[1].value == (Decimal(1200 + 1000 + 110) / 43).quantize(Decimal("0.01"))


def test_a_small_team_is_hidden_together_with_another_so_the_total_does_not_give_it_away(lochem) -> None:  # type: ignore[no-untyped-def]
    tiny = TeamFactory(municipality=lochem["north"].municipality, name="Wijkteam Klein")
    fill(lochem["place"], tiny, households=3)
    view = bench.Viewpoint(municipality_id=tiny.municipality_id, own_team_ids=frozenset(), named=True)
    data = bench.benchmark(viewpoint=view, period=Q3, minimum=10)
    hidden = [r.label for r in data.rows if r.cells[0].suppressed]
    assert "Wijkteam Klein" in hidden
    assert len(hidden) >= 2  # and one more: the municipality's 46 minus the others would give 3
    assert not any(0 < (c.value or 0) < 10 for r in data.rows for c in r.cells[:1] if not c.suppressed)


def test_the_controller_sees_every_team_by_name(client, lochem) -> None:  # type: ignore[no-untyped-def]
    controller = member(Role.CONTROLLER, lochem["north"])
    client.force_login(controller)
    html = client.get(URL).content.decode()
    for name in ("Wijkteam Noord", "Wijkteam Zuid", "Wijkteam Oost"):
        assert name in html
    assert "Team A" not in html
    assert "<canvas" in html and "benchmark-chart-data" in html  # the chart, with its table beside it


def test_a_team_leader_sees_their_own_team_against_the_anonymised_others(client, lochem) -> None:  # type: ignore[no-untyped-def]
    leader = member(Role.TEAMLEIDER, lochem["north"])
    client.force_login(leader)
    html = client.get(URL).content.decode()
    assert "Wijkteam Noord (uw team)" in html
    assert "Wijkteam Zuid" not in html and "Wijkteam Oost" not in html
    assert "Team A" in html and "Team B" in html


@pytest.mark.parametrize("role", [Role.REGISSEUR, Role.EXPERT, Role.STAFF])
def test_other_roles_get_404(client, lochem, role) -> None:  # type: ignore[no-untyped-def]
    client.force_login(member(role, lochem["north"]))
    assert client.get(URL).status_code == 404


def test_a_partner_user_gets_404(client, lochem) -> None:  # type: ignore[no-untyped-def]
    partner = UserFactory(organisation=OrganisationFactory())
    client.force_login(partner)
    assert client.get(URL).status_code == 404


def test_a_controller_of_the_other_municipality_never_sees_these_teams(client, lochem) -> None:  # type: ignore[no-untyped-def]
    zutphen = TeamFactory(name="Wijkteam Zutphen-Noord")
    client.force_login(member(Role.CONTROLLER, zutphen))
    html = client.get(URL).content.decode()
    assert "Wijkteam Zutphen-Noord" in html
    assert "Wijkteam Noord<" not in html and "Wijkteam Zuid" not in html and "Wijkteam Oost" not in html
    assert re.search(r">\s*0\s*<", html)  # Zutphen's own (empty) figures


def test_a_wrong_quarter_gives_a_dutch_error_and_the_latest_quarter(client, lochem) -> None:  # type: ignore[no-untyped-def]
    client.force_login(member(Role.CONTROLLER, lochem["north"]))
    response = client.get(URL, {"kwartaal": "1999-01-01<script>"})
    assert response.status_code == 200
    assert "Kies een van de kwartalen uit de lijst." in response.content.decode()


def test_a_chosen_quarter_is_shown(client, lochem) -> None:  # type: ignore[no-untyped-def]
    client.force_login(member(Role.CONTROLLER, lochem["north"]))
    quarter = bench.quarters(today=timezone.localdate())[1]
    response = client.get(URL, {"kwartaal": quarter.start.isoformat()})
    assert quarter.label in response.content.decode()


def test_the_benchmark_costs_the_same_number_of_queries_for_more_teams_and_cases(lochem) -> None:  # type: ignore[no-untyped-def]
    view = bench.Viewpoint(municipality_id=lochem["north"].municipality_id, own_team_ids=frozenset(), named=True)

    def count() -> int:
        with CaptureQueriesContext(connections["reporting"]) as ctx:
            bench.benchmark(viewpoint=view, period=Q3, minimum=10)
        return len(ctx.captured_queries)

    before = count()
    extra = TeamFactory(municipality=lochem["north"].municipality, name="Wijkteam West")
    fill(lochem["place"], extra, households=5)
    assert count() == before
    assert reverse("reports_benchmark:teams") == URL

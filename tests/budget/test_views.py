"""The controller's dashboard: only the own municipality, money and counts only, exports."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.constants import Role
from budget import services
from budget.selectors import DashboardFilters, breakdown
from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.budget.factories import BudgetFactory, BudgetLineFactory, change
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _stable(content: bytes) -> str:
    """The page without what differs per request (CSP nonce, CSRF token)."""
    return re.sub(r'(nonce="|X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", content.decode())


def _user(role, team):
    user = UserFactory()
    MembershipFactory(user=user, team=team, role=role)
    return user


def _actual(team, *, household_id, amount, source_id, provider=None, month=3):
    services.actual_book(
        municipality=team.municipality,
        team=team,
        provider_id=provider.pk if provider else None,
        household_id=household_id,
        law="jeugdwet",
        taakveld="6.72",
        month=dt.date(2026, month, 1),
        amount=Decimal(amount),
        source_kind="declaration_line",
        source_id=source_id,
        actor=None,
    )


@pytest.fixture
def books():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality)
    BudgetLineFactory(budget=budget, amount=Decimal("1000.00"))
    services.commitment_book(change(team=team, months={(2026, 3): "1200.00"}))
    for n in range(12):
        _actual(team, household_id=100 + n, amount="10.00", source_id=n)
    return team, budget


def test_the_controller_sees_the_own_budget_with_the_overrun(client, books):
    team, _budget = books
    client.force_login(_user(Role.CONTROLLER, team))
    response = client.get("/budget/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "dreigende overschrijding" in html and "120 %" in html


@pytest.mark.parametrize("role", [Role.REGISSEUR, Role.TEAMLEIDER, Role.EXPERT, Role.STAFF])
def test_casework_roles_and_staff_get_404_on_the_dashboard(client, books, role):
    team, budget = books
    client.force_login(_user(role, team))
    assert client.get("/budget/").status_code == 404
    assert client.get(f"/budget/{budget.uuid}/").status_code == 404
    assert client.get(f"/budget/{budget.uuid}/export.xlsx").status_code == 404


def test_the_other_municipalitys_controller_gets_404_exactly_as_for_a_missing_budget(client, books):
    _team, budget = books
    client.force_login(_user(Role.CONTROLLER, TeamFactory()))
    foreign = client.get(f"/budget/{budget.uuid}/")
    missing = client.get("/budget/00000000-0000-0000-0000-000000000000/")
    assert foreign.status_code == missing.status_code == 404
    assert _stable(foreign.content) == _stable(missing.content)
    assert client.get(f"/budget/{budget.uuid}/export.csv").status_code == 404


def test_a_team_filter_of_another_municipality_is_no_choice(client, books):
    team, budget = books
    client.force_login(_user(Role.CONTROLLER, team))
    foreign_team = TeamFactory()
    response = client.get(f"/budget/{budget.uuid}/", {"team": str(foreign_team.uuid)})
    assert response.status_code == 200
    assert foreign_team.name not in response.content.decode()


def test_pages_and_exports_hold_no_names_bsn_or_case_numbers(client, books):
    team, budget = books
    case = CaseFactory(team=team)
    member = case.household.members.select_related("person").first()
    if member:
        # Unmistakable names: a random Dutch first name such as "Jan" is also in "Januari".
        person = member.person
        person.first_name, person.last_name = "Wubbolt", "Ter Hunnepe"
        person.save()
    client.force_login(_user(Role.CONTROLLER, team))
    outputs = [
        client.get(f"/budget/{budget.uuid}/").content.decode(),
        client.get(f"/budget/{budget.uuid}/export.csv").content.decode("utf-8-sig"),
    ]
    workbook = load_workbook(io.BytesIO(client.get(f"/budget/{budget.uuid}/export.xlsx").content))
    outputs.append(" ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row))
    forbidden = [case.number, case.household.name]
    if member:
        forbidden += [member.person.last_name, member.person.first_name]
    for text in outputs:
        for word in forbidden:
            assert word not in text


def test_the_xlsx_export_has_every_table_and_neutralises_formulas(client, books):
    team, budget = books
    OrganisationFactory(name="=HYPERLINK(1)")
    provider = OrganisationFactory(name="=cmd|calc")
    provider.municipalities.add(team.municipality)
    for n in range(12):
        _actual(team, household_id=500 + n, amount="5.00", source_id=1000 + n, provider=provider)
    client.force_login(_user(Role.CONTROLLER, team))
    response = client.get(f"/budget/{budget.uuid}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Budgetregels",
        "Per maand",
        "Per team",
        "Per aanbieder",
        "Per wet",
        "Kostprijs per eenheid",
    ]
    names = [row[0].value for row in workbook["Per aanbieder"].iter_rows(min_row=2)]
    assert "'=cmd|calc" in names


def test_a_cell_for_fewer_households_than_the_minimum_is_suppressed_with_a_second_one(books):
    team, budget = books
    small, smaller = OrganisationFactory(), OrganisationFactory()
    for n in range(3):
        _actual(team, household_id=900 + n, amount="1.00", source_id=2000 + n, provider=small)
    big = OrganisationFactory()
    for n in range(15):
        _actual(team, household_id=700 + n, amount="1.00", source_id=3000 + n, provider=big)
    for n in range(11):
        _actual(team, household_id=800 + n, amount="1.00", source_id=4000 + n, provider=smaller)
    cells = {c.label: c for c in breakdown(budget=budget, by="provider", filters=DashboardFilters(), minimum=10)}
    assert cells[small.name].suppressed  # 3 households: primary
    assert cells[smaller.name].suppressed  # 11 households, the smallest other: secondary
    assert not cells[big.name].suppressed


def test_the_dashboard_runs_a_constant_number_of_queries(client, books):
    team, budget = books
    controller = _user(Role.CONTROLLER, team)
    client.force_login(controller)
    client.get(f"/budget/{budget.uuid}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/budget/{budget.uuid}/")
    for n in range(40):
        provider = OrganisationFactory()
        services.commitment_book(change(team=TeamFactory(municipality=team.municipality), months={(2026, 5): "3.00"}))
        _actual(team, household_id=2000 + n, amount="2.00", source_id=9000 + n, provider=provider)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/budget/{budget.uuid}/")
    assert len(many) == len(few)


def test_the_expensive_minority_is_the_share_of_households_behind_80_percent():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality)
    _actual(team, household_id=1, amount="800.00", source_id=1)
    for n in range(9):
        _actual(team, household_id=10 + n, amount="22.22", source_id=10 + n)
    from budget.figures import household_figures_compute
    from budget.selectors import expensive_minority

    household_figures_compute(budget_id=budget.pk)
    (jeugd,) = expensive_minority(budget=budget, minimum=10)
    assert (jeugd.households, jeugd.share_pct, jeugd.suppressed) == (10, 10, False)
    assert expensive_minority(budget=budget, minimum=11)[0].suppressed

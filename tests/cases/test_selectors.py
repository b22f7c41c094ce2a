import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from cases import services
from cases.selectors import case_list_for_user
from tests.cases.factories import CaseFactory


@pytest.mark.django_db
def test_case_list_shows_own_and_shared_cases_only(make_user, team):
    r = make_user(Role.REGISSEUR, team=team)
    other = make_user(Role.REGISSEUR, team=team)
    c1 = CaseFactory(team=team, regisseur=r)
    c2 = CaseFactory(team=team, regisseur=other)
    assert list(case_list_for_user(user=r)) == [c1]
    services.case_share(actor=other, case=c2, user=r, access="read")
    with CaptureQueriesContext(connection) as ctx:
        assert set(case_list_for_user(user=r)) == {c1, c2}
        assert case_list_for_user(user=r).count() == 2
    assert len(ctx.captured_queries) == 2
    assert set(case_list_for_user(user=r, codename="change_case")) == {c1}


@pytest.mark.django_db
@pytest.mark.parametrize("n_cases", [5, 50])
def test_case_list_costs_rows_plus_count_whatever_the_number_of_cases(make_user, team, n_cases):
    r = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    for _ in range(n_cases):
        CaseFactory(team=team, regisseur=r)
    shared = CaseFactory(team=team, regisseur=colleague)
    services.case_share(actor=colleague, case=shared, team=team, access="read")
    r.roles  # noqa: B018 - loaded once per request (navigation); not part of the list's cost
    with CaptureQueriesContext(connection) as ctx:
        qs = case_list_for_user(user=r)
        rows = list(qs.order_by("-updated_at")[:50])
        total = qs.count()
        for case in rows:  # everything a list row shows is already loaded
            str(case.household), str(case.team), str(case.team.municipality), str(case.regisseur)
    assert total == n_cases + 1
    assert len(rows) == min(50, n_cases + 1)
    assert len(ctx.captured_queries) == 2
    page_sql, count_sql = (q["sql"] for q in ctx.captured_queries)
    for sql in (page_sql, count_sql):
        # The visible ids are a UNION of indexed id sets, not OR'ed EXISTS per case row.
        assert "UNION ALL" in sql
        assert "EXISTS" not in sql
        assert "auth_group" not in sql  # the user's groups come from the through table


@pytest.mark.django_db
def test_team_leader_sees_the_team_caseload_and_others_do_not(make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    regisseur = make_user(Role.REGISSEUR, team=team)
    outsider = make_user(Role.REGISSEUR)
    case = CaseFactory(team=team, regisseur=regisseur)
    assert list(case_list_for_user(user=leader)) == [case]
    assert list(case_list_for_user(user=leader, codename="change_case")) == []
    assert list(case_list_for_user(user=outsider)) == []

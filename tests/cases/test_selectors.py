import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from cases import services
from cases.selectors import case_list_for_user, case_listing_for_user
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


# --- CaseListing: what the "Mijn dossiers" page runs (count + deferred-join page) --------


def _ids(cases):  # type: ignore[no-untyped-def]
    return [c.pk for c in cases]


@pytest.mark.django_db
def test_case_listing_counts_a_case_visible_twice_once_and_pages_like_the_list(make_user, team):
    r = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    own = [CaseFactory(team=team, regisseur=r) for _ in range(3)]
    services.case_share(actor=r, case=own[0], team=team, access="read")  # own and team share
    shared = CaseFactory(team=team, regisseur=colleague)
    services.case_share(actor=colleague, case=shared, user=r, access="read")
    services.case_share(actor=colleague, case=shared, team=team, access="read")  # two grants
    CaseFactory(team=team, regisseur=colleague)  # not visible to r

    listing = case_listing_for_user(user=r)

    expected = _ids(case_list_for_user(user=r).order_by("-updated_at", "-id"))
    assert listing.count() == 4 == len(expected)
    assert _ids(listing[0:50]) == expected
    assert _ids(listing[1:3]) == expected[1:3]
    assert listing[10:20] == []
    assert listing[1].pk == expected[1] and _ids(listing) == expected
    with pytest.raises(IndexError):
        listing[4]


@pytest.mark.django_db
@pytest.mark.parametrize("n_cases", [5, 50])
def test_case_listing_costs_a_count_and_one_page_query_whatever_the_number_of_cases(make_user, team, n_cases):
    r = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    for _ in range(n_cases):
        CaseFactory(team=team, regisseur=r)
    shared = CaseFactory(team=team, regisseur=colleague)
    services.case_share(actor=colleague, case=shared, team=team, access="read")
    r.roles  # noqa: B018 - loaded once per request (navigation); not part of the list's cost
    with CaptureQueriesContext(connection) as ctx:
        listing = case_listing_for_user(user=r)
        total = listing.count()
        rows = listing[0:50]
        for case in rows:  # everything a list row shows is already loaded
            str(case.household), str(case.team), str(case.team.municipality), str(case.regisseur)
    assert total == n_cases + 1
    assert len(rows) == min(50, n_cases + 1)
    assert len(ctx.captured_queries) == 2
    count_sql, page_sql = (q["sql"] for q in ctx.captured_queries)
    # The count reads only the id sets: no join with the case table.
    assert count_sql.startswith("SELECT COUNT(DISTINCT id) FROM (")
    assert "JOIN" not in count_sql
    # The page picks its 50 ids from the visible ids (a LIMITed subquery), then joins.
    assert "LIMIT 50" in page_sql and page_sql.count("JOIN") == 4
    for sql in (page_sql, count_sql):
        assert "UNION ALL" in sql
        assert "EXISTS" not in sql
        assert "auth_group" not in sql


@pytest.mark.django_db
def test_case_listing_filters_count_the_filtered_cases(make_user, team):
    r = make_user(Role.REGISSEUR, team=team)
    open_case = CaseFactory(team=team, regisseur=r)
    closed = CaseFactory(team=team, regisseur=r)
    services.case_close(actor=r, case=closed, outcome="goal_reached")
    CaseFactory(team=team, closed=True)  # somebody else's, not visible

    by_status = case_listing_for_user(user=r, status="closed")
    by_text = case_listing_for_user(user=r, text=open_case.household.name)
    by_team = case_listing_for_user(user=r, team_id=team.pk, sort="number")

    assert by_status.count() == 1 and _ids(by_status[0:25]) == [closed.pk]
    assert by_text.count() == 1 and _ids(by_text[0:25]) == [open_case.pk]
    assert by_team.count() == 2
    assert [c.number for c in by_team[0:25]] == sorted([open_case.number, closed.number])


@pytest.mark.django_db
def test_case_listing_keeps_the_permission_semantics_of_the_list(make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    regisseur = make_user(Role.REGISSEUR, team=team)
    outsider = make_user(Role.REGISSEUR)
    case = CaseFactory(team=team, regisseur=regisseur)
    for user, expected in [(leader, [case.pk]), (regisseur, [case.pk]), (outsider, [])]:
        listing = case_listing_for_user(user=user)
        assert _ids(listing[0:25]) == expected
        assert listing.count() == len(expected)
    anonymous = case_listing_for_user(user=AnonymousUser())
    assert anonymous.count() == 0 and anonymous[0:25] == []

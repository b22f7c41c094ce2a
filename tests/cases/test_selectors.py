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

"""Production keeps sessions in Redis: a page costs no session queries in PostgreSQL, and the
case page's query count does not grow with the size of the case."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Role
from cases import services
from tests.cases.factories import CaseFactory

pytestmark = [pytest.mark.production, pytest.mark.django_db]


@pytest.fixture
def redis_sessions(settings, redis_available):  # type: ignore[no-untyped-def]
    """The production session and cache settings (socialdomain/settings/production.py)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


def _queries(client, url):  # type: ignore[no-untyped-def]
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_pages_touch_no_session_table_with_redis_sessions(client, make_user, team, redis_sessions):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    for url in (reverse("home"), reverse("cases:list"), reverse("cases:detail", args=[case.uuid])):
        sql = _queries(client, url)
        assert not [q for q in sql if "django_session" in q], url


def test_case_page_query_count_does_not_grow_with_members(client, make_user, team, redis_sessions):
    regisseur = make_user(Role.REGISSEUR, team=team)
    small = CaseFactory(team=team, regisseur=regisseur)
    large = CaseFactory(team=team, regisseur=regisseur)
    for i in range(6):
        services.member_add_to_case(
            actor=regisseur,
            case=large,
            first_name=f"Kind{i}",
            last_name="T",
            birth_date=datetime.date(2012, 1, 1 + i),
            role="child",
            bsn="",
        )
    client.force_login(regisseur)
    few = _queries(client, reverse("cases:detail", args=[small.uuid]))
    many = _queries(client, reverse("cases:detail", args=[large.uuid]))
    assert len(many) == len(few)


def test_case_page_asks_no_team_leader_query_for_a_regisseur(client, make_user, team, redis_sessions):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    sql = _queries(client, reverse("cases:detail", args=[case.uuid]))
    assert not [q for q in sql if "'teamleider'" in q and "accounts_membership" in q]


def test_case_list_query_count_does_not_grow_with_the_users_teams(client, make_user, team, redis_sessions):
    """The team filter's options name their municipality: one query, not one per team."""
    from tests.accounts.factories import MembershipFactory, TeamFactory

    regisseur = make_user(Role.REGISSEUR, team=team)
    CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    one_team = len(_queries(client, reverse("cases:list")))
    for _ in range(4):
        MembershipFactory(user=regisseur, team=TeamFactory(), role=Role.REGISSEUR)
    assert len(_queries(client, reverse("cases:list"))) == one_team

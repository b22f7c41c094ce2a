"""The team leader's weekly overview of unusual access (cases/access_review.py)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Notification
from audit.models import AuditEvent
from cases import access_review, breakglass, services
from cases.constants import Access, MemberRole
from cases.models import HouseholdMember, UnusualAccessReport
from cases.tasks import unusual_access_weekly
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

CLIENT_FIRST, CLIENT_LAST, CLIENT_BSN = "Chantal", "Lekkerkerker", "111222333"
OTHER_FIRST, OTHER_LAST, OTHER_BSN = "Priscilla", "Vredenburg", "123456782"


def _case_with_client(team, regisseur, first, last, bsn):  # type: ignore[no-untyped-def]
    household = HouseholdFactory(municipality=team.municipality, name=f"Familie {last}")
    person = PersonFactory(municipality=team.municipality, first_name=first, last_name=last, bsn=bsn)
    HouseholdMember.objects.create(household=household, person=person, role=MemberRole.PARENT)
    return CaseFactory(team=team, household=household, regisseur=regisseur)


@pytest.fixture
def week(make_user):  # type: ignore[no-untyped-def]
    """A team with a leader; its regisseur reads a burst of cases and one of another team;
    a colleague of another team takes break-glass on one of the team's cases."""
    team = TeamFactory(name="Sociaal wijkteam Oost")
    other_team = TeamFactory(municipality=team.municipality, name="Sociaal wijkteam West")
    leader = make_user(Role.TEAMLEIDER, team=team, first_name="Lotte", last_name="Leider")
    regisseur = make_user(Role.REGISSEUR, team=team, first_name="Ruud", last_name="Rapsnel")
    west = make_user(Role.REGISSEUR, team=other_team, first_name="Wendy", last_name="West")
    night = make_user(Role.REGISSEUR, team=other_team, first_name="Nina", last_name="Nachtdienst")
    own = [_case_with_client(team, regisseur, CLIENT_FIRST, CLIENT_LAST, CLIENT_BSN)]
    own += [CaseFactory(team=team, regisseur=regisseur) for _ in range(3)]
    foreign = _case_with_client(other_team, west, OTHER_FIRST, OTHER_LAST, OTHER_BSN)
    services.case_share(actor=west, case=foreign, access=Access.READ, user=regisseur)
    breakglass.break_glass_open(actor=night, case=own[0], reason="Crisis in de nacht, regisseur onbereikbaar")
    return team, leader, regisseur, night, own, foreign


def _read_all(client, user, cases):  # type: ignore[no-untyped-def]
    client.force_login(user)
    for case in cases:
        assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 200


def _this_week() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


@override_settings(ACCESS_BURST_CASES=4, ACCESS_BURST_MINUTES=10)
def test_the_overview_lists_break_glass_outside_reads_and_a_burst_without_client_data(client, week):
    team, leader, regisseur, night, own, foreign = week
    _read_all(client, regisseur, [*own, foreign])
    _read_all(client, night, own[:1])

    report, created = access_review.unusual_access_report_create(team=team, week_start=_this_week())

    assert created
    findings = report.findings
    assert [(r["user_id"], r["case_id"]) for r in findings["break_glass"]] == [(night.pk, own[0].pk)]
    assert findings["outside_team"] == [{"user_id": regisseur.pk, "cases": 1, "reads": 1, "grounds": ["share"]}]
    assert [(b["user_id"], b["cases"]) for b in findings["bursts"]] == [(regisseur.pk, 5)]

    notification = Notification.objects.get(recipient=leader, link__startswith="/dossiers/toegangsoverzicht/")
    assert notification.text.startswith("Overzicht ongebruikelijke toegang week")
    assert "1 noodtoegang, 1 buiten het eigen team, 1 reeks inzagen" in notification.text
    client.force_login(leader)
    page = client.get(notification.link).content.decode()
    assert "Nina Nachtdienst" in page and own[0].number in page  # who took break-glass, on which case
    assert "Ruud Rapsnel" in page  # the burst and the outside read
    assert "Gedeeld dossier" in page  # the ground of the outside read, in Dutch
    assert foreign.number not in page  # another team's case: no number
    for text in (notification.text, page, str(findings)):
        for secret in (CLIENT_FIRST, CLIENT_LAST, CLIENT_BSN, OTHER_FIRST, OTHER_LAST, OTHER_BSN):
            assert secret not in text


def test_a_burst_is_counted_in_distinct_cases_within_the_window():
    start = timezone.now()
    spread = [(start + dt.timedelta(minutes=11 * i), f"case-{i}") for i in range(6)]
    assert access_review._largest_burst(spread, dt.timedelta(minutes=10)) == (1, spread[0][0])
    # eight reads of four cases, three minutes apart: at most four distinct cases in ten minutes
    close = [(start + dt.timedelta(minutes=3 * i), f"case-{i % 4}") for i in range(8)]
    assert access_review._largest_burst(close, dt.timedelta(minutes=10))[0] == 4
    same_case = [(start + dt.timedelta(seconds=i), "case-0") for i in range(50)]
    assert access_review._largest_burst(same_case, dt.timedelta(minutes=10))[0] == 1


@override_settings(ACCESS_BURST_CASES=6, ACCESS_BURST_MINUTES=10)
def test_fewer_cases_than_the_threshold_is_no_burst(client, week):
    team, _leader, regisseur, _night, own, foreign = week
    _read_all(client, regisseur, [*own, foreign])
    findings = access_review.unusual_access_for_team(
        team=team, start=timezone.now() - dt.timedelta(hours=1), end=timezone.now()
    )
    assert findings["bursts"] == []


def test_a_second_run_changes_nothing_and_notifies_nobody_again(week):
    team, leader, *_rest = week
    first, created = access_review.unusual_access_report_create(team=team, week_start=_this_week())
    again, created_again = access_review.unusual_access_report_create(team=team, week_start=_this_week())
    assert created and not created_again and first.pk == again.pk
    assert Notification.objects.filter(recipient=leader, link__startswith="/dossiers/toegangsoverzicht/").count() == 1
    assert AuditEvent.objects.filter(action="unusual_access_report").count() == 1


def test_only_the_team_leaders_of_the_team_see_the_overview(client, week, make_user):
    team, leader, regisseur, night, *_rest = week
    report, _created = access_review.unusual_access_report_create(team=team, week_start=_this_week())
    url = reverse("cases:access_review", args=[report.uuid])
    other_leader = make_user(Role.TEAMLEIDER, team=TeamFactory(municipality=team.municipality))
    for user in (regisseur, night, other_leader):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(leader)
    assert client.get(url).status_code == 200


def test_the_weekly_task_runs_on_the_real_worker_and_is_safe_to_run_twice(celery_worker, week):
    team, leader, *_rest = week
    assert unusual_access_weekly.delay().get(timeout=30) >= 1
    assert unusual_access_weekly.delay().get(timeout=30) == 0
    report = UnusualAccessReport.objects.get(team=team)
    assert report.week_start == access_review.last_week_start()
    assert report.week_start.weekday() == 0
    assert Notification.objects.filter(recipient=leader, link__startswith="/dossiers/toegangsoverzicht/").count() == 1

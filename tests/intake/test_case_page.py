"""Intake on the case page: gesprekken, latest scores with change, goals, signals, Meldcode."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from intake import selectors, services
from intake.constants import Domain, GesprekStatus, SignalSource, SignalStatus, TriageRoute
from intake.models import DomainScore, Gesprek, Signal

pytestmark = pytest.mark.django_db


def _members(case):  # type: ignore[no-untyped-def]
    members = case.household.members.select_related("person")
    return members.get(role="child"), members.get(role="parent")


def _gesprek(case, user, days_ago, scores, status=GesprekStatus.FINAL):  # type: ignore[no-untyped-def]
    gesprek = Gesprek.objects.create(
        case=case,
        created_by=user,
        status=status,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    DomainScore.objects.bulk_create(DomainScore(gesprek=gesprek, member=m, domain=d, score=s) for m, d, s in scores)
    return gesprek


def _signal(case, days_ago=1):  # type: ignore[no-untyped-def]
    return Signal.objects.create(
        case=case,
        team=case.team,
        source=SignalSource.GP,
        question="Zorg",
        route=TriageRoute.ATTACHED,
        status=SignalStatus.DONE,
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def _url(case):  # type: ignore[no-untyped-def]
    return reverse("cases:section", args=[case.uuid, "gesprekken"])


def test_case_page_shows_gesprekken_latest_scores_with_change_goals_and_signals(client, case_with_household, regisseur):
    case = case_with_household
    child, parent = _members(case)
    _gesprek(case, regisseur, 90, [(parent, Domain.FINANCES, 2), (parent, Domain.HOUSING, 4)])
    latest = _gesprek(
        case, regisseur, 10, [(parent, Domain.FINANCES, 4), (parent, Domain.HOUSING, 3), (child, Domain.PARENTING, 1)]
    )
    _gesprek(case, regisseur, 0, [(parent, Domain.FINANCES, 5)], status=GesprekStatus.DRAFT)
    signal = _signal(case)
    client.force_login(regisseur)
    html = client.get(_url(case)).content.decode()
    assert html.count("Gesprek van ") >= 3 and "Concept" in html
    assert reverse("intake:gesprek_detail", kwargs={"uuid": latest.uuid}) in html
    assert "+2 (beter)" in html  # finances 2 → 4, against the earlier final gesprek, not the draft
    assert "-1 (slechter)" in html  # housing 4 → 3
    assert "Voorgestelde doelen voor het plan" in html
    assert f"{child.person.first_name}: Opvoeding / ontwikkeling (score 1)" in html
    assert reverse("intake:signal_detail", kwargs={"uuid": signal.uuid}) in html
    assert "Verder met het concept" in html and "Nieuw gesprek" not in html  # one open draft per case
    assert reverse("intake:gesprek_start", kwargs={"case_uuid": case.uuid}) in html


def test_case_overview_goals_match_proposed_goals_of_the_latest_final_gesprek(case_with_household, regisseur):
    case = case_with_household
    child, parent = _members(case)
    latest = _gesprek(
        case, regisseur, 1, [(parent, Domain.FINANCES, 2), (parent, Domain.WORK, 3), (child, Domain.PARENTING, 1)]
    )
    overview = selectors.case_intake_overview(user=regisseur, case=case)
    assert overview.latest == latest
    assert overview.goals == selectors.proposed_goals(latest)
    assert [(m.pk, d, s) for m, d, s in overview.goals] == [
        (child.pk, Domain.PARENTING, 1),
        (parent.pk, Domain.FINANCES, 2),
    ]


def test_reader_sees_intake_on_case_page_without_new_gesprek_button(client, case_with_household, make_user, team):
    teamleider = make_user(Role.TEAMLEIDER, team=team)  # may read every case of the team, not write
    client.force_login(teamleider)
    response = client.get(_url(case_with_household))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gesprekken" in html and "Nog geen gesprek vastgelegd." in html
    assert "Nieuw gesprek" not in html
    assert "U leest mee" in html


def test_safety_flagged_case_page_shows_meldcode_steps_and_links_to_the_screen(client, make_signal, regisseur):
    signal = make_signal()
    signal = services.signal_triage(actor=regisseur, signal=signal, route=TriageRoute.SAFETY, regisseur=regisseur)
    client.force_login(regisseur)
    html = client.get(_url(signal.case)).content.decode()
    assert "1. Signalen in kaart brengen" in html and "nog niet afgerond" in html
    assert reverse("intake:meldcode_steps", kwargs={"case_uuid": signal.case.uuid}) in html


def test_case_page_without_safety_flag_has_no_meldcode_section(client, case_with_household, regisseur):
    client.force_login(regisseur)
    html = client.get(_url(case_with_household)).content.decode()
    assert "Meldcode" not in html


def _count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_case_page_query_count_does_not_grow_with_gesprekken_scores_or_signals(client, case_with_household, regisseur):
    case = case_with_household
    child, parent = _members(case)
    domains = list(Domain)
    _gesprek(case, regisseur, 100, [(parent, Domain.FINANCES, 3)])
    _gesprek(case, regisseur, 90, [(parent, Domain.FINANCES, 2), (child, Domain.PARENTING, 1)])
    _signal(case)
    client.force_login(regisseur)
    url = _url(case)
    client.get(url)  # warm per-process caches (permission ids, content types)
    few = _count(client, url)
    for i in range(10):
        _gesprek(
            case, regisseur, 80 - i, [(m, d, 1 + (i + j) % 5) for j, d in enumerate(domains) for m in (parent, child)]
        )
        _signal(case, days_ago=i + 2)
    many = _count(client, url)
    html = client.get(url).content.decode()
    assert html.count(reverse("intake:signal_detail", kwargs={"uuid": Signal.objects.first().uuid})) == 1
    assert Gesprek.objects.filter(case=case).count() == 12
    assert many == few

"""The inbox: filters by source and team, status tabs, notifications."""

import datetime

import pytest
from django.urls import reverse

from accounts.constants import Role
from accounts.models import Membership, Notification
from accounts.services import notification_send
from intake import services
from intake.constants import SignalSource, TriageRoute
from tests.accounts.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _person(first):  # type: ignore[no-untyped-def]
    return services.PersonInput(first_name=first, last_name="Test", birth_date=datetime.date(1980, 1, 1))


def _signal(actor, team, source, first):  # type: ignore[no-untyped-def]
    return services.signal_create(actor=actor, team=team, source=source, question="Zorg", persons=[_person(first)])


def _inbox(client, query=""):  # type: ignore[no-untyped-def]
    response = client.get(reverse("intake:inbox") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_inbox_filter_by_source_shows_only_that_source(client, regisseur, team):
    _signal(regisseur, team, SignalSource.GP, "Huisartsmelding")
    _signal(regisseur, team, SignalSource.SCHOOL, "Schoolmelding")
    client.force_login(regisseur)
    html = _inbox(client, "?source=gp")
    assert "Huisartsmelding" in html and "Schoolmelding" not in html
    assert "Nieuw (1)" in html  # the tab counts follow the filter
    html = _inbox(client, "?source=bogus")  # an unknown source is ignored, not an error
    assert "Huisartsmelding" in html and "Schoolmelding" in html


def test_inbox_filter_by_team_shows_only_that_teams_signals(client, regisseur, team):
    second = TeamFactory(municipality=team.municipality)
    Membership.objects.create(user=regisseur, team=second, role=Role.REGISSEUR)
    _signal(regisseur, team, SignalSource.GP, "Eerstemelding")
    _signal(regisseur, second, SignalSource.GP, "Tweedemelding")
    client.force_login(regisseur)
    html = _inbox(client)
    assert "Eerstemelding" in html and "Tweedemelding" in html
    html = _inbox(client, f"?team={second.pk}")
    assert "Tweedemelding" in html and "Eerstemelding" not in html
    assert f'<option value="{second.pk}" selected>' in html


def test_inbox_filter_on_a_team_the_user_is_not_in_shows_nothing_of_that_team(client, regisseur, make_user):
    other_team = TeamFactory()
    stranger = make_user(Role.REGISSEUR, team=other_team)
    _signal(stranger, other_team, SignalSource.GP, "Vreemdemelding")
    client.force_login(regisseur)
    html = _inbox(client, f"?team={other_team.pk}")
    assert "Vreemdemelding" not in html
    assert other_team.name not in html  # not offered as a filter either
    assert "Nieuw (0)" in html


def test_status_tabs_show_counts_and_mark_the_current_tab(client, make_signal, regisseur):
    make_signal(persons=[_person("Nieuwe")])
    triaged = make_signal(persons=[_person("Advies")])
    services.signal_triage(actor=regisseur, signal=triaged, route=TriageRoute.ADVICE, advice_outcome="information")
    client.force_login(regisseur)
    html = _inbox(client)
    assert "Nieuw (1)" in html and "In triage (0)" in html and "Wacht op gesprek (0)" in html
    assert "Afgehandeld (1)" in html
    assert 'href="?status=new" aria-current="page"' in html
    assert "Nieuwe Test" in html and "Advies Test" not in html
    html = _inbox(client, "?status=done&source=school")
    assert 'href="?status=done&amp;source=school" aria-current="page"' in html
    assert "Advies Test" in html and "Nieuwe Test" not in html
    assert "Nieuwe Test" in _inbox(client, "?status=nonsense")  # unknown status falls back to Nieuw


def test_mark_all_read_marks_only_own_notifications(client, regisseur, make_user):
    other = make_user(Role.REGISSEUR)
    for i in range(12):
        notification_send(recipient=regisseur, text=f"Bericht {i}")
    notification_send(recipient=other, text="Voor een ander")
    client.force_login(regisseur)
    assert "12 ongelezen meldingen" in _inbox(client)
    response = client.post(reverse("intake:notifications_read"))
    assert response.status_code == 302 and response["Location"] == reverse("intake:inbox")
    assert not Notification.objects.filter(recipient=regisseur, is_read=False).exists()
    assert Notification.objects.filter(recipient=other, is_read=False).count() == 1
    assert "0 ongelezen meldingen" in _inbox(client)


def test_mark_all_read_refuses_get(client, regisseur):
    notification_send(recipient=regisseur, text="Bericht")
    client.force_login(regisseur)
    assert client.get(reverse("intake:notifications_read")).status_code == 405
    assert Notification.objects.filter(recipient=regisseur, is_read=False).count() == 1

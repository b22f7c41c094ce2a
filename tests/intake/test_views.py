import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from cases.models import Person
from intake import services
from intake.constants import Domain, SignalSource, SignalStatus
from intake.models import Gesprek, Signal

pytestmark = pytest.mark.django_db


def _make_signals(n, team, actor):  # type: ignore[no-untyped-def]
    for i in range(n):
        services.signal_create(
            actor=actor,
            team=team,
            source=SignalSource.GP,
            question="Zorg om bewoner.",
            persons=[
                services.PersonInput(first_name=f"P{i}", last_name="Test", birth_date=datetime.date(1980, 1, 1)),
                services.PersonInput(first_name=f"Q{i}", last_name="Test", birth_date=datetime.date(1982, 1, 1)),
            ],
        )


def test_inbox_query_count_does_not_grow_with_signals(client, regisseur, team):
    client.force_login(regisseur)
    url = reverse("intake:inbox")
    _make_signals(5, team, regisseur)
    client.get(url)  # warm per-process caches (permission ids, content types)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    _make_signals(45, team, regisseur)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.content.decode().count("Zorg om bewoner") == 0  # the question stays off the list
    assert response.content.decode().count("P44 Test") == 1
    assert len(fifty) == len(five) <= 12


def test_unlinked_signal_visible_only_to_receiving_team(client, make_signal, make_user):
    signal = make_signal()
    outsider = make_user(Role.REGISSEUR)
    client.force_login(outsider)
    assert client.get(reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})).status_code == 404
    assert "Chantal" not in client.get(reverse("intake:inbox")).content.decode()


def test_linked_signal_is_authorised_through_the_case(client, make_signal, regisseur, make_user, team):
    signal = make_signal()
    signal = services.signal_triage(
        actor=regisseur, signal=signal, route="case", regisseur=regisseur, gesprek_planned_on=timezone.localdate()
    )
    colleague = make_user(Role.REGISSEUR, team=team)  # same team, no share on the case
    client.force_login(colleague)
    assert client.get(reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})).status_code == 404
    client.force_login(regisseur)
    assert client.get(reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})).status_code == 200


def test_inbox_filters_by_status_and_shows_age_and_unread_count(client, make_signal, regisseur, teamleider):
    make_signal(received_on=timezone.localdate() - datetime.timedelta(days=4))
    client.force_login(regisseur)
    html = client.get(reverse("intake:inbox")).content.decode()
    assert "4 dagen" in html and "Nieuw (1)" in html
    html = client.get(reverse("intake:inbox") + "?status=done").content.decode()
    assert "Geen aanmeldingen met deze status" in html


def test_new_signal_form_with_invalid_bsn_shows_dutch_error_and_saves_nothing(client, regisseur, team):
    client.force_login(regisseur)
    response = client.post(
        reverse("intake:signal_new"),
        {
            "team": team.pk,
            "source": "school",
            "question": "Zorgen",
            "received_on": timezone.localdate().isoformat(),
            "p1-bsn": "123456789",
            "p1-first_name": "A",
            "p1-last_name": "B",
            "p1-birth_date": "1980-01-01",
        },
    )
    assert response.status_code == 200
    assert "Dit is geen geldig BSN" in response.content.decode()
    assert not Signal.objects.exists() and not Person.objects.exists()


def test_triage_form_opens_case(client, make_signal, regisseur):
    signal = make_signal()
    client.force_login(regisseur)
    url = reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})
    response = client.post(
        url,
        {"route": "case", "regisseur": regisseur.pk, "gesprek_planned_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.case is not None and signal.status == SignalStatus.WAITING


def _form_data(gesprek, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "version": gesprek.version,
        "date": timezone.localdate().isoformat(),
        "place": "thuis",
        "members": [m.pk for m in gesprek.case.household.members.all()],
        "contacts": [c.pk for c in gesprek.case.household.network.all()],
    }
    data.update(overrides)
    return data


def test_draft_endpoint_saves_and_reports_time(client, case_with_household, regisseur):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    client.force_login(regisseur)
    url = reverse("intake:gesprek_draft", kwargs={"uuid": gesprek.uuid})
    response = client.post(url, _form_data(gesprek, question_behind="Rust in huis"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Concept opgeslagen om" in response.content.decode()
    gesprek.refresh_from_db()
    assert gesprek.question_behind == "Rust in huis" and gesprek.version == 2
    assert 'value="2"' in response.content.decode()


def test_draft_endpoint_answers_409_with_both_versions_on_concurrent_edit(
    client, case_with_household, regisseur, make_user, team
):
    from cases import services as case_services

    colleague = make_user(Role.REGISSEUR, team=team, first_name="Bram", last_name="Jansen")
    case_services.case_share(actor=regisseur, case=case_with_household, access="write", user=colleague)
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    url = reverse("intake:gesprek_draft", kwargs={"uuid": gesprek.uuid})
    both_start = _form_data(gesprek)
    client.force_login(colleague)
    assert client.post(url, {**both_start, "question_behind": "Versie van Bram"}).status_code == 200
    client.force_login(regisseur)
    response = client.post(url, {**both_start, "question_behind": "Versie van Anne"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Versie van Bram" in html and "Versie van Anne" in html and "Bram Jansen" in html
    gesprek.refresh_from_db()
    assert gesprek.question_behind == "Versie van Bram" and gesprek.version == 2


def test_full_save_conflict_is_a_form_error_with_both_versions(client, case_with_household, regisseur):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    client.force_login(regisseur)
    start = _form_data(gesprek)
    client.post(reverse("intake:gesprek_draft", kwargs={"uuid": gesprek.uuid}), {**start, "place": "buurthuis"})
    response = client.post(reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid}), {**start, "place": "kantoor"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "intussen opgeslagen" in html and "buurthuis" in html and "kantoor" in html
    gesprek.refresh_from_db()
    assert gesprek.place == "buurthuis" and gesprek.status == "draft"


def test_after_a_conflict_the_form_carries_their_version_so_resubmitting_saves_yours(
    client, case_with_household, regisseur
):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    client.force_login(regisseur)
    start = _form_data(gesprek)
    client.post(reverse("intake:gesprek_draft", kwargs={"uuid": gesprek.uuid}), {**start, "place": "buurthuis"})
    gesprek.refresh_from_db()
    url = reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid})
    response = client.post(url, {**start, "place": "kantoor"})
    form = response.context["form"]
    assert form["version"].value() == str(gesprek.version)
    response = client.post(url, {**start, "place": "kantoor", "version": form["version"].value()})
    assert response.status_code == 302
    gesprek.refresh_from_db()
    assert gesprek.place == "kantoor" and gesprek.status == "final"


def test_gesprek_form_refuses_bad_input_in_dutch(client, case_with_household, regisseur, team):
    from tests.cases.factories import HouseholdFactory

    stranger = HouseholdFactory(municipality=team.municipality).members.first()
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    parent = case_with_household.household.members.get(role="parent")
    client.force_login(regisseur)
    response = client.post(
        reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid}),
        _form_data(
            gesprek,
            date=(timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            members=[stranger.pk],
            **{f"score_{parent.pk}_{Domain.FINANCES}": "9"},
        ),
    )
    html = response.content.decode()
    assert "De datum van het gesprek ligt in de toekomst." in html
    assert "Selecteer een geldige keuze" in html
    gesprek.refresh_from_db()
    assert gesprek.version == 1 and not gesprek.scores.exists()
    assert Gesprek.objects.get().status == "draft"


def test_gesprek_page_shows_scores_and_proposed_goals(client, case_with_household, regisseur):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    parent = case_with_household.household.members.get(role="parent")
    client.force_login(regisseur)
    response = client.post(
        reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid}),
        _form_data(gesprek, **{f"score_{parent.pk}_{Domain.FINANCES}": "2", f"note_{parent.pk}_finances": "schuld"}),
    )
    assert response.status_code == 302
    html = client.get(reverse("intake:gesprek_detail", kwargs={"uuid": gesprek.uuid})).content.decode()
    assert "Financiën" in html and "schuld" in html and "Voorgestelde doelen" in html


def test_autosave_over_htmx_stores_scores_and_answers_concept_opgeslagen(client, case_with_household, regisseur):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    parent = case_with_household.household.members.get(role="parent")
    client.force_login(regisseur)
    response = client.post(
        reverse("intake:gesprek_draft", kwargs={"uuid": gesprek.uuid}),
        _form_data(gesprek, **{f"score_{parent.pk}_{Domain.HOUSING}": "3", f"note_{parent.pk}_housing": "huurschuld"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Concept opgeslagen" in response.content.decode()
    gesprek.refresh_from_db()
    assert gesprek.status == "draft"
    assert list(gesprek.scores.values_list("domain", "score", "note")) == [("housing", 3, "huurschuld")]


def test_proposed_goals_from_scores_entered_in_the_gesprek_form(client, case_with_household, regisseur):
    from intake import selectors

    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    parent = case_with_household.household.members.get(role="parent")
    child = case_with_household.household.members.get(role="child")
    client.force_login(regisseur)
    client.post(
        reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid}),
        _form_data(
            gesprek,
            **{
                f"score_{parent.pk}_{Domain.FINANCES}": "2",
                f"score_{parent.pk}_{Domain.WORK}": "3",
                f"score_{child.pk}_{Domain.PARENTING}": "1",
            },
        ),
    )
    goals = selectors.proposed_goals(Gesprek.objects.get(pk=gesprek.pk))
    assert [(m.pk, d, s) for m, d, s in goals] == [(child.pk, Domain.PARENTING, 1), (parent.pk, Domain.FINANCES, 2)]
    html = client.get(reverse("intake:gesprek_detail", kwargs={"uuid": gesprek.uuid})).content.decode()
    assert "Opvoeding / ontwikkeling (score 1)" in html and "Financiën (score 2)" in html
    assert "Werk &amp; opleiding (score" not in html


def test_a_closed_case_offers_no_new_gesprek(client, case_with_household, regisseur):
    from cases import services as case_services

    client.force_login(regisseur)
    url = reverse("intake:gesprek_start", kwargs={"case_uuid": case_with_household.uuid})
    case_services.case_close(actor=regisseur, case=case_with_household, outcome="goal_reached")
    assert client.post(url).status_code == 404
    assert not Gesprek.objects.filter(case=case_with_household).exists()

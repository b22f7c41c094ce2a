"""The Meldcode steps screen: dates per step, all or nothing, audited, writers only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent
from intake import services
from intake.constants import MeldcodeStepKind, TriageRoute
from intake.models import MeldcodeStep

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def safety_case(make_signal, regisseur):  # type: ignore[no-untyped-def]
    signal = make_signal(received_on=TODAY() - datetime.timedelta(days=10))
    signal = services.signal_triage(actor=regisseur, signal=signal, route=TriageRoute.SAFETY, regisseur=regisseur)
    return signal.case


def _url(case):  # type: ignore[no-untyped-def]
    return reverse("intake:meldcode_steps", kwargs={"case_uuid": case.uuid})


def _dates(case):  # type: ignore[no-untyped-def]
    return dict(MeldcodeStep.objects.filter(case=case).values_list("step", "done_on"))


def test_meldcode_page_lists_five_steps_with_a_date_field_each(client, safety_case, regisseur):
    client.force_login(regisseur)
    response = client.get(_url(safety_case))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in MeldcodeStepKind:
        assert str(kind.label) in html
        assert f'name="step_{kind.value}"' in html
    assert 'type="date"' in html and "Meldcodestappen opslaan" in html


def test_saving_dates_records_them_and_audits_each_step_once(client, safety_case, regisseur):
    client.force_login(regisseur)
    before = AuditEvent.objects.filter(action="meldcode_step").count()
    day1, day2 = TODAY() - datetime.timedelta(days=9), TODAY() - datetime.timedelta(days=2)
    response = client.post(_url(safety_case), {"step_1": day1.isoformat(), "step_2": day2.isoformat()})
    assert response.status_code == 302
    assert _dates(safety_case) == {1: day1, 2: day2, 3: None, 4: None, 5: None}
    events = AuditEvent.objects.filter(action="meldcode_step").order_by("pk")[before:]
    assert len(events) == 2 and all(e.case_uuid == safety_case.uuid for e in events)
    # Saving the same dates again writes nothing new.
    client.post(_url(safety_case), {"step_1": day1.isoformat(), "step_2": day2.isoformat()})
    assert AuditEvent.objects.filter(action="meldcode_step").count() == before + 2


def test_a_date_in_the_future_is_refused_in_dutch_and_nothing_is_saved(client, safety_case, regisseur):
    client.force_login(regisseur)
    response = client.post(
        _url(safety_case),
        {"step_1": TODAY().isoformat(), "step_2": (TODAY() + datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "De datum ligt in de toekomst." in html and "Er is niets opgeslagen" in html
    assert set(_dates(safety_case).values()) == {None}  # step 1 was valid, but all or nothing


def test_a_date_before_the_signal_was_received_is_refused_and_nothing_saved(client, safety_case, regisseur):
    client.force_login(regisseur)
    too_early = TODAY() - datetime.timedelta(days=11)
    response = client.post(_url(safety_case), {"step_1": too_early.isoformat()})
    assert response.status_code == 200
    assert "vóór de ontvangst van het signaal" in response.content.decode()
    assert set(_dates(safety_case).values()) == {None}


def test_a_recorded_date_can_be_corrected_but_not_erased(client, safety_case, regisseur):
    client.force_login(regisseur)
    client.post(_url(safety_case), {"step_1": TODAY().isoformat()})
    response = client.post(_url(safety_case), {"step_1": ""})
    assert "kan niet worden leeggemaakt" in response.content.decode()
    corrected = TODAY() - datetime.timedelta(days=1)
    client.post(_url(safety_case), {"step_1": corrected.isoformat()})
    assert _dates(safety_case)[1] == corrected


def test_a_malformed_date_is_refused_in_dutch(client, safety_case, regisseur):
    client.force_login(regisseur)
    response = client.post(_url(safety_case), {"step_1": "gisteren"})
    assert response.status_code == 200
    assert "Voer een geldige datum in" in response.content.decode()
    assert set(_dates(safety_case).values()) == {None}


def test_user_without_write_access_gets_404_and_saves_nothing(client, safety_case, make_user, team, teamleider):
    colleague = make_user(Role.REGISSEUR, team=team)  # same team, no share on the case
    outsider = make_user(Role.REGISSEUR)
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.get(_url(safety_case)).status_code == 404
        assert client.post(_url(safety_case), {"step_1": TODAY().isoformat()}).status_code == 404
    assert set(_dates(safety_case).values()) == {None}


def test_case_without_safety_flag_has_no_meldcode_page(client, case_with_household, regisseur):
    client.force_login(regisseur)
    assert client.get(_url(case_with_household)).status_code == 404


def test_signal_detail_links_to_the_meldcode_page_for_writers(client, safety_case, regisseur):
    client.force_login(regisseur)
    signal = safety_case.signals.get()
    html = client.get(reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})).content.decode()
    assert _url(safety_case) in html


def test_service_refuses_a_date_before_the_signal(safety_case, regisseur):
    from django.core.exceptions import ValidationError

    step = MeldcodeStep.objects.get(case=safety_case, step=MeldcodeStepKind.SIGNALS)
    with pytest.raises(ValidationError):
        services.meldcode_step_complete(actor=regisseur, step=step, done_on=TODAY() - datetime.timedelta(days=30))
    step.refresh_from_db()
    assert step.done_on is None

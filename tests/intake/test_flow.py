"""The flow moves by itself (issue 10, item 3): a final gesprek completes the waiting
signals, one open draft per case, triage lands on the case, the triage form per route."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from intake import selectors, services
from intake.constants import GesprekStatus, SignalStatus, TriageRoute
from intake.forms import TriageForm
from intake.models import Gesprek

pytestmark = pytest.mark.django_db


def _finalise(actor, gesprek):  # type: ignore[no-untyped-def]
    household = gesprek.case.household
    return services.gesprek_save(
        actor=actor,
        gesprek=gesprek,
        expected_version=gesprek.version,
        fields={"date": timezone.localdate(), "place": "thuis"},
        member_ids=set(household.members.values_list("pk", flat=True)),
        contact_ids=set(),
        scores=[],
        final=True,
    )


def _triaged(make_signal, regisseur):  # type: ignore[no-untyped-def]
    signal = make_signal()
    return services.signal_triage(
        actor=regisseur,
        signal=signal,
        route=TriageRoute.CASE,
        regisseur=regisseur,
        gesprek_planned_on=timezone.localdate(),
    )


def test_a_final_gesprek_moves_its_signal_out_of_wacht_op_gesprek(client, make_signal, regisseur):
    signal = _triaged(make_signal, regisseur)
    assert selectors.signal_status_counts(user=regisseur)[SignalStatus.WAITING] == 1
    draft = services.gesprek_start(actor=regisseur, case=signal.case)
    _finalise(regisseur, draft)  # a draft save leaves it waiting; only the final one moves it
    signal.refresh_from_db()
    assert signal.status == SignalStatus.DONE
    counts = selectors.signal_status_counts(user=regisseur)
    assert counts[SignalStatus.WAITING] == 0 and counts[SignalStatus.DONE] == 1
    client.force_login(regisseur)
    html = client.get(reverse("intake:inbox") + "?status=waiting").content.decode()
    assert reverse("intake:signal_detail", kwargs={"uuid": signal.uuid}) not in html


def test_a_draft_save_leaves_the_signal_waiting(make_signal, regisseur):
    signal = _triaged(make_signal, regisseur)
    draft = services.gesprek_start(actor=regisseur, case=signal.case)
    services.gesprek_save(
        actor=regisseur,
        gesprek=draft,
        expected_version=draft.version,
        fields={"date": timezone.localdate(), "place": "thuis"},
        member_ids=set(),
        contact_ids=set(),
        scores=[],
        final=False,
    )
    signal.refresh_from_db()
    assert signal.status == SignalStatus.WAITING


def test_nieuw_gesprek_opens_the_open_draft_instead_of_creating_another(client, case_with_household, regisseur):
    first = services.gesprek_start(actor=regisseur, case=case_with_household)
    assert services.gesprek_start(actor=regisseur, case=case_with_household) == first
    client.force_login(regisseur)
    url = reverse("intake:gesprek_start", kwargs={"case_uuid": case_with_household.uuid})
    for _ in range(2):  # a double click
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("intake:gesprek_edit", kwargs={"uuid": first.uuid})
    assert Gesprek.objects.filter(case=case_with_household).count() == 1
    # Once it is final, "Nieuw gesprek" starts the next one.
    _finalise(regisseur, first)
    second = services.gesprek_start(actor=regisseur, case=case_with_household)
    assert second != first and second.status == GesprekStatus.DRAFT


def test_the_database_refuses_a_second_open_draft(case_with_household, regisseur):
    services.gesprek_start(actor=regisseur, case=case_with_household)
    with pytest.raises(IntegrityError), transaction.atomic():
        Gesprek.objects.create(case=case_with_household, created_by=regisseur, status=GesprekStatus.DRAFT)
    # Final ones are not limited.
    Gesprek.objects.create(case=case_with_household, created_by=regisseur, status=GesprekStatus.FINAL)
    Gesprek.objects.create(case=case_with_household, created_by=regisseur, status=GesprekStatus.FINAL)


def test_after_triage_into_a_case_the_regisseur_lands_on_the_case(client, make_signal, regisseur):
    signal = make_signal()
    client.force_login(regisseur)
    response = client.post(
        reverse("intake:signal_detail", kwargs={"uuid": signal.uuid}),
        {"route": "case", "regisseur": regisseur.pk, "gesprek_planned_on": timezone.localdate().isoformat()},
    )
    signal.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[signal.case.uuid])
    assert client.get(response["Location"]).status_code == 200


def test_triage_for_a_colleague_lands_on_the_signal_when_the_case_is_not_yours(client, make_signal, make_user, team):
    triager = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    signal = make_signal(actor=triager)
    client.force_login(triager)
    response = client.post(
        reverse("intake:signal_detail", kwargs={"uuid": signal.uuid}),
        {"route": "case", "regisseur": colleague.pk, "gesprek_planned_on": timezone.localdate().isoformat()},
    )
    assert response["Location"] == reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})


def test_advice_triage_ignores_the_case_fields_someone_filled_in(client, make_signal, regisseur):
    signal = make_signal()
    client.force_login(regisseur)
    long_ago = (signal.received_on - datetime.timedelta(days=400)).isoformat()
    response = client.post(
        reverse("intake:signal_detail", kwargs={"uuid": signal.uuid}),
        {"route": "advice", "advice_outcome": "information", "gesprek_planned_on": long_ago, "regisseur": "x"},
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == SignalStatus.DONE and signal.gesprek_planned_on is None and signal.case is None


def test_triage_form_keeps_only_the_chosen_routes_fields(regisseur, team):
    from intake.selectors import team_regisseurs

    data = {"route": "case", "advice_outcome": "information", "regisseur": regisseur.pk, "gesprek_planned_on": ""}
    form = TriageForm(data, regisseurs=team_regisseurs(team=team))
    assert form.is_valid()
    assert form.cleaned_data["advice_outcome"] == "" and form.cleaned_data["regisseur"] == regisseur


def test_triage_page_groups_the_fields_per_route_for_the_script(client, make_signal, regisseur):
    signal = make_signal()
    client.force_login(regisseur)
    html = client.get(reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})).content.decode()
    assert 'data-route-group="advice"' in html and 'data-route-group="case safety"' in html
    assert "js/triage.js" in html and "<script>" not in html


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_nieuw_gesprek_clicks_end_with_one_draft(case_with_household, regisseur):
    """A real race on PostgreSQL: the second insert waits on the unique index, fails when the
    first commits, and the second caller gets the first one's draft."""
    import threading

    from django.db import connection

    created, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = services.gesprek_start(actor=regisseur, case=case_with_household)
                created.set()
                release.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            created.wait(10)
            results["second"] = services.gesprek_start(actor=regisseur, case=case_with_household)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    created.wait(10)
    threading.Event().wait(0.5)  # let the second insert reach the index and wait there
    release.set()
    for t in threads:
        t.join(20)
    assert results["second"] == results["first"]
    assert Gesprek.objects.filter(case=case_with_household, status=GesprekStatus.DRAFT).count() == 1

"""The expert team sees a case only while an escalation gives access (checked at read time)."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from arrangements import services
from arrangements.models import ExpertAccess
from cases import permissions, selectors
from tests.arrangements.test_services import _escalate

pytestmark = pytest.mark.django_db

D = Decimal


def expert_urls(world, escalation, decision=None):  # type: ignore[no-untyped-def]
    case = world.case
    urls = [
        reverse("cases:detail", args=[case.uuid]),
        reverse("arrangements:case_list", args=[case.uuid]),
        reverse("arrangements:case_escalations", args=[case.uuid]),
        reverse("arrangements:escalation_detail", args=[case.uuid, escalation.uuid]),
        reverse("arrangements:detail", args=[case.uuid, escalation.arrangement.uuid]),
    ]
    if decision is not None:
        urls.append(reverse("arrangements:decision_pdf", args=[case.uuid, decision.uuid]))
    return urls


def _as_staff(user):  # type: ignore[no-untyped-def]
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename="view_case"))


def test_expert_without_escalation_gets_404_everywhere(client, world):
    escalation = _escalate(world)
    services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=True,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="Indicatie gesteld na overleg.",
    )
    decision = escalation.arrangement.decisions.get()
    _as_staff(world.expert)
    client.force_login(world.expert)
    for url in expert_urls(world, escalation, decision):
        assert client.get(url).status_code == 404, url
    assert world.case not in selectors.case_list_for_user(user=world.expert)
    assert client.get(reverse("admin:cases_case_change", args=[world.case.pk])).status_code == 404
    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert world.case.number not in changelist.content.decode()
    # the queue shows nothing closed, and no case content
    assert world.case.number not in client.get(reverse("arrangements:escalations")).content.decode()


def test_expert_reads_while_open_and_gets_404_one_second_after_close(client, world):
    escalation = _escalate(world)
    _as_staff(world.expert)
    client.force_login(world.expert)
    for url in expert_urls(world, escalation):
        assert client.get(url).status_code == 200, url
    assert world.case in selectors.case_list_for_user(user=world.expert)
    assert client.get(reverse("admin:cases_case_change", args=[world.case.pk])).status_code == 200
    # read only: no write pages
    assert client.get(reverse("arrangements:new", args=[world.case.uuid])).status_code == 404

    services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=False,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="Een algemene voorziening volstaat.",
    )
    time.sleep(1)
    for url in expert_urls(world, escalation):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("admin:cases_case_change", args=[world.case.pk])).status_code == 404


def test_access_lapses_at_read_time_after_the_maximum_period_without_a_task(client, world):
    escalation = _escalate(world)
    client.force_login(world.expert)
    url = reverse("arrangements:escalation_detail", args=[world.case.uuid, escalation.uuid])
    assert client.get(url).status_code == 200
    # The maximum period has passed; no task has run: the guardian grant is still there.
    ExpertAccess.objects.filter(escalation=escalation).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url).status_code == 404
    assert not permissions.can_read(world.expert, world.case)
    assert world.case not in selectors.case_list_for_user(user=world.expert)
    assert [e.name for e in selectors.case_access_list(case=world.case)] == []
    # the tidy-up task then removes the grant, and a second run finds nothing
    from arrangements.access import expert_access_revoke_lapsed

    assert expert_access_revoke_lapsed() == 1
    assert expert_access_revoke_lapsed() == 0


def test_take_over_gives_write_and_close_takes_it_away(world):
    escalation = _escalate(world)
    assert not permissions.can_write(world.expert, world.case)
    services.escalation_take_over(actor=world.expert, escalation=escalation)
    assert permissions.can_write(world.expert, world.case)
    escalation.refresh_from_db()
    services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=True,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="Na overname van het dossier toegekend.",
    )
    assert not permissions.can_write(world.expert, world.case)
    assert not permissions.can_read(world.expert, world.case)


def test_who_has_access_shows_the_expert_while_open(world):
    escalation = _escalate(world)
    (entry,) = selectors.case_access_list(case=world.case)
    assert entry.principal_id == world.expert.pk and entry.access == "read"
    assert entry.note.startswith("expertiseteam, uiterlijk tot")
    services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=False,
        legal_basis="art. 2.3.5 Wmo 2015",
        motivation="Algemene voorziening volstaat.",
    )
    assert selectors.case_access_list(case=world.case) == []


def test_an_earlier_personal_share_survives_the_escalation(world, make_user):
    from socialdomain import authz

    authz.grant(codename=permissions.VIEW, to=world.expert, obj=world.case)
    escalation = _escalate(world)
    services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=False,
        legal_basis="art. 2.3.5 Wmo 2015",
        motivation="Algemene voorziening volstaat.",
    )
    assert permissions.can_read(world.expert, world.case)


def test_an_unassigned_expert_of_the_team_picks_the_question_up_from_the_queue(client, world, make_user):
    from accounts.constants import Role

    colleague = make_user(Role.EXPERT, team=world.expert_team)
    escalation = _escalate(world)
    client.force_login(colleague)
    detail = reverse("arrangements:escalation_detail", args=[world.case.uuid, escalation.uuid])
    assert client.get(detail).status_code == 404
    response = client.post(reverse("arrangements:escalation_pick", args=[escalation.uuid]))
    assert response.status_code == 302 and response.url == detail
    assert client.get(detail).status_code == 200
    # the first expert lost access by the reassignment
    assert not permissions.can_read(world.expert, world.case)


def test_an_expert_of_another_team_cannot_pick_up(client, world, make_user):
    from accounts.constants import Role

    stranger = make_user(Role.EXPERT)
    escalation = _escalate(world)
    client.force_login(stranger)
    assert client.post(reverse("arrangements:escalation_pick", args=[escalation.uuid])).status_code == 404


def test_two_escalations_of_one_case_access_ends_with_the_last(world):
    first = _escalate(world)
    second = services.escalation_open(
        actor=world.regisseur,
        case=world.case,
        expert_team=world.expert_team,
        reason="advice",
        urgency="normal",
        question="Tweede vraag",
        assigned_expert=world.expert,
    )
    services.escalation_advise(actor=world.expert, escalation=second, advice="Eerst schuldhulp inzetten.")
    assert permissions.can_read(world.expert, world.case)  # the first is still open
    services.escalation_decide(
        actor=world.expert,
        escalation=first,
        granted=False,
        legal_basis="art. 2.3.5 Wmo 2015",
        motivation="Algemene voorziening volstaat.",
    )
    assert not permissions.can_read(world.expert, world.case)

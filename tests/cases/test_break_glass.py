"""Break-glass: time-limited emergency access with a reason, flagged, revoked, reported."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Notification
from audit.models import AuditEvent
from cases import breakglass
from cases.models import BreakGlassAccess, Case
from cases.selectors import case_get_for_user, case_list_for_user
from cases.tasks import notify_break_glass, revoke_expired_break_glass
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory


@pytest.fixture
def crisis(make_user):  # type: ignore[no-untyped-def]
    team = TeamFactory()
    leader = make_user(Role.TEAMLEIDER, team=team, email="leider@example.invalid")
    case = CaseFactory(team=team)
    night_shift = make_user(Role.REGISSEUR, team=TeamFactory(municipality=team.municipality))
    return case, night_shift, leader


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "crisis"])
def test_break_glass_needs_a_reason(crisis, reason, django_capture_on_commit_callbacks):
    case, user, _ = crisis
    with pytest.raises(ValidationError) as exc, django_capture_on_commit_callbacks(execute=False) as callbacks:
        breakglass.break_glass_open(actor=user, case=case, reason=reason)
    assert "reason" in exc.value.message_dict
    assert not BreakGlassAccess.objects.exists()
    assert callbacks == []
    with pytest.raises(Case.DoesNotExist):
        case_get_for_user(user=user, uuid=case.uuid)


@pytest.mark.django_db
def test_break_glass_is_refused_to_roles_without_casework(crisis, make_user):
    case, _, _ = crisis
    controller = make_user(Role.CONTROLLER, team=case.team)
    with pytest.raises(PermissionDenied):
        breakglass.break_glass_open(actor=controller, case=case, reason="Crisis bij het gezin vannacht")
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.django_db
def test_break_glass_is_refused_when_access_exists(crisis):
    case, _, _ = crisis
    with pytest.raises(ValidationError):
        breakglass.break_glass_open(actor=case.regisseur, case=case, reason="Crisis bij het gezin vannacht")


@pytest.mark.django_db
def test_break_glass_opens_the_case_and_is_flagged_in_the_access_log(crisis, django_capture_on_commit_callbacks):
    case, user, _ = crisis
    with django_capture_on_commit_callbacks(execute=False):
        access = breakglass.break_glass_open(
            actor=user, case=case, reason="Politie belt: crisis, regisseur onbereikbaar"
        )
    assert case_get_for_user(user=user, uuid=case.uuid) == case
    assert breakglass.break_glass_active_for(user=user, case=case)
    assert access.expires_at - access.granted_at == pytest.approx(timedelta(hours=8), abs=timedelta(seconds=5))
    event = AuditEvent.objects.get(case_uuid=case.uuid, action="break_glass_open")
    assert event.flagged is True
    assert event.actor == user
    assert event.purpose == "Politie belt: crisis, regisseur onbereikbaar"


@pytest.mark.integration
def test_break_glass_is_revoked_after_its_period_once_and_leader_notified_once(crisis, celery_worker):
    case, user, leader = crisis
    access = breakglass.break_glass_open(actor=user, case=case, reason="Crisis in de nacht, huisverbod opgelegd")

    # The worker picked up the notification after commit: exactly one mail to the leader.
    deadline = time.monotonic() + 15
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert case.number in mail.outbox[0].subject
    assert notify_break_glass.delay(access.pk).get(timeout=15) is False
    assert len(mail.outbox) == 1

    # Not yet expired: the periodic task leaves it alone.
    assert revoke_expired_break_glass.delay().get(timeout=15) == 0
    BreakGlassAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert revoke_expired_break_glass.delay().get(timeout=15) == 1
    assert revoke_expired_break_glass.delay().get(timeout=15) == 0

    assert not case_list_for_user(user=user).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(case_uuid=case.uuid, action="break_glass_revoke", flagged=True).count() == 1


@pytest.mark.django_db
def test_revoking_break_glass_keeps_an_earlier_share_of_someone_else(crisis, make_user):
    case, user, _ = crisis
    from cases import services

    colleague = make_user(Role.REGISSEUR, team=case.team)
    services.case_share(actor=case.regisseur, case=case, user=colleague, access="read")
    breakglass.break_glass_open(actor=user, case=case, reason="Crisis in de nacht, huisverbod opgelegd")
    BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert breakglass.break_glass_revoke_expired() == 1
    assert case_get_for_user(user=colleague, uuid=case.uuid) == case


@pytest.mark.django_db
def test_break_glass_notify_tells_each_team_leader_in_the_app_once(crisis, make_user):
    case, user, leader = crisis
    second_leader = make_user(Role.TEAMLEIDER, team=case.team, email="")
    access = breakglass.break_glass_open(actor=user, case=case, reason="Crisis in de nacht, huisverbod opgelegd")
    assert breakglass.break_glass_notify(access_id=access.pk) is True
    assert breakglass.break_glass_notify(access_id=access.pk) is False

    log_url = reverse("cases:access_log", kwargs={"uuid": case.uuid})
    notes = Notification.objects.order_by("recipient_id")
    assert [n.recipient for n in notes] == sorted([leader, second_leader], key=lambda u: u.pk)
    assert all(case.number in n.text and n.link == log_url and not n.is_read for n in notes)
    assert not Notification.objects.filter(recipient=user).exists()
    # E-mail only to the leader who has an address, with a link to the access log.
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert log_url in mail.outbox[0].body

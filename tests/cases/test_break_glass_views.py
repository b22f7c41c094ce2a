"""The break-glass screen (/noodtoegang/) and the case page read through it, over HTTP."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent, EventKind
from cases import breakglass
from cases.models import BreakGlassAccess
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

REASON = "Politie belt: crisis, regisseur onbereikbaar"


@pytest.fixture
def crisis(make_user):  # type: ignore[no-untyped-def]
    team = TeamFactory()
    case = CaseFactory(team=team)
    night_shift = make_user(Role.REGISSEUR, team=TeamFactory(municipality=team.municipality))
    return case, night_shift


def test_break_glass_page_renders_in_dutch(client, crisis):
    _case, user = crisis
    client.force_login(user)
    response = client.get(reverse("break_glass"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Noodtoegang tot een dossier" in body
    assert "Dossiernummer" in body and "Reden" in body


def test_break_glass_without_a_reason_shows_a_dutch_error_and_grants_nothing(client, crisis):
    case, user = crisis
    client.force_login(user)
    response = client.post(reverse("break_glass"), {"number": case.number, "reason": ""})
    assert response.status_code == 200
    assert "Dit veld is vereist." in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404


def test_break_glass_with_a_too_short_reason_shows_a_dutch_error_and_grants_nothing(client, crisis):
    case, user = crisis
    client.force_login(user)
    response = client.post(reverse("break_glass"), {"number": case.number, "reason": "crisis"})
    assert response.status_code == 200
    assert "Geef een reden van minstens 10 tekens." in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_with_an_unknown_case_number_shows_a_dutch_error(client, crisis):
    _case, user = crisis
    client.force_login(user)
    response = client.post(reverse("break_glass"), {"number": "Z-0000-99999", "reason": REASON})
    assert response.status_code == 200
    assert "Geen dossier gevonden met dit nummer in uw gemeente." in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_for_a_case_in_another_municipality_looks_unknown(client, crisis, make_user):
    case, _user = crisis
    outsider = make_user(Role.REGISSEUR, team=TeamFactory())
    client.force_login(outsider)
    response = client.post(reverse("break_glass"), {"number": case.number, "reason": REASON})
    assert "Geen dossier gevonden met dit nummer in uw gemeente." in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.parametrize("role", [Role.CONTROLLER, Role.STAFF])
def test_break_glass_screen_is_refused_to_roles_without_casework(client, crisis, make_user, role):
    case, _user = crisis
    other = make_user(role, team=case.team)
    client.force_login(other)
    assert client.get(reverse("break_glass")).status_code in (403, 404)
    response = client.post(reverse("break_glass"), {"number": case.number, "reason": REASON})
    assert response.status_code in (403, 404)
    assert not BreakGlassAccess.objects.exists()


def test_valid_break_glass_redirects_to_the_case_whose_read_is_flagged_with_a_banner(client, crisis):
    case, user = crisis
    client.force_login(user)
    response = client.post(reverse("break_glass"), {"number": case.number, "reason": REASON})
    detail = reverse("cases:detail", args=[case.uuid])
    assert response.status_code == 302 and response["Location"] == detail

    response = client.get(detail)
    assert response.status_code == 200
    access = BreakGlassAccess.objects.get(user=user, case=case)
    until = timezone.localtime(access.expires_at).strftime("%H:%M")
    assert f"U heeft tijdelijk noodtoegang tot dit dossier tot {until}." in response.content.decode()
    read = AuditEvent.objects.get(case_uuid=case.uuid, kind=EventKind.READ, actor=user)
    assert read.flagged is True
    assert read.purpose == f"noodtoegang #{access.pk}"
    assert REASON not in read.purpose  # the free-text reason lives on the access, not on every read


def test_flagged_reads_show_a_noodtoegang_badge_in_the_access_log(client, crisis):
    case, user = crisis
    breakglass.break_glass_open(actor=user, case=case, reason=REASON)
    client.force_login(user)
    client.get(reverse("cases:detail", args=[case.uuid]))
    client.force_login(case.regisseur)
    client.get(reverse("cases:detail", args=[case.uuid]))
    response = client.get(reverse("cases:access_log", args=[case.uuid]))
    body = response.content.decode()
    # break_glass_open and the flagged read carry the label; the regisseur's own read does not.
    assert body.count('<span class="badge badge--danger">noodtoegang</span>') == 2
    assert body.count("access-log__row--flagged") == 2
    assert REASON in body  # the team leader reviews the stated reason here


def test_ordinary_case_read_is_not_flagged_and_shows_no_banner(client, crisis):
    case, _user = crisis
    client.force_login(case.regisseur)
    response = client.get(reverse("cases:detail", args=[case.uuid]))
    assert "noodtoegang tot dit dossier" not in response.content.decode()
    read = AuditEvent.objects.get(case_uuid=case.uuid, kind=EventKind.READ)
    assert read.flagged is False and read.purpose == "casusregie"


def test_expired_break_glass_closes_the_case_before_the_revoke_task_runs(client, crisis):
    # Was: "the grant lasts until the periodic task revokes it". Expiry is now part of the
    # permission check itself; the task only tidies the grants up afterwards.
    case, user = crisis
    breakglass.break_glass_open(actor=user, case=case, reason=REASON)
    BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(user)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    assert client.get(reverse("cases:edit", args=[case.uuid])).status_code == 404
    assert case.number not in client.get(reverse("cases:list")).content.decode()
    assert breakglass.break_glass_revoke_expired() == 1
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404

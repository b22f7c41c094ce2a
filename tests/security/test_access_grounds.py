"""NEN 7513: every read in the access log says on what ground the record was reached.

`socialdomain.audit.audit_read` takes `ground` as a required keyword and refuses anything
that is not an `AccessGround` (the structural guarantee); these tests reach a case on each
ground a person can have and check what the log says, and what the case page shows.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AccessGround, AuditEvent, EventKind
from cases import breakglass, services
from cases.constants import Access
from socialdomain.audit import audit_read, audit_read_many
from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.arrangements.factories import world_create
from tests.arrangements.test_services import _escalate
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _read_ground(client, user, case) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 200
    event = AuditEvent.objects.filter(kind=EventKind.READ, case_uuid=case.uuid, actor=user).latest("pk")
    return event.ground


@pytest.fixture
def case_world(make_user):  # type: ignore[no-untyped-def]
    team = TeamFactory()
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    return team, regisseur, case


def test_the_regisseur_reads_as_regisseur(client, case_world):
    _team, regisseur, case = case_world
    assert _read_ground(client, regisseur, case) == AccessGround.REGISSEUR


def test_the_team_leader_reads_as_team_leader(client, case_world, make_user):
    team, _regisseur, case = case_world
    leader = make_user(Role.TEAMLEIDER, team=team)
    assert _read_ground(client, leader, case) == AccessGround.TEAM_LEADER


def test_a_personal_share_reads_as_share(client, case_world, make_user):
    team, regisseur, case = case_world
    colleague = make_user(Role.REGISSEUR, team=team)
    services.case_share(actor=regisseur, case=case, access=Access.READ, user=colleague)
    assert _read_ground(client, colleague, case) == AccessGround.SHARE


def test_a_share_with_the_cases_own_team_reads_as_team(client, case_world, make_user):
    team, regisseur, case = case_world
    colleague = make_user(Role.REGISSEUR, team=team)
    services.case_share(actor=regisseur, case=case, access=Access.READ, team=team)
    assert _read_ground(client, colleague, case) == AccessGround.TEAM


def test_a_share_with_another_team_reads_as_share(client, case_world, make_user):
    team, regisseur, case = case_world
    other = TeamFactory(municipality=team.municipality)
    outsider = make_user(Role.REGISSEUR, team=other)
    services.case_share(actor=regisseur, case=case, access=Access.READ, team=other)
    assert _read_ground(client, outsider, case) == AccessGround.SHARE


def test_break_glass_reads_as_break_glass_and_stays_flagged(client, case_world, make_user):
    team, _regisseur, case = case_world
    night_shift = make_user(Role.REGISSEUR, team=TeamFactory(municipality=team.municipality))
    access = breakglass.break_glass_open(actor=night_shift, case=case, reason="Crisis in de nacht, regisseur weg")
    assert _read_ground(client, night_shift, case) == AccessGround.BREAK_GLASS
    event = AuditEvent.objects.filter(kind=EventKind.READ, actor=night_shift).latest("pk")
    assert event.flagged and event.purpose == f"noodtoegang #{access.pk}"


def test_an_expired_break_glass_no_longer_names_the_ground(client, case_world, make_user):
    team, _regisseur, case = case_world
    night_shift = make_user(Role.REGISSEUR, team=TeamFactory(municipality=team.municipality))
    access = breakglass.break_glass_open(actor=night_shift, case=case, reason="Crisis in de nacht, regisseur weg")
    type(access).objects.filter(pk=access.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(night_shift)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404


def test_the_expert_of_an_escalation_reads_as_escalation(client):
    world = world_create()
    _escalate(world)
    assert _read_ground(client, world.expert, world.case) == AccessGround.ESCALATION


def test_the_expert_with_an_own_share_reads_as_share_once_the_escalation_ends(client):
    world = world_create()
    services.case_share(actor=world.regisseur, case=world.case, access=Access.READ, user=world.expert)
    escalation = _escalate(world)
    assert _read_ground(client, world.expert, world.case) == AccessGround.ESCALATION
    from arrangements.access import expert_access_end

    expert_access_end(escalation=escalation)
    assert _read_ground(client, world.expert, world.case) == AccessGround.SHARE


def test_an_admin_read_of_a_case_reads_as_administration(client, case_world):
    _team, regisseur, case = case_world
    regisseur.is_staff = True
    regisseur.save()
    regisseur.user_permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename="view_case"))
    client.force_login(regisseur)
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    event = AuditEvent.objects.filter(kind=EventKind.READ, view="admin:cases_case_change").latest("pk")
    assert event.ground == AccessGround.ADMINISTRATION


def test_reading_an_unlinked_signal_reads_as_team(client, make_user):
    import datetime

    from intake import services as intake_services
    from intake.constants import SignalSource

    team = TeamFactory()
    regisseur = make_user(Role.REGISSEUR, team=team)
    person = intake_services.PersonInput(
        first_name="Chantal", last_name="Jansen", birth_date=datetime.date(1991, 3, 14), bsn=""
    )
    signal = intake_services.signal_create(
        actor=regisseur, team=team, source=SignalSource.SCHOOL, question="Vaak te laat.", persons=[person]
    )
    client.force_login(regisseur)
    assert client.get(reverse("intake:signal_detail", args=[signal.uuid])).status_code == 200
    event = AuditEvent.objects.filter(kind=EventKind.READ, target_id=str(signal.uuid)).get()
    assert event.ground == AccessGround.TEAM


def test_audit_read_without_a_ground_is_impossible(case_world):
    _team, regisseur, case = case_world
    with pytest.raises(TypeError):
        audit_read(actor=regisseur, obj=case, case_uuid=case.uuid, view="x")  # type: ignore[call-arg]
    for wrong in ("", "because", None):
        with pytest.raises(ValueError, match="AccessGround"):
            audit_read(actor=regisseur, obj=case, case_uuid=case.uuid, view="x", ground=wrong)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="AccessGround"):
            audit_read_many(reads=[(case, case.uuid, wrong)], view="x")  # type: ignore[list-item]
    assert not AuditEvent.objects.filter(kind=EventKind.READ, view="x").exists()


def test_the_ground_costs_no_query_beyond_the_old_break_glass_lookup(rf, case_world, make_user):
    """Fetch the case, one lookup for ground + break-glass, one insert: the same three as before."""
    from cases.access import case_get_and_log_read

    team, _regisseur, case = case_world
    leader = make_user(Role.TEAMLEIDER, team=team)
    leader.roles  # noqa: B018 - loaded once per request by the middleware and navigation anyway
    request = rf.get("/")
    request.user = leader
    with CaptureQueriesContext(connection) as queries:
        access = case_get_and_log_read(request=request, uuid=case.uuid)
    assert access.ground == AccessGround.TEAM_LEADER
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_the_case_log_shows_the_ground_in_dutch_and_the_partner_of_an_api_read(client, case_world):
    _team, regisseur, case = case_world
    organisation = OrganisationFactory(name="Zorgaanbieder De Berkel")
    audit_read(
        actor=None,
        obj=case,
        case_uuid=case.uuid,
        view="partners:api",
        ground=AccessGround.PARTNER_CONSENT,
        organisation=organisation,
        client="berkel-portaal",
    )
    client.force_login(regisseur)
    client.get(reverse("cases:detail", args=[case.uuid]))
    body = client.get(reverse("cases:access_log", args=[case.uuid])).content.decode()
    assert "Grondslag" in body
    assert "Regisseur van het dossier" in body
    assert "Toestemming voor delen met de aanbieder" in body
    assert "Zorgaanbieder De Berkel" in body and "API-client berkel-portaal" in body
    tab = client.get(reverse("cases:section", args=[case.uuid, "toegang"])).content.decode()
    assert "(Regisseur van het dossier)" in tab


def test_a_user_without_any_ground_never_reaches_the_log(client, case_world):
    _team, _regisseur, case = case_world
    stranger = UserFactory()
    MembershipFactory(user=stranger, team=TeamFactory(), role=Role.REGISSEUR)
    client.force_login(stranger)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    assert not AuditEvent.objects.filter(kind=EventKind.READ, actor=stranger).exists()

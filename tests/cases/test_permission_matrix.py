"""The per-case permission matrix over HTTP (docs/permissions-matrix.md holds the same table).

404 for a case the user may not see *and* for an action the user may not take on a
case they can read: the answer never reveals that a case exists.
"""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.constants import Role
from cases import services
from tests.accounts.factories import MunicipalityFactory, TeamFactory
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

ACTIONS = ["list", "detail", "edit", "share", "access_log", "reassign", "close"]

# actor → expected answer per action ("list": is the case in "Mijn dossiers")
MATRIX = {
    "regisseur": {
        "list": True,
        "detail": 200,
        "edit": 200,
        "share": 200,
        "access_log": 200,
        "reassign": 404,
        "close": 200,
    },
    "read_share": {
        "list": True,
        "detail": 200,
        "edit": 404,
        "share": 404,
        "access_log": 404,
        "reassign": 404,
        "close": 404,
    },
    "write_share": {
        "list": True,
        "detail": 200,
        "edit": 200,
        "share": 404,
        "access_log": 404,
        "reassign": 404,
        "close": 200,
    },
    "teamleider": {
        "list": True,
        "detail": 200,
        "edit": 404,
        "share": 404,
        "access_log": 200,
        "reassign": 200,
        "close": 404,
    },
    "other_team_regisseur": dict.fromkeys(ACTIONS, 404) | {"list": False},
    "other_municipality_regisseur": dict.fromkeys(ACTIONS, 404) | {"list": False},
    "expert": dict.fromkeys(ACTIONS, 404) | {"list": False},
    "controller": dict.fromkeys(ACTIONS, 404) | {"list": False},
    "functional_admin": dict.fromkeys(ACTIONS, 404) | {"list": False},
    # The case is shared read ("meelezen") with team S: only its casework roles get it.
    "team_share_regisseur": {
        "list": True,
        "detail": 200,
        "edit": 404,
        "share": 404,
        "access_log": 404,
        "reassign": 404,
        "close": 404,
    },
    "team_share_controller": dict.fromkeys(ACTIONS, 404) | {"list": False},
    "team_share_staff": dict.fromkeys(ACTIONS, 404) | {"list": False},
}


@pytest.fixture
def world(make_user):  # type: ignore[no-untyped-def]
    municipality = MunicipalityFactory(name="Lochem-test")
    team = TeamFactory(municipality=municipality)
    other_team = TeamFactory(municipality=municipality)
    expertise = TeamFactory(municipality=municipality, expertise=True)
    shared_team = TeamFactory(municipality=municipality)
    elsewhere = TeamFactory(municipality=MunicipalityFactory(name="Zutphen-test"))
    owner = make_user(Role.REGISSEUR, team=team)
    users = {
        "regisseur": owner,
        "read_share": make_user(Role.REGISSEUR, team=team),
        "write_share": make_user(Role.REGISSEUR, team=other_team),
        "teamleider": make_user(Role.TEAMLEIDER, team=team),
        "other_team_regisseur": make_user(Role.REGISSEUR, team=other_team),
        "other_municipality_regisseur": make_user(Role.REGISSEUR, team=elsewhere),
        "expert": make_user(Role.EXPERT, team=expertise),
        "controller": make_user(Role.CONTROLLER, team=team),
        "functional_admin": make_user(Role.STAFF, team=team, is_staff=True),
        "team_share_regisseur": make_user(Role.REGISSEUR, team=shared_team),
        "team_share_controller": make_user(Role.CONTROLLER, team=shared_team),
        "team_share_staff": make_user(Role.STAFF, team=shared_team, is_staff=True),
    }
    case = CaseFactory(team=team, regisseur=owner)
    services.case_share(actor=owner, case=case, user=users["read_share"], access="read")
    services.case_share(actor=owner, case=case, user=users["write_share"], access="write")
    services.case_share(actor=owner, case=case, team=shared_team, access="read")
    return case, users


def _status(client, case, action):  # type: ignore[no-untyped-def]
    if action == "list":
        response = client.get(reverse("cases:list"))
        assert response.status_code == 200
        return case.number in response.content.decode()
    return client.get(reverse(f"cases:{action}", args=[case.uuid])).status_code


@pytest.mark.parametrize("actor", list(MATRIX))
def test_permission_matrix_over_http(client, world, actor):
    case, users = world
    client.force_login(users[actor])
    answers = {action: _status(client, case, action) for action in ACTIONS}
    assert answers == MATRIX[actor]


def test_revoking_a_share_takes_effect_on_the_next_request(client, world):
    case, users = world
    client.force_login(users["read_share"])
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 200
    client.force_login(users["regisseur"])
    response = client.post(
        reverse("cases:unshare", args=[case.uuid]), {"kind": "user", "principal": users["read_share"].pk}
    )
    assert response.status_code == 302
    client.force_login(users["read_share"])
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    assert case.number not in client.get(reverse("cases:list")).content.decode()


def test_sharing_through_the_form_gives_read_access_without_write(client, world):
    case, users = world
    colleague = users["other_team_regisseur"]
    client.force_login(users["regisseur"])
    response = client.post(reverse("cases:share", args=[case.uuid]), {"user": colleague.pk, "access": "read"})
    assert response.status_code == 302
    client.force_login(colleague)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 200
    assert client.get(reverse("cases:edit", args=[case.uuid])).status_code == 404


def test_regisseur_change_moves_write_access_to_the_new_regisseur(client, world, make_user):
    case, users = world
    new = make_user(Role.REGISSEUR, team=case.team)
    client.force_login(users["teamleider"])
    response = client.post(
        reverse("cases:reassign", args=[case.uuid]), {"regisseur": new.pk, "reason": "no_click", "note": "Overdracht"}
    )
    assert response.status_code == 302
    client.force_login(users["regisseur"])
    assert client.get(reverse("cases:edit", args=[case.uuid])).status_code == 404
    client.force_login(new)
    assert client.get(reverse("cases:edit", args=[case.uuid])).status_code == 200


def test_reassign_refuses_the_initial_reason_with_a_dutch_error(client, world, make_user):
    case, users = world
    new = make_user(Role.REGISSEUR, team=case.team)
    client.force_login(users["teamleider"])
    response = client.post(reverse("cases:reassign", args=[case.uuid]), {"regisseur": new.pk, "reason": "initial"})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    case.refresh_from_db()
    assert case.regisseur == users["regisseur"]


def test_a_controller_who_becomes_regisseur_in_the_shared_team_joins_its_group(client, world):
    case, users = world
    controller = users["team_share_controller"]
    shared_team = users["team_share_regisseur"].memberships.get().team
    assert not controller.groups.filter(pk=shared_team.group_id).exists()
    accounts_services.membership_add(user=controller, team=shared_team, role=Role.REGISSEUR)
    assert controller.groups.filter(pk=shared_team.group_id).exists()
    client.force_login(controller)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 200


def test_unknown_case_answers_404_like_a_forbidden_one(client, world):
    import uuid

    _case, users = world
    client.force_login(users["regisseur"])
    assert client.get(reverse("cases:detail", args=[uuid.uuid4()])).status_code == 404


# --- Signals, person lookup, share recipients and break-glass (issue 9) -----------------
# docs/permissions-matrix.md holds the same tables.

SIGNAL_ACTIONS = ["inbox", "in_inbox", "detail", "new"]

# An unlinked signal received by team T.
SIGNAL_MATRIX = {
    "regisseur": {"inbox": 200, "in_inbox": True, "detail": 200, "new": 200},
    "teamleider": {"inbox": 200, "in_inbox": True, "detail": 200, "new": 200},
    "expert_in_team": {"inbox": 200, "in_inbox": True, "detail": 200, "new": 200},
    "controller": {"inbox": 404, "in_inbox": False, "detail": 404, "new": 404},
    "functional_admin": {"inbox": 404, "in_inbox": False, "detail": 404, "new": 404},
    "other_team_regisseur": {"inbox": 200, "in_inbox": False, "detail": 404, "new": 200},
    "other_municipality_regisseur": {"inbox": 200, "in_inbox": False, "detail": 404, "new": 200},
}

# What typing the BSN of a member of the (open) case tells each actor ("prefill": the
# stored person is reused and shown; "contact": only the logged Verwijsindex contact line;
# "nothing": unknown, exactly as a BSN nobody holds).
LOOKUP_MATRIX = {
    "regisseur": "prefill",
    "read_share": "prefill",
    "write_share": "prefill",
    "teamleider": "prefill",
    "other_team_regisseur": "contact",
    "expert": "contact",
    "team_share_regisseur": "prefill",
    "other_municipality_regisseur": "nothing",
}

# Who the share picker offers and `case_share` accepts.
SHARE_RECIPIENTS = {
    "read_share": True,
    "write_share": True,
    "teamleider": True,
    "other_team_regisseur": True,
    "expert": True,
    "team_share_regisseur": True,
    "controller": False,
    "functional_admin": False,
    "team_share_controller": False,
    "team_share_staff": False,
    "other_municipality_regisseur": False,
}


@pytest.fixture
def signal_world(make_user):  # type: ignore[no-untyped-def]
    import datetime

    from intake import services as intake_services

    municipality = MunicipalityFactory(name="Lochem-signals")
    team = TeamFactory(municipality=municipality)
    users = {
        "regisseur": make_user(Role.REGISSEUR, team=team),
        "teamleider": make_user(Role.TEAMLEIDER, team=team),
        "expert_in_team": make_user(Role.EXPERT, team=team),
        "controller": make_user(Role.CONTROLLER, team=team),
        "functional_admin": make_user(Role.STAFF, team=team, is_staff=True),
        "other_team_regisseur": make_user(Role.REGISSEUR, team=TeamFactory(municipality=municipality)),
        "other_municipality_regisseur": make_user(Role.REGISSEUR, team=TeamFactory()),
    }
    signal = intake_services.signal_create(
        actor=users["regisseur"],
        team=team,
        source="school",
        question="Zorg om een kind.",
        persons=[
            intake_services.PersonInput(first_name="Myra", last_name="Matrix", birth_date=datetime.date(2016, 9, 2))
        ],
    )
    return signal, users


@pytest.mark.parametrize("actor", list(SIGNAL_MATRIX))
def test_signal_matrix_over_http(client, signal_world, actor):
    signal, users = signal_world
    client.force_login(users[actor])
    inbox = client.get(reverse("intake:inbox"))
    answers = {
        "inbox": inbox.status_code,
        "in_inbox": inbox.status_code == 200 and "Myra Matrix" in inbox.content.decode(),
        "detail": client.get(reverse("intake:signal_detail", args=[signal.uuid])).status_code,
        "new": client.get(reverse("intake:signal_new")).status_code,
    }
    assert answers == SIGNAL_MATRIX[actor]


@pytest.mark.parametrize("actor", list(LOOKUP_MATRIX))
def test_person_lookup_matrix(world, actor):
    from cases.selectors import person_lookup
    from tests.cases.factories import PersonFactory

    case, users = world
    user = users[actor]
    person = PersonFactory(municipality=case.household.municipality, bsn="111222333")
    case.household.members.create(person=person, role="parent")
    municipality_id = user.memberships.select_related("team").first().team.municipality_id
    answer = person_lookup(user=user, municipality_id=municipality_id, bsn="111222333")
    if answer.person is not None:
        assert answer.person == person
        got = "prefill"
    elif answer.involved_cases:
        assert answer.involved_cases == (case,)
        got = "contact"
    else:
        got = "nothing"
    assert got == LOOKUP_MATRIX[actor]


@pytest.mark.parametrize("actor", list(SHARE_RECIPIENTS))
def test_share_recipient_matrix(world, actor):
    from django.core.exceptions import ValidationError

    from cases.selectors import colleagues_for_sharing

    case, users = world
    offered = users[actor] in set(colleagues_for_sharing(case=case, actor=users["regisseur"]))
    try:
        services.case_share(actor=users["regisseur"], case=case, user=users[actor], access="read")
        accepted = True
    except ValidationError:
        accepted = False
    assert offered == accepted == SHARE_RECIPIENTS[actor]


def test_break_glass_matrix_row_active_200_expired_404_before_the_task(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from cases import breakglass
    from cases.models import BreakGlassAccess

    case, users = world
    night = users["other_team_regisseur"]
    breakglass.break_glass_open(actor=night, case=case, reason="Crisis in de nacht, huisverbod")
    client.force_login(night)
    assert {a: _status(client, case, a) for a in ACTIONS} == MATRIX["write_share"]
    BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert {a: _status(client, case, a) for a in ACTIONS} == MATRIX["other_team_regisseur"]

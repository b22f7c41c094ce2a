import datetime

import pytest
from django.utils import timezone

from accounts.constants import Role
from cases.constants import MemberRole, NetworkRelation
from cases.models import HouseholdMember, NetworkContact
from intake import services as intake_services
from plan import services
from plan.constants import AgreementMethod, GoalOutcome
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

BSN_PARENT = "111222333"


@pytest.fixture
def regisseur(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(Role.REGISSEUR, team=team, first_name="Anne", last_name="de Vries")


@pytest.fixture
def case(team, regisseur):  # type: ignore[no-untyped-def]
    """An open case: Chantal (adult, with BSN), Myra (child) and Oma Riet in the network."""
    household = HouseholdFactory(municipality=team.municipality, name="Gezin Testhuis")
    household.members.all().delete()
    chantal = PersonFactory(
        first_name="Chantal", last_name="Testhuis", birth_date=datetime.date(1990, 1, 1), bsn=BSN_PARENT
    )
    myra = PersonFactory(first_name="Myra", last_name="Testhuis", birth_date=datetime.date(2016, 9, 2))
    HouseholdMember.objects.create(household=household, person=chantal, role=MemberRole.PARENT)
    HouseholdMember.objects.create(household=household, person=myra, role=MemberRole.CHILD)
    NetworkContact.objects.create(household=household, name="Oma Riet", relation=NetworkRelation.RELATIVE)
    return CaseFactory(team=team, household=household, regisseur=regisseur)


@pytest.fixture
def members(case):  # type: ignore[no-untyped-def]
    ms = {m.person.first_name: m for m in case.household.members.select_related("person")}
    return ms


@pytest.fixture
def gesprek(case, regisseur, members):  # type: ignore[no-untyped-def]
    """A final gesprek: Chantal finances 2 and work 1, Myra parenting 3."""
    g = intake_services.gesprek_start(actor=regisseur, case=case)
    scores = [
        intake_services.ScoreInput(member_id=members["Chantal"].pk, domain="finances", score=2),
        intake_services.ScoreInput(member_id=members["Chantal"].pk, domain="work", score=1),
        intake_services.ScoreInput(member_id=members["Myra"].pk, domain="parenting", score=3),
    ]
    return intake_services.gesprek_save(
        actor=regisseur,
        gesprek=g,
        expected_version=g.version,
        fields={"question_behind": "Rust en regelmaat", "ladder_own": "Ochtendroutine"},
        member_ids={m.pk for m in members.values()},
        contact_ids=set(),
        scores=scores,
        final=True,
    )


@pytest.fixture
def draft(case, regisseur, gesprek, members):  # type: ignore[no-untyped-def]
    return services.plan_start(actor=regisseur, case=case, gesprek=gesprek, rungs={members["Chantal"].pk: 2})


def add_action(plan, regisseur, *, description="Schuldhulp bellen", kind="member", owner_id=None, due_on=None):  # type: ignore[no-untyped-def]
    plan.refresh_from_db()
    return services.action_add(
        actor=regisseur,
        plan=plan,
        expected_version=plan.version,
        description=description,
        owner_kind=kind,
        owner_id=owner_id,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=14),
    )


def agree(plan, regisseur, members):  # type: ignore[no-untyped-def]
    plan.refresh_from_db()
    return services.plan_agree(
        actor=regisseur,
        plan=plan,
        expected_version=plan.version,
        member_ids=[members["Chantal"].pk],
        agreed_on=timezone.localdate(),
        method=AgreementMethod.PAPER,
        remarks="Fijn dat oma meedoet.",
    )


@pytest.fixture
def agreed(draft, regisseur, members):  # type: ignore[no-untyped-def]
    add_action(draft, regisseur, owner_id=members["Chantal"].pk)
    return agree(draft, regisseur, members)


def evaluate(plan, regisseur, *, outcome=GoalOutcome.PARTLY, score=3):  # type: ignore[no-untyped-def]
    goals = list(plan.goals.all())
    return services.plan_evaluate(
        actor=regisseur,
        plan=plan,
        date=timezone.localdate(),
        scores=[services.ScoreInput(member_id=g.member_id, domain=g.domain, score=score) for g in goals],
        outcomes=[services.OutcomeInput(goal_id=g.pk, outcome=outcome, household_view="gaat beter") for g in goals],
        household_view="We zijn tevreden.",
    )

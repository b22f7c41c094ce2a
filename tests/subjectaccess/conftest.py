"""A household of two with one record of every kind: each record about Chantal (the subject)
carries a CHANTAL-… marker, each about Myra only a MYRA-… marker, each about the household
as a whole a HUIS-… marker. The export must hold every CHANTAL and HUIS marker and no MYRA one."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Organisation, Team, User
from arrangements.models import Arrangement, Decision, Escalation
from audit.models import AccessGround
from cases.constants import ConsentMethod, ConsentPurpose, MemberRole, NetworkRelation
from cases.models import Case, CaseNote, Consent, HouseholdMember, NetworkContact, Person
from intake.models import DomainScore, Gesprek, MeldcodeStep, Signal
from plan.models import (
    Action,
    Evaluation,
    EvaluationScore,
    Goal,
    GoalEvaluation,
    LadderMeasurement,
    Plan,
    Risk,
    SafetyAgreement,
)
from socialdomain.audit import audit_read
from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.arrangements.factories import item_create
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

BSN_CHANTAL = "111222333"
BSN_MYRA = "123456782"
MYRA_BIRTH = dt.date(2016, 9, 2)


@dataclass
class World:
    team: Team
    staff: User
    regisseur: User
    colleague: User
    provider: Organisation
    case: Case
    chantal: Person
    myra: Person
    chantal_member: HouseholdMember
    myra_member: HouseholdMember


def build_world() -> World:
    team = TeamFactory()
    municipality = team.municipality
    staff = UserFactory(first_name="Bea", last_name="Beheer")
    MembershipFactory(user=staff, team=TeamFactory(municipality=municipality), role=Role.STAFF)
    regisseur = UserFactory(first_name="Anne", last_name="Regisseur")
    MembershipFactory(user=regisseur, team=team, role=Role.REGISSEUR)
    colleague = UserFactory(first_name="Cees", last_name="Collega")
    MembershipFactory(user=colleague, team=team, role=Role.REGISSEUR)
    provider = OrganisationFactory(name="Zorg Plus")

    household = HouseholdFactory(municipality=municipality, name="Gezin Testhuis HUIS-household")
    household.members.all().delete()
    chantal = PersonFactory(
        municipality=municipality,
        first_name="Chantal",
        last_name="Testhuis",
        birth_date=dt.date(1990, 1, 1),
        bsn=BSN_CHANTAL,
        address="Dorpsstraat 1 CHANTAL-address",
    )
    myra = PersonFactory(
        municipality=municipality, first_name="Myrabel", last_name="Vanderzee", birth_date=MYRA_BIRTH, bsn=BSN_MYRA
    )
    cm = HouseholdMember.objects.create(household=household, person=chantal, role=MemberRole.PARENT)
    mm = HouseholdMember.objects.create(household=household, person=myra, role=MemberRole.CHILD)
    NetworkContact.objects.create(household=household, name="Oma Riet", relation=NetworkRelation.RELATIVE)
    case = CaseFactory(team=team, household=household, regisseur=regisseur)
    Case.objects.filter(pk=case.pk).update(safety_flag=True)
    case.refresh_from_db()

    CaseNote.objects.create(case=case, author=regisseur, text="HUIS-note over het gezin")
    MeldcodeStep.objects.create(case=case, step=1, done_on=dt.date(2025, 1, 5))
    own_signal = Signal.objects.create(
        source="school", question="CHANTAL-signal zorg", team=team, case=case, reporter_name="Meester Jansen"
    )
    own_signal.persons.add(chantal)
    other_signal = Signal.objects.create(source="gp", question="MYRA-signal zorg", team=team, case=case)
    other_signal.persons.add(myra)

    Consent.objects.create(
        member=cm, purpose=ConsentPurpose.PARTNER, organisation=provider, given=True,
        method=ConsentMethod.WRITTEN, recorded_by=regisseur,
    )  # fmt: skip
    Consent.objects.create(
        member=mm, purpose=ConsentPurpose.SCHOOL, organisation=OrganisationFactory(name="MYRA-consent school"),
        given=True, method=ConsentMethod.VERBAL, recorded_by=regisseur,
    )  # fmt: skip

    gesprek = Gesprek.objects.create(
        case=case, question_behind="HUIS-gesprek rust", professionals="wijkverpleging", created_by=regisseur,
        status="final", date=dt.date(2025, 2, 1),
    )  # fmt: skip
    gesprek.members.add(cm, mm)
    DomainScore.objects.create(gesprek=gesprek, member=cm, domain="finances", score=2, note="CHANTAL-score")
    DomainScore.objects.create(gesprek=gesprek, member=mm, domain="parenting", score=3, note="MYRA-score")
    LadderMeasurement.objects.create(case=case, member=cm, rung=2, measured_on=dt.date(2025, 2, 1), source="gesprek")

    plan = Plan.objects.create(
        case=case, household_words="HUIS-plan woorden", plan_date=dt.date(2025, 2, 10), created_by=regisseur
    )
    own_goal = Goal.objects.create(
        plan=plan, member=cm, domain="finances", description="CHANTAL-goal schulden", start_score=2,
        target_score=4, target_date=dt.date(2025, 12, 1),
    )  # fmt: skip
    other_goal = Goal.objects.create(
        plan=plan, member=mm, domain="parenting", description="MYRA-goal school", start_score=3,
        target_score=4, target_date=dt.date(2025, 12, 1),
    )  # fmt: skip
    due = dt.date(2025, 6, 1)
    Action.objects.create(
        plan=plan, goal=own_goal, description="CHANTAL-action bellen", owner_kind="regisseur", due_on=due
    )
    Action.objects.create(plan=plan, goal=None, description="HUIS-action samen", owner_kind="regisseur", due_on=due)
    Action.objects.create(plan=plan, goal=other_goal, description="MYRA-action huiswerk", owner_kind="member",
                          owner_member=mm, due_on=due)  # fmt: skip
    Action.objects.create(plan=plan, goal=other_goal, description="CHANTAL-owned brengen", owner_kind="member",
                          owner_member=cm, due_on=due)  # fmt: skip
    SafetyAgreement.objects.create(plan=plan, text="HUIS-safety afspraak", who="iedereen")
    Risk.objects.create(plan=plan, description="HUIS-risk terugval")
    plan.agreed_members.add(cm)
    Plan.objects.filter(pk=plan.pk).update(
        status="evaluated", agreed_on=dt.date(2025, 2, 12), agreement_method="paper",
        agreement_remarks="HUIS-remarks", activated_on=dt.date(2025, 2, 13), evaluated_on=dt.date(2025, 9, 1),
    )  # fmt: skip
    evaluation = Evaluation.objects.create(
        plan=plan, date=dt.date(2025, 9, 1), household_view="HUIS-evaluation tevreden", created_by=regisseur
    )
    GoalEvaluation.objects.create(
        evaluation=evaluation, goal=own_goal, outcome="partly", household_view="CHANTAL-outcome"
    )
    GoalEvaluation.objects.create(
        evaluation=evaluation, goal=other_goal, outcome="achieved", household_view="MYRA-outcome"
    )
    EvaluationScore.objects.create(evaluation=evaluation, member=cm, domain="finances", score=3)
    EvaluationScore.objects.create(evaluation=evaluation, member=mm, domain="parenting", score=5)

    item = item_create(municipality, name="CHANTAL-item begeleiding", providers=[provider])
    other_item = item_create(municipality, name="MYRA-item dyslexiezorg", providers=[provider])
    expert_team = TeamFactory(municipality=municipality, expertise=True)
    common = {"case": case, "unit": "hour", "frequency": "week", "start_date": dt.date(2025, 3, 1),
              "requested_by": regisseur, "volume": Decimal("2")}  # fmt: skip
    own_arr = Arrangement.objects.create(member=cm, item=item, provider=provider, status="granted",
                                         contribution="CHANTAL-arrangement", **common)  # fmt: skip
    other_arr = Arrangement.objects.create(member=mm, item=other_item, provider=provider, status="granted",
                                           contribution="MYRA-arrangement", **common)  # fmt: skip
    deadline = dt.date(2025, 3, 10)
    own_esc = Escalation.objects.create(case=case, expert_team=expert_team, arrangement=own_arr,
                                        reason="beyond_mandate", question="CHANTAL-escalation vraag",
                                        deadline=deadline, requested_by=regisseur,
                                        status="closed", outcome="granted", closed_at=timezone.now())  # fmt: skip
    other_esc = Escalation.objects.create(case=case, expert_team=expert_team, arrangement=other_arr,
                                          reason="beyond_mandate", question="MYRA-escalation vraag", deadline=deadline,
                                          requested_by=regisseur, status="closed", outcome="granted",
                                          closed_at=timezone.now())  # fmt: skip
    Escalation.objects.create(case=case, expert_team=expert_team, arrangement=None, reason="advice",
                              question="HUIS-escalation advies", deadline=deadline, requested_by=regisseur)  # fmt: skip
    dec = {"case": case, "granted": True, "legal_basis": "Wmo 2015 art. 2.3.5", "period_start": dt.date(2025, 3, 1),
           "volume_text": "2 uur per week", "decided_by": regisseur, "pdf": b"%PDF"}  # fmt: skip
    Decision.objects.create(escalation=own_esc, arrangement=own_arr, product="begeleiding",
                            motivation="CHANTAL-decision motivering", **dec)  # fmt: skip
    Decision.objects.create(escalation=other_esc, arrangement=other_arr, product="dyslexie",
                            motivation="MYRA-decision motivering", **dec)  # fmt: skip

    # Access-log entries: a colleague read the case; someone read Myra's arrangement only.
    at = timezone.now()
    audit_read(actor=colleague, obj=case, case_uuid=case.uuid, view="cases:detail", ground=AccessGround.SHARE)
    audit_read(actor=colleague, obj=other_arr, case_uuid=case.uuid, view="arrangements:detail",
               ground=AccessGround.SHARE)  # fmt: skip
    audit_read(actor=colleague, obj=myra, case_uuid=None, view="cases:member_edit", ground=AccessGround.SHARE)
    assert at
    return World(team, staff, regisseur, colleague, provider, case, chantal, myra, cm, mm)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


CHANTAL_MARKERS = [
    "CHANTAL-address", "CHANTAL-signal", "CHANTAL-score", "CHANTAL-goal", "CHANTAL-action", "CHANTAL-owned",
    "CHANTAL-outcome", "CHANTAL-item", "CHANTAL-arrangement", "CHANTAL-escalation", "CHANTAL-decision",
]  # fmt: skip
HOUSE_MARKERS = [
    "HUIS-household", "HUIS-note", "HUIS-gesprek", "HUIS-plan", "HUIS-action", "HUIS-safety", "HUIS-risk",
    "HUIS-remarks", "HUIS-evaluation", "HUIS-escalation",
]  # fmt: skip
MYRA_MARKERS = [
    "MYRA-signal", "MYRA-consent", "MYRA-score", "MYRA-goal", "MYRA-action", "MYRA-outcome", "MYRA-item",
    "MYRA-arrangement", "MYRA-escalation", "MYRA-decision", "Myrabel", "Vanderzee", BSN_MYRA, "02-09-2016",
    "2016-09-02", "2 september 2016", "Meester Jansen", "Oma Riet",
]  # fmt: skip

"""Raw rows for the report figures' tests: plain inserts of the real models (no services:
the figures read what is stored, and these tests need hundreds of rows with chosen dates)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.constants import Role
from accounts.models import Organisation, Team, User
from arrangements import totals
from arrangements.constants import DeliveryForm, Frequency, Law, ProvisionKind, Taakveld, Unit
from arrangements.models import Arrangement, CatalogueItem, CommitmentMonth, Escalation
from cases.constants import MemberRole
from cases.models import Case, Household, HouseholdMember, Person
from intake.constants import GesprekStatus
from intake.models import DomainScore, Gesprek, MeldcodeStep, Signal
from plan.constants import MeasurementSource, PlanStatus
from plan.models import Evaluation, EvaluationScore, LadderMeasurement, Plan, QuestionnaireAnswer
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory

_seq = itertools.count(1)


@dataclass
class Place:
    """A municipality's team with a regisseur, an expert team and a catalogue."""

    team: Team
    expert_team: Team
    regisseur: User
    items: dict[str, CatalogueItem] = field(default_factory=dict)
    provider: Organisation | None = None

    @property
    def municipality_id(self) -> int:
        return self.team.municipality_id


def place_create(team: Team | None = None) -> Place:
    team = team or TeamFactory()
    expert_team = TeamFactory(municipality=team.municipality, expertise=True)
    regisseur = UserFactory()
    MembershipFactory(user=regisseur, team=team, role=Role.REGISSEUR)
    provider = Organisation.objects.create(name=f"Aanbieder {next(_seq)}", kind="zorgaanbieder")
    place = Place(team=team, expert_team=expert_team, regisseur=regisseur, provider=provider)
    m = team.municipality
    for key, law, kind, taakveld in (
        ("wmo", Law.WMO, ProvisionKind.MAATWERK, Taakveld.T6_6),
        ("jeugd", Law.JEUGDWET, ProvisionKind.MAATWERK, Taakveld.T6_72),
        ("general", Law.WMO, ProvisionKind.GENERAL, Taakveld.T6_1),
        ("debt", Law.PARTICIPATIEWET, ProvisionKind.GENERAL, Taakveld.T6_3),
    ):
        place.items[key] = CatalogueItem.objects.create(
            municipality=m, name=f"{key} {next(_seq)}", law=law, kind=kind, taakveld=taakveld
        )
    return place


def case_create(
    place: Place,
    *,
    opened_on: dt.date,
    closed_on: dt.date | None = None,
    members: int = 1,
    restricted: bool = False,
    safety: bool = False,
    team: Team | None = None,
    first_name: str = "Jan",
    last_name: str = "Jansen",
    birth_date: dt.date = dt.date(1980, 1, 1),
    bsn: str = "",
) -> Case:
    team = team or place.team
    n = next(_seq)
    household = Household.objects.create(municipality=team.municipality, name=f"Gezin {last_name}")
    for i in range(members):
        person = Person(
            municipality=team.municipality,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            processing_restricted=restricted and i == 0,
        )
        if bsn and i == 0:
            person.set_bsn(bsn)
        person.save()
        HouseholdMember.objects.create(household=household, person=person, role=MemberRole.PARENT)
    return Case.objects.create(
        number=f"2026-T{n:05d}",
        household=household,
        team=team,
        regisseur=place.regisseur,
        opened_on=opened_on,
        closed_on=closed_on,
        status="closed" if closed_on else "open",
        outcome="goal_reached" if closed_on else "",
        safety_flag=safety,
    )


def member_of(case: Case) -> HouseholdMember:
    return HouseholdMember.objects.filter(household_id=case.household_id).order_by("id").first()  # type: ignore[return-value]


def signal_create(
    place: Place,
    *,
    received_on: dt.date,
    source: str = "citizen",
    route: str = "",
    case: Case | None = None,
    question: str = "Een vraag",
    team: Team | None = None,
) -> Signal:
    signal = Signal.objects.create(
        source=source,
        question=question,
        received_on=received_on,
        team=team or place.team,
        status="done" if route else "new",
        route=route,
        case=case,
    )
    if case is not None:
        signal.persons.add(*Person.objects.filter(memberships__household_id=case.household_id))
    return signal


def gesprek_create(case: Case, *, date: dt.date, scores: dict[str, int] | None = None, text: str = "") -> Gesprek:
    g = Gesprek.objects.create(
        case=case, date=date, status=GesprekStatus.FINAL, created_by=case.regisseur, question_behind=text
    )
    member = member_of(case)
    for domain, score in (scores or {}).items():
        DomainScore.objects.create(gesprek=g, member=member, domain=domain, score=score)
    return g


def plan_create(case: Case, *, agreed_on: dt.date, text: str = "", number: int = 1, current: bool = True) -> Plan:
    return Plan.objects.create(
        case=case,
        number=number,
        is_current=current,
        plan_date=agreed_on,
        agreed_on=agreed_on,
        status=PlanStatus.ACTIVE,
        created_by=case.regisseur,
        household_words=text,
    )


def evaluation_create(case: Case, plan: Plan, *, date: dt.date, scores: dict[str, int], text: str = "") -> Evaluation:
    ev = Evaluation.objects.create(plan=plan, date=date, created_by=case.regisseur, household_view=text)
    member = member_of(case)
    for domain, score in scores.items():
        EvaluationScore.objects.create(evaluation=ev, member=member, domain=domain, score=score)
    return ev


def ladder_create(case: Case, *, rung: int, on: dt.date, evaluation: Evaluation | None = None) -> LadderMeasurement:
    return LadderMeasurement.objects.create(
        case=case,
        member=member_of(case),
        rung=rung,
        measured_on=on,
        source=MeasurementSource.EVALUATION if evaluation else MeasurementSource.GESPREK,
        evaluation=evaluation,
    )


def answer_create(case: Case, plan: Plan, *, on: dt.date, score: int, remarks: str = "") -> QuestionnaireAnswer:
    return QuestionnaireAnswer.objects.create(
        case=case,
        plan=plan,
        q_ours=score,
        q_reachable=score,
        q_fit=score,
        q_better=score,
        q_recommend=score,
        answered_on=on,
        remarks=remarks,
    )


def arrangement_create(
    place: Place,
    case: Case,
    *,
    item: str = "wmo",
    start: dt.date,
    end: dt.date | None = None,
    status: str = "started",
    months: dict[dt.date, str] | None = None,
    form: str = DeliveryForm.ZIN,
) -> Arrangement:
    a = Arrangement.objects.create(
        case=case,
        member=member_of(case),
        item=place.items[item],
        provider=place.provider,
        unit=Unit.HOUR,
        frequency=Frequency.PER_WEEK,
        start_date=start,
        end_date=end,
        delivery_form=form,
        status=status,
        stop_reason="other" if status == "stopped" else "",
        requested_by=place.regisseur,
    )
    schedule = {month: Decimal(amount) for month, amount in (months or {}).items()}
    CommitmentMonth.objects.bulk_create(
        [CommitmentMonth(arrangement=a, month=month, amount=amount) for month, amount in schedule.items()]
    )
    # As arrangements.services._store_schedule keeps them.
    totals.shift(a, municipality_id=case.team.municipality_id, old={}, new=schedule)
    return a


def escalation_create(
    place: Place,
    case: Case,
    *,
    reason: str = "advice",
    opened: dt.date,
    deadline: dt.date,
    closed: dt.date | None = None,
    question: str = "Vraag",
) -> Escalation:
    return Escalation.objects.create(
        case=case,
        expert_team=place.expert_team,
        reason=reason,
        question=question,
        deadline=deadline,
        requested_by=place.regisseur,
        opened_at=dt.datetime.combine(opened, dt.time(12), tzinfo=dt.UTC),
        closed_at=dt.datetime.combine(closed, dt.time(12), tzinfo=dt.UTC) if closed else None,
        status="closed" if closed else "open",
        outcome="advice" if closed else "",
    )


def meldcode_done(case: Case, *, on: dt.date) -> MeldcodeStep:
    return MeldcodeStep.objects.create(case=case, step=5, done_on=on)

"""Records for retention tests, built through the services; only the dates are moved into
the past afterwards (a service always closes "today")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.constants import Role
from accounts.models import Team, User
from arrangements import services as arrangement_services
from arrangements.constants import DeliveryForm, Law
from arrangements.models import Arrangement, Mandate
from cases import services as case_services
from cases.constants import ConsentMethod, ConsentPurpose, MemberRole
from cases.models import Case, HouseholdMember
from intake import services as intake_services
from intake.constants import AdviceOutcome, SignalSource, TriageRoute
from intake.models import Signal
from plan import services as plan_services
from plan.constants import AgreementMethod
from retention.rules import add_years
from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.arrangements.factories import item_create
from tests.cases.factories import HouseholdFactory, PersonFactory


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Place:
    team: Team
    regisseur: User
    teamleider: User
    items: dict[str, Any]

    @property
    def municipality(self):  # type: ignore[no-untyped-def]
        return self.team.municipality


def place_create(municipality=None) -> Place:  # type: ignore[no-untyped-def]
    team = TeamFactory(**({"municipality": municipality} if municipality else {}))
    regisseur = UserFactory()
    MembershipFactory(user=regisseur, team=team, role=Role.REGISSEUR)
    teamleider = UserFactory()
    MembershipFactory(user=teamleider, team=team, role=Role.TEAMLEIDER)
    items = {
        law: item_create(team.municipality, name=f"Voorziening {law}", law=law)
        for law in (Law.WMO, Law.JEUGDWET, Law.PARTICIPATIEWET)
    }
    return Place(team=team, regisseur=regisseur, teamleider=teamleider, items=items)


def closed_case(
    place: Place, *, closed_on: dt.date, laws: tuple[str, ...] = (), birth_date: dt.date | None = None
) -> Case:
    """A case closed on `closed_on` (opened a year before) with one arrangement per law."""
    household = HouseholdFactory(municipality=place.municipality)
    if birth_date is not None:
        person = PersonFactory(municipality=place.municipality, birth_date=birth_date)
        HouseholdMember.objects.create(household=household, person=person, role=MemberRole.CHILD)
    case = case_services.case_open(
        actor=place.regisseur, household=household, team=place.team, regisseur=place.regisseur
    )
    member = household.members.first()
    for law in laws:
        Arrangement.objects.create(
            case=case,
            member=member,
            item=place.items[law],
            unit="hour",
            frequency="week",
            start_date=closed_on - dt.timedelta(days=300),
            end_date=closed_on,
            status="stopped",
            stop_reason="goal_reached",
            requested_by=place.regisseur,
        )
    case_services.case_close(actor=place.regisseur, case=case, outcome="goal_reached")
    Case.objects.filter(pk=case.pk).update(opened_on=closed_on - dt.timedelta(days=365), closed_on=closed_on)
    case.refresh_from_db()
    return case


def advice_signal(place: Place, *, closed_on: dt.date, last_name: str = "Weijers") -> Signal:
    signal = intake_services.signal_create(
        actor=place.regisseur,
        team=place.team,
        source=SignalSource.CITIZEN,
        question="Waar kan ik terecht voor hulp bij de administratie?",
        persons=[intake_services.PersonInput(first_name="Henk", last_name=last_name, birth_date=dt.date(1960, 2, 3))],
    )
    intake_services.signal_triage(
        actor=place.regisseur, signal=signal, route=TriageRoute.ADVICE, advice_outcome=AdviceOutcome.INFORMATION
    )
    moment = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(12, 0)))
    Signal.objects.filter(pk=signal.pk).update(updated_at=moment)
    return signal


def full_case(place: Place, *, closed_on: dt.date) -> Case:
    """A case with everything a household's file holds, all through the services: a linked
    safety signal with Meldcode steps, a gesprek, a note, a consent, an agreed (frozen) plan,
    a granted arrangement, an escalation with its decision (beschikking)."""
    mother = intake_services.PersonInput(
        first_name="Chantal", last_name="Bakkerink", birth_date=dt.date(1988, 3, 14), bsn="111222333"
    )
    signal = intake_services.signal_create(
        actor=place.regisseur,
        team=place.team,
        source=SignalSource.SCHOOL,
        question="Kind komt vaak te laat.",
        persons=[mother],
    )
    signal = intake_services.signal_triage(
        actor=place.regisseur, signal=signal, route=TriageRoute.SAFETY, regisseur=place.regisseur
    )
    case = signal.case
    actor = place.regisseur
    member = case.household.members.first()
    intake_services.gesprek_start(actor=actor, case=case)
    case_services.note_add(actor=actor, case=case, text="Gebeld met moeder.")
    case_services.consent_record(
        actor=actor,
        case=case,
        member=member,
        purpose=ConsentPurpose.values[0],
        given=True,
        method=ConsentMethod.values[0],
    )
    plan = plan_services.plan_start(actor=actor, case=case)
    plan_services.goal_add(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        member_id=member.pk,
        domain="finances",
        start_score=2,
        target_score=4,
        target_date=today() + dt.timedelta(days=90),
    )
    plan.refresh_from_db()
    plan_services.action_add(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        description="Schuldhulp bellen",
        owner_kind="member",
        owner_id=member.pk,
        due_on=today() + dt.timedelta(days=14),
    )
    plan.refresh_from_db()
    plan_services.plan_agree(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        member_ids=[member.pk],
        agreed_on=today(),
        method=AgreementMethod.PAPER,
        remarks="",
    )
    provider = OrganisationFactory()
    provider.municipalities.add(place.municipality)
    item = place.items[Law.WMO]
    item.providers.add(provider)
    mandate = Mandate.objects.create(
        team=place.team,
        role=Role.REGISSEUR,
        max_per_arrangement=Decimal("5000.00"),
        max_per_household_year=Decimal("10000.00"),
    )
    mandate.items.add(item)
    start = (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    arrangement_services.arrangement_grant(
        actor=actor,
        case=case,
        item=item,
        member=member,
        provider=provider,
        volume=Decimal("2"),
        start_date=start,
        end_date=start + dt.timedelta(days=27),
        delivery_form=DeliveryForm.ZIN,
    )
    expert_team = TeamFactory(municipality=place.municipality, expertise=True)
    expert = UserFactory()
    MembershipFactory(user=expert, team=expert_team, role=Role.EXPERT)
    escalation = arrangement_services.arrangement_request_and_escalate(
        actor=actor,
        case=case,
        expert_team=expert_team,
        question="Graag een besluit over de omvang.",
        assigned_expert=expert,
        item=item,
        member=member,
        provider=provider,
        volume=Decimal("8"),
        start_date=start,
        end_date=start + dt.timedelta(days=27),
        delivery_form=DeliveryForm.ZIN,
    )
    arrangement_services.escalation_decide(
        actor=expert,
        escalation=escalation,
        granted=True,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="De cliënt heeft begeleiding nodig om zelfstandig te blijven wonen.",
    )
    case.refresh_from_db()
    case_services.case_close(actor=actor, case=case, outcome="goal_reached")
    Case.objects.filter(pk=case.pk).update(opened_on=closed_on - dt.timedelta(days=200), closed_on=closed_on)
    case.refresh_from_db()
    return case


def years_ago(years: int, *, days: int = 0) -> dt.date:
    """The day `years` before today, `days` further back."""
    return add_years(today(), -years) - dt.timedelta(days=days)

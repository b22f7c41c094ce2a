"""Demo plans: Chantal and Myra's household has a plan with two evaluations behind it (so
the trend is visible on first run), Joosje's household one evaluation, and Jasper a final
gesprek without a plan yet (the browser test and a live demo turn it into one).

Idempotent: a case that already has a plan (or, for Jasper, a final gesprek) is skipped.
Everything goes through the services, so versions, history and audit are real.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from cases.models import Case, HouseholdMember
from intake import services as intake_services
from intake.models import Gesprek

from . import services
from .constants import AgreementMethod, GoalOutcome, OwnerKind
from .models import Plan


def _case(name: str) -> Case | None:
    return Case.objects.filter(household__name=name, status="open").select_related("household").first()


def _members(case: Case) -> dict[str, HouseholdMember]:
    return {m.person.first_name: m for m in case.household.members.select_related("person")}


def _gesprek(
    *, actor: User, case: Case, on: datetime.date, scores: list[tuple[str, str, int]], **fields: str
) -> Gesprek:
    members = _members(case)
    gesprek = intake_services.gesprek_start(actor=actor, case=case)
    return intake_services.gesprek_save(
        actor=actor,
        gesprek=gesprek,
        expected_version=gesprek.version,
        fields={"date": on, **fields},
        member_ids={m.pk for m in members.values()},
        contact_ids=set(case.household.network.values_list("pk", flat=True)),
        scores=[intake_services.ScoreInput(member_id=members[n].pk, domain=d, score=s) for n, d, s in scores],
        final=True,
    )


def _fresh(plan: Plan) -> Plan:
    return Plan.objects.select_related("case", "case__household").get(pk=plan.pk)


def _agree(*, actor: User, plan: Plan, on: datetime.date, who: list[str], remarks: str = "") -> Plan:
    plan = _fresh(plan)
    members = _members(plan.case)
    plan = services.plan_agree(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        member_ids=[members[n].pk for n in who],
        agreed_on=on,
        method=AgreementMethod.PAPER,
        remarks=remarks,
    )
    return services.plan_activate(actor=actor, plan=plan)


def _evaluate(
    *,
    actor: User,
    plan: Plan,
    on: datetime.date,
    scores: dict[str, int],
    outcomes: dict[str, str],
    rungs: dict[int, int],
) -> Plan:
    plan = _fresh(plan)
    goals = list(plan.goals.all())
    return services.plan_evaluate(
        actor=actor,
        plan=plan,
        date=on,
        scores=[services.ScoreInput(member_id=g.member_id, domain=g.domain, score=scores[g.domain]) for g in goals],
        outcomes=[services.OutcomeInput(goal_id=g.pk, outcome=outcomes[g.domain]) for g in goals],
        rungs=rungs,
        household_view="Het gaat stap voor stap beter; de afspraken met oma helpen.",
    )


def _action(*, actor: User, plan: Plan, text: str, kind: str, owner_id: int | None, due: datetime.date) -> None:
    plan = _fresh(plan)
    services.action_add(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        description=text,
        owner_kind=kind,
        owner_id=owner_id,
        due_on=due,
    )


def _seed_chantal(today: datetime.date) -> None:
    case = _case("Gezin Chantal en Myra")
    if case is None or Plan.objects.filter(case=case).exists():
        return
    actor = case.regisseur
    members = _members(case)
    chantal = members["Chantal"]
    gesprek = _gesprek(
        actor=actor,
        case=case,
        on=today - datetime.timedelta(days=210),
        scores=[
            ("Chantal", "finances", 2),
            ("Chantal", "work", 1),
            ("Chantal", "network", 3),
            ("Myra", "parenting", 2),
        ],
        question_behind="Chantal wil weer grip op geld en rust en regelmaat voor Myra.",
        ladder_own="Vaste ochtendroutine; post samen openen.",
        ladder_network="Oma Ria past op woensdag op Myra.",
    )
    plan = services.plan_start(actor=actor, case=case, gesprek=gesprek, rungs={chantal.pk: 2})
    plan = _fresh(plan)
    plan = services.plan_update(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        household_words="Wij willen geen schulden meer, Myra gaat elke dag met ontbijt op tijd naar school, "
        "en ik (Chantal) wil weer werken.",
        plan_date=today - datetime.timedelta(days=205),
    )
    oma = case.household.network.first()
    berkel = Organisation.objects.filter(name="Zorgaanbieder De Berkel").first()
    start = today - datetime.timedelta(days=205)
    _action(
        actor=actor,
        plan=plan,
        text="Elke zaterdag samen de post openen",
        kind=OwnerKind.MEMBER,
        owner_id=chantal.pk,
        due=start + datetime.timedelta(days=30),
    )
    if oma is not None:
        _action(
            actor=actor,
            plan=plan,
            text="Myra op woensdag naar school brengen",
            kind=OwnerKind.NETWORK,
            owner_id=oma.pk,
            due=start + datetime.timedelta(days=60),
        )
    if berkel is not None:
        _action(
            actor=actor,
            plan=plan,
            text="Schuldhulpmaatje koppelen",
            kind=OwnerKind.ORGANISATION,
            owner_id=berkel.pk,
            due=start + datetime.timedelta(days=45),
        )
    _action(
        actor=actor,
        plan=plan,
        text="Aanmelden bij schuldhulpverlening",
        kind=OwnerKind.REGISSEUR,
        owner_id=None,
        due=start + datetime.timedelta(days=14),
    )
    plan = _agree(
        actor=actor,
        plan=plan,
        on=today - datetime.timedelta(days=200),
        who=["Chantal"],
        remarks="Myra heeft meegetekend met een tekening.",
    )
    for action in plan.actions.all()[:2]:
        services.action_done(actor=actor, action=action, done_on=today - datetime.timedelta(days=150))
    v2 = _evaluate(
        actor=actor,
        plan=plan,
        on=today - datetime.timedelta(days=110),
        scores={"finances": 3, "work": 2, "parenting": 3},
        outcomes={"finances": GoalOutcome.PARTLY, "work": GoalOutcome.PARTLY, "parenting": GoalOutcome.PARTLY},
        rungs={chantal.pk: 3},
    )
    v2 = _agree(actor=actor, plan=v2, on=today - datetime.timedelta(days=105), who=["Chantal", "Myra"])
    v3 = _evaluate(
        actor=actor,
        plan=v2,
        on=today - datetime.timedelta(days=15),
        scores={"finances": 4, "work": 3, "parenting": 4},
        outcomes={"finances": GoalOutcome.ACHIEVED, "work": GoalOutcome.PARTLY, "parenting": GoalOutcome.ACHIEVED},
        rungs={chantal.pk: 4},
    )
    _agree(actor=actor, plan=v3, on=today - datetime.timedelta(days=10), who=["Chantal"])


def _seed_joosje(today: datetime.date) -> None:
    case = _case("Gezin Joosje")
    if case is None or Plan.objects.filter(case=case).exists():
        return
    actor = case.regisseur
    members = _members(case)
    gesprek = _gesprek(
        actor=actor,
        case=case,
        on=today - datetime.timedelta(days=120),
        scores=[("Joosje", "work", 2), ("Sem", "parenting", 2), ("Joosje", "daytime", 3)],
        question_behind="Joosje wil werk vinden en grip op de opvoeding van Sem.",
    )
    plan = services.plan_start(actor=actor, case=case, gesprek=gesprek, rungs={members["Joosje"].pk: 3})
    plan = _fresh(plan)
    plan = services.plan_update(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        household_words="Ik wil betaald werk en minder ruzie thuis met Sem.",
        plan_date=today - datetime.timedelta(days=118),
    )
    _action(
        actor=actor,
        plan=plan,
        text="Vrijwilligerswerk bij de bibliotheek proberen",
        kind=OwnerKind.MEMBER,
        owner_id=members["Joosje"].pk,
        due=today - datetime.timedelta(days=60),
    )
    plan = _agree(actor=actor, plan=plan, on=today - datetime.timedelta(days=115), who=["Joosje"])
    _evaluate(
        actor=actor,
        plan=plan,
        on=today - datetime.timedelta(days=20),
        scores={"work": 3, "parenting": 3},
        outcomes={"work": GoalOutcome.PARTLY, "parenting": GoalOutcome.PARTLY},
        rungs={members["Joosje"].pk: 4},
    )


def _seed_jasper(today: datetime.date) -> None:
    case = _case("Huishouden Jasper")
    if case is None or Gesprek.objects.filter(case=case, status="final").exists():
        return
    _gesprek(
        actor=case.regisseur,
        case=case,
        on=today - datetime.timedelta(days=5),
        scores=[("Jasper", "daytime", 2), ("Jasper", "work", 1), ("Jasper", "finances", 3)],
        question_behind="Jasper wil een zinvolle dagbesteding en op termijn werk.",
        ladder_own="Jasper sport twee keer per week.",
    )


@transaction.atomic
def seed() -> None:
    today = timezone.localdate()
    _seed_chantal(today)
    _seed_joosje(today)
    _seed_jasper(today)

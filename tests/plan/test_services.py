"""The plan's life cycle through its services: start from the gesprek, edit the draft,
agree, evaluate, next version; bad input refused in Dutch with nothing saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent
from cases import services as case_services
from cases.models import NetworkContact
from plan import services
from plan.constants import GoalOutcome, OwnerKind, PlanStatus
from plan.models import Action, Evaluation, Goal, LadderMeasurement, Plan, PlanSettings
from tests.accounts.factories import MunicipalityFactory, OrganisationFactory, TeamFactory
from tests.cases.factories import CaseFactory, HouseholdFactory
from tests.plan.conftest import add_action, agree, evaluate

pytestmark = pytest.mark.django_db


def test_plan_start_turns_the_gesprek_proposals_into_goals_with_start_scores(draft, members):
    goals = list(draft.goals.order_by("start_score"))
    # Scores at or below 2 are proposed (intake's threshold): Chantal work 1, finances 2; not Myra's 3.
    assert [(g.member_id, g.domain, g.start_score) for g in goals] == [
        (members["Chantal"].pk, "work", 1),
        (members["Chantal"].pk, "finances", 2),
    ]
    assert all(1 <= g.target_score <= 5 and g.target_date > draft.plan_date for g in goals)
    assert draft.status == PlanStatus.DRAFT and draft.is_current and draft.number == 1
    rung = LadderMeasurement.objects.get(case=draft.case)
    assert (rung.member_id, rung.rung, rung.source) == (members["Chantal"].pk, 2, "gesprek")


def test_plan_start_twice_returns_the_one_current_plan(draft, case, regisseur, gesprek):
    again = services.plan_start(actor=regisseur, case=case, gesprek=gesprek)
    assert again.pk == draft.pk
    assert Plan.objects.filter(case=case).count() == 1
    assert Goal.objects.filter(plan__case=case).count() == 2


def test_plan_start_refused_for_a_reader(case, make_user, team):
    reader = make_user(Role.REGISSEUR, team=team)
    with pytest.raises(PermissionDenied):
        services.plan_start(actor=reader, case=case)
    assert not Plan.objects.exists()


def _goal_kwargs(plan, members, **overrides):  # type: ignore[no-untyped-def]
    plan.refresh_from_db()
    kwargs = {
        "plan": plan,
        "expected_version": plan.version,
        "member_id": members["Myra"].pk,
        "domain": "parenting",
        "start_score": 3,
        "target_score": 4,
        "target_date": plan.plan_date + datetime.timedelta(days=90),
        "description": "Myra is op tijd op school",
    }
    return {**kwargs, **overrides}


def test_goal_add_by_hand(draft, regisseur, members):
    goal = services.goal_add(actor=regisseur, **_goal_kwargs(draft, members))
    assert goal.plan_id == draft.pk and goal.member_id == members["Myra"].pk


@pytest.mark.parametrize("target", [0, 6, -1])
def test_goal_target_score_outside_1_to_5_is_refused(draft, regisseur, members, target):
    with pytest.raises(ValidationError) as exc:
        services.goal_add(actor=regisseur, **_goal_kwargs(draft, members, target_score=target))
    assert exc.value.message_dict["target_score"] == ["Een score ligt tussen 1 en 5."]
    assert draft.goals.count() == 2


def test_goal_target_date_before_the_plan_date_is_refused(draft, regisseur, members):
    with pytest.raises(ValidationError) as exc:
        services.goal_add(
            actor=regisseur, **_goal_kwargs(draft, members, target_date=draft.plan_date - datetime.timedelta(days=1))
        )
    assert exc.value.message_dict["target_date"] == ["De streefdatum ligt vóór de datum van het plan."]
    assert draft.goals.count() == 2


def test_goal_far_future_and_foreign_member_refused(draft, regisseur, members):
    other = HouseholdFactory(municipality=draft.case.household.municipality)
    stranger = other.members.get()
    with pytest.raises(ValidationError) as exc:
        services.goal_add(
            actor=regisseur,
            **_goal_kwargs(draft, members, member_id=stranger.pk, target_date=datetime.date(2999, 1, 1)),
        )
    assert "member" in exc.value.message_dict and "target_date" in exc.value.message_dict
    assert draft.goals.count() == 2


def test_same_goal_twice_is_refused_not_duplicated(draft, regisseur, members):
    services.goal_add(actor=regisseur, **_goal_kwargs(draft, members))
    with pytest.raises(ValidationError):
        services.goal_add(actor=regisseur, **_goal_kwargs(draft, members))
    assert draft.goals.filter(domain="parenting").count() == 1


def test_stale_version_raises_conflict_and_saves_nothing(draft, regisseur, members):
    stale = draft.version
    services.goal_add(actor=regisseur, **_goal_kwargs(draft, members))
    with pytest.raises(services.PlanConflict) as exc:
        services.plan_update(
            actor=regisseur, plan=draft, expected_version=stale, household_words="Rust", plan_date=draft.plan_date
        )
    assert exc.value.current.version == stale + 1
    draft.refresh_from_db()
    assert draft.household_words == ""


def test_action_owner_from_another_household_or_municipality_is_refused(draft, regisseur, members, team):
    foreign_household = HouseholdFactory(municipality=team.municipality)
    foreign_contact = NetworkContact.objects.create(household=foreign_household, name="Buurman", relation="neighbour")
    elsewhere = MunicipalityFactory()
    foreign_org = OrganisationFactory()
    foreign_org.municipalities.add(elsewhere)
    foreign_colleague_team = TeamFactory(municipality=elsewhere)
    from tests.accounts.factories import MembershipFactory, UserFactory

    foreign_user = UserFactory()
    MembershipFactory(user=foreign_user, team=foreign_colleague_team, role=Role.REGISSEUR)
    for kind, owner_id in [
        (OwnerKind.MEMBER, foreign_household.members.get().pk),
        (OwnerKind.NETWORK, foreign_contact.pk),
        (OwnerKind.ORGANISATION, foreign_org.pk),
        (OwnerKind.COLLEAGUE, foreign_user.pk),
        (OwnerKind.MEMBER, None),
    ]:
        with pytest.raises(ValidationError) as exc:
            add_action(draft, regisseur, kind=kind, owner_id=owner_id)
        assert exc.value.message_dict["owner"], kind
    assert not Action.objects.exists()


def test_action_owners_of_the_whole_solution_ladder(draft, regisseur, members, team):
    org = OrganisationFactory()
    org.municipalities.add(team.municipality)
    oma = draft.case.household.network.get()
    add_action(draft, regisseur, kind=OwnerKind.MEMBER, owner_id=members["Chantal"].pk, description="a")
    add_action(draft, regisseur, kind=OwnerKind.NETWORK, owner_id=oma.pk, description="b")
    add_action(draft, regisseur, kind=OwnerKind.ORGANISATION, owner_id=org.pk, description="c")
    add_action(draft, regisseur, kind=OwnerKind.REGISSEUR, owner_id=None, description="d")
    assert sorted(draft.actions.values_list("owner_kind", flat=True)) == sorted(
        [OwnerKind.MEMBER, OwnerKind.NETWORK, OwnerKind.ORGANISATION, OwnerKind.REGISSEUR]
    )


def test_agree_without_a_member_is_refused(draft, regisseur):
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(
            actor=regisseur,
            plan=draft,
            expected_version=draft.version,
            member_ids=[],
            agreed_on=timezone.localdate(),
            method="paper",
        )
    assert exc.value.message_dict["members"] == ["Kies ten minste één gezinslid dat akkoord geeft."]
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT and draft.agreed_on is None


def test_agree_records_who_when_how_and_sets_the_evaluation_date(agreed, members):
    assert agreed.status == PlanStatus.AGREED
    assert list(agreed.agreed_members.all()) == [members["Chantal"]]
    assert agreed.agreement_method == "paper"
    assert agreed.evaluation_due == services.add_months(agreed.agreed_on, 3)


def test_evaluation_interval_is_configurable_per_municipality(draft, regisseur, members):
    PlanSettings.objects.create(municipality=draft.case.household.municipality, evaluation_months=6)
    plan = agree(draft, regisseur, members)
    assert plan.evaluation_due == services.add_months(plan.agreed_on, 6)


def test_an_agreed_version_cannot_be_changed_through_the_services(agreed, regisseur, members):
    with pytest.raises(ValidationError) as exc:
        services.plan_update(
            actor=regisseur,
            plan=agreed,
            expected_version=agreed.version,
            household_words="x",
            plan_date=agreed.plan_date,
        )
    assert "kan niet meer worden gewijzigd" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.goal_add(actor=regisseur, **_goal_kwargs(agreed, members))
    with pytest.raises(ValidationError):
        add_action(agreed, regisseur, kind="regisseur")


def test_evaluating_a_draft_is_refused(draft, regisseur):
    with pytest.raises(ValidationError) as exc:
        evaluate(draft, regisseur)
    assert "Een concept kan niet worden geëvalueerd" in exc.value.messages[0]
    assert not Evaluation.objects.exists()


def test_evaluation_without_scores_is_refused(agreed, regisseur):
    goals = list(agreed.goals.all())
    with pytest.raises(ValidationError) as exc:
        services.plan_evaluate(
            actor=regisseur,
            plan=agreed,
            date=timezone.localdate(),
            scores=[],
            outcomes=[services.OutcomeInput(goal_id=g.pk, outcome="achieved") for g in goals],
        )
    assert "Vul de scores van de zelfredzaamheid opnieuw in." in exc.value.messages
    agreed.refresh_from_db()
    assert agreed.status == PlanStatus.AGREED and not Evaluation.objects.exists()
    assert Plan.objects.filter(case=agreed.case).count() == 1


def test_evaluation_starts_the_next_version_with_open_goals_and_actions(agreed, regisseur, members):
    goals = list(agreed.goals.order_by("domain"))  # finances, work
    (open_action,) = agreed.actions.all()
    finances, work = goals
    nxt = services.plan_evaluate(
        actor=regisseur,
        plan=agreed,
        date=timezone.localdate(),
        scores=[
            services.ScoreInput(member_id=finances.member_id, domain="finances", score=4),
            services.ScoreInput(member_id=work.member_id, domain="work", score=2),
        ],
        outcomes=[
            services.OutcomeInput(goal_id=finances.pk, outcome=GoalOutcome.ACHIEVED),
            services.OutcomeInput(goal_id=work.pk, outcome=GoalOutcome.PARTLY, household_view="Sollicitatie loopt"),
        ],
        rungs={members["Chantal"].pk: 3},
    )
    agreed.refresh_from_db()
    assert agreed.status == PlanStatus.EVALUATED and not agreed.is_current
    assert nxt.predecessor_id == agreed.pk and nxt.is_current and nxt.number == 2 and nxt.status == PlanStatus.DRAFT
    copied = list(nxt.goals.all())
    assert [(g.domain, g.start_score, g.origin_id, g.lineage) for g in copied] == [("work", 2, work.pk, work.lineage)]
    assert nxt.actions.count() == 1 and nxt.actions.get().origin_id == open_action.pk
    assert LadderMeasurement.objects.filter(evaluation__plan=agreed, rung=3).exists()


def test_second_evaluation_submit_is_refused_without_a_duplicate(agreed, regisseur):
    evaluate(agreed, regisseur)
    agreed.refresh_from_db()
    with pytest.raises(ValidationError):
        evaluate(agreed, regisseur)
    assert Evaluation.objects.count() == 1 and Plan.objects.filter(case=agreed.case).count() == 2


def test_every_plan_write_is_in_the_case_access_log(agreed, regisseur):
    evaluate(agreed, regisseur)
    actions = set(AuditEvent.objects.filter(case_uuid=agreed.case.uuid, kind="write").values_list("action", flat=True))
    assert {"plan_start", "plan_action_add", "plan_agree", "plan_evaluate"} <= actions


def test_action_done_on_an_active_plan_is_progress_not_a_change(agreed, regisseur):
    services.plan_activate(actor=regisseur, plan=agreed)
    action = agreed.actions.get()
    services.action_done(actor=regisseur, action=action)
    services.action_done(actor=regisseur, action=action)  # twice: still done once
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


def test_closed_case_plan_cannot_be_started(team, regisseur):
    closed = CaseFactory(team=team, regisseur=regisseur)
    case_services.case_close(actor=regisseur, case=closed, outcome="goal_reached")
    with pytest.raises(PermissionDenied):
        services.plan_start(actor=regisseur, case=closed)


def test_too_long_household_words_are_refused_by_the_service(draft, regisseur):
    with pytest.raises(ValidationError) as exc:
        services.plan_update(
            actor=regisseur,
            plan=draft,
            expected_version=draft.version,
            household_words="a" * 100_000,
            plan_date=draft.plan_date,
        )
    assert "te lang" in exc.value.message_dict["household_words"][0]

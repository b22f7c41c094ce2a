"""Granting within the mandate, refusing beyond it (nothing saved), deciding through the expert team."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.constants import Role
from arrangements import hooks, services
from arrangements.constants import ArrangementStatus, DeliveryForm, EscalationOutcome, EscalationStatus, Frequency
from arrangements.models import Arrangement, CommitmentMonth, Decision, Escalation, Tariff
from audit.models import AuditEvent
from tests.accounts.factories import MunicipalityFactory, OrganisationFactory, TeamFactory
from tests.arrangements.factories import item_create
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

D = Decimal


def next_month(day: int = 1) -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=day)


def grant(world, **overrides):  # type: ignore[no-untyped-def]
    start = next_month()
    data = {
        "actor": world.regisseur,
        "case": world.case,
        "item": world.item,
        "member": world.member,
        "provider": world.provider,
        "volume": D("2"),
        "start_date": start,
        "end_date": start + dt.timedelta(days=27),  # four weeks
        "delivery_form": DeliveryForm.ZIN,
    }
    return services.arrangement_grant(**(data | overrides))


def test_grant_within_mandate_commits_the_schedule_and_calls_the_budget_hook(world, commitments):
    arrangement = grant(world)
    assert arrangement.status == ArrangementStatus.GRANTED
    # 2 hours a week x €60 x 28 days / 7 = €480
    assert arrangement.cost_total == D("480.00")
    assert sum(m.amount for m in CommitmentMonth.objects.filter(arrangement=arrangement)) == D("480.00")
    (change,) = commitments
    assert change.kind == "grant" and change.arrangement_id == arrangement.pk and change.total == D("480.00")
    assert change.law == "wmo" and change.taakveld == "6.6" and change.household_id == world.case.household_id
    assert AuditEvent.objects.filter(action="arrangement_grant", case_uuid=world.case.uuid).count() == 1


def test_the_same_submission_twice_grants_once(world):
    token = __import__("uuid").uuid4()
    first = grant(world, submission=token)
    again = grant(world, submission=token)
    assert first.pk == again.pk and Arrangement.objects.count() == 1


def _refused(world, **overrides):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        grant(world, **overrides)
    assert exc.value.error_list[0].code == "beyond_mandate"
    assert not Arrangement.objects.exists() and not CommitmentMonth.objects.exists()
    return " ".join(exc.value.messages)


def test_over_the_amount_per_arrangement_is_refused_in_dutch_and_nothing_saved(world, commitments):
    world.mandate.max_per_arrangement = D("400.00")
    world.mandate.save()
    message = _refused(world)
    assert "De geraamde kosten (€ 480,00) zijn hoger dan uw mandaat van € 400,00 per voorziening." in message
    assert commitments == []


def test_over_the_yearly_household_total_is_refused(world):
    world.mandate.max_per_household_year = D("700.00")
    world.mandate.save()
    grant(world)  # €480 committed
    start = next_month(1)
    with pytest.raises(ValidationError) as exc:
        grant(world, start_date=start, end_date=start + dt.timedelta(days=27))
    assert "uw mandaat is € 700,00 per huishouden per kalenderjaar" in " ".join(exc.value.messages)
    assert Arrangement.objects.count() == 1


def test_an_item_needing_an_indication_is_refused_for_the_regisseur(world):
    world.item.indication_required = True
    world.item.save()
    assert "is een indicatie van het expertiseteam nodig" in _refused(world)


def test_an_item_outside_the_mandate_is_refused(world):
    world.mandate.items.clear()
    assert "valt niet onder uw mandaat" in _refused(world)


def test_beyond_mandate_then_granted_through_an_expert_decision(world, commitments):
    world.item.indication_required = True
    world.item.save()
    _refused(world)
    start = next_month()
    escalation = services.arrangement_request_and_escalate(
        actor=world.regisseur,
        case=world.case,
        item=world.item,
        member=world.member,
        provider=world.provider,
        volume=D("2"),
        start_date=start,
        end_date=start + dt.timedelta(days=27),
        delivery_form=DeliveryForm.ZIN,
        expert_team=world.expert_team,
        question="Graag een indicatie voor begeleiding.",
        assigned_expert=world.expert,
    )
    arrangement = escalation.arrangement
    assert arrangement.status == ArrangementStatus.REQUESTED and commitments == []
    assert escalation.deadline == services.working_days_after(timezone.localdate(), 5)

    decision = services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=True,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="Zelfredzaamheid onvoldoende; netwerk overbelast.",
    )
    arrangement.refresh_from_db()
    escalation.refresh_from_db()
    assert arrangement.status == ArrangementStatus.GRANTED and arrangement.granted_by == world.expert
    assert escalation.status == EscalationStatus.CLOSED and escalation.outcome == EscalationOutcome.GRANTED
    assert decision.pdf[:4] == b"%PDF"
    assert [c.kind for c in commitments] == ["grant"]


def test_an_expert_refusal_refuses_the_arrangement_without_commitment(world, commitments):
    escalation = _escalate(world)
    services.escalation_decide(
        actor=world.expert,
        escalation=escalation,
        granted=False,
        legal_basis="artikel 2.3.5 Wmo 2015",
        motivation="Een algemene voorziening volstaat.",
    )
    escalation.arrangement.refresh_from_db()
    assert escalation.arrangement.status == ArrangementStatus.REFUSED and commitments == []
    assert Decision.objects.get().granted is False


def _escalate(world, **kwargs):  # type: ignore[no-untyped-def]
    start = next_month()
    return services.arrangement_request_and_escalate(
        actor=world.regisseur,
        case=world.case,
        item=world.item,
        member=world.member,
        provider=world.provider,
        volume=D("2"),
        start_date=start,
        end_date=start + dt.timedelta(days=27),
        delivery_form=DeliveryForm.ZIN,
        expert_team=world.expert_team,
        question="Vraag",
        assigned_expert=world.expert,
        **kwargs,
    )


def test_a_refusing_budget_listener_rolls_the_grant_back(world):
    def refuse(change):  # type: ignore[no-untyped-def]
        raise ValidationError("Het teambudget is op.")

    hooks.register_commitment_listener(refuse)
    try:
        with pytest.raises(ValidationError, match="teambudget"):
            grant(world)
    finally:
        hooks.unregister_commitment_listener(refuse)
    assert not Arrangement.objects.exists() and not CommitmentMonth.objects.exists()


def test_change_and_stop_announce_the_new_schedule(world, commitments):
    arrangement = grant(world)
    services.arrangement_change(
        actor=world.regisseur,
        arrangement=arrangement,
        volume=D("1"),
        end_date=arrangement.end_date,
        version=arrangement.version,
    )
    arrangement.refresh_from_db()
    assert arrangement.cost_total == D("240.00")
    services.arrangement_stop(
        actor=world.regisseur,
        arrangement=arrangement,
        stop_date=arrangement.start_date + dt.timedelta(days=6),
        reason="goal_reached",
        version=arrangement.version,
    )
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.STOPPED and arrangement.cost_total == D("60.00")
    assert [c.kind for c in commitments] == ["grant", "change", "stop"]
    assert commitments[-1].total == D("60.00")


def test_a_stale_version_is_refused(world):
    arrangement = grant(world)
    with pytest.raises(ValidationError, match="intussen gewijzigd"):
        services.arrangement_change(
            actor=world.regisseur,
            arrangement=arrangement,
            volume=D("1"),
            end_date=None,
            version=arrangement.version - 1,
        )


def test_tariff_change_mid_period_gives_the_hand_computed_months(world):
    start = next_month(1)
    change_on = (start + dt.timedelta(days=32)).replace(day=15)
    services.tariff_add(actor=None, item=world.item, amount=D("66.00"), valid_from=change_on)
    old = Tariff.objects.get(item=world.item, amount=D("60.00"))
    assert old.valid_until == change_on - dt.timedelta(days=1)  # closed, not rewritten
    end = change_on.replace(day=28)
    arrangement = grant(world, volume=D("3"), start_date=start, end_date=end)
    months = list(arrangement.months.order_by("month").values_list("amount", flat=True))
    import calendar

    days_first = calendar.monthrange(start.year, start.month)[1]
    # first month: days x 3 x 60 / 7; second: 14 days at 60 + 14 days at 66 = 360 + 396
    expected_first = (D(days_first) * 3 * 60 / 7).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert months == [expected_first, D("756.00")]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"volume": D("0")}, "volume", "groter zijn dan nul"),
        ({"volume": D("-3")}, "volume", "groter zijn dan nul"),
        ({"volume": "NaN"}, "volume", "Vul een getal in"),
        ({"end_date": "before"}, "end_date", "ligt voor de startdatum"),
        ({"provider": "other"}, "provider", "niet gecontracteerd"),
        ({"item": "foreign"}, "item", "niet in de catalogus van deze gemeente"),
        ({"member": "foreign"}, "member", "hoort niet bij het huishouden"),
        ({"delivery_form": "pgb-not-allowed"}, "delivery_form", "leveringsvorm"),
    ],
)
def test_bad_input_is_refused_with_nothing_saved(world, commitments, overrides, field, message):
    values = dict(overrides)
    if values.get("end_date") == "before":
        values["end_date"] = next_month() - dt.timedelta(days=1)
    if values.get("provider") == "other":
        other = OrganisationFactory()
        other.municipalities.add(world.team.municipality)
        values["provider"] = other
    if values.get("item") == "foreign":
        values["item"] = item_create(MunicipalityFactory(), providers=[world.provider])
    if values.get("member") == "foreign":
        values["member"] = CaseFactory(team=world.team).household.members.first()
    if values.get("delivery_form") == "pgb-not-allowed":
        world.item.pgb_allowed = False
        world.item.save()
        values["delivery_form"] = DeliveryForm.PGB
    with pytest.raises(ValidationError) as exc:
        grant(world, **values)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Arrangement.objects.exists() and commitments == []


def test_a_tariff_without_validity_or_overlapping_is_refused(world):
    with pytest.raises(ValidationError, match="ingangsdatum"):
        services.tariff_add(actor=None, item=world.item, amount=D("70"), valid_from=None)
    with pytest.raises(ValidationError, match="overlapt"):
        services.tariff_add(actor=None, item=world.item, amount=D("70"), valid_from=dt.date(2019, 6, 1))
    with pytest.raises(ValidationError):
        services.tariff_add(actor=None, item=world.item, amount=D("0"), valid_from=dt.date(2030, 1, 1))
    with pytest.raises(ValidationError, match="terugwerkende kracht"):
        services.tariff_add(
            actor=None, item=world.item, amount=D("70"), valid_from=timezone.localdate() - dt.timedelta(days=1)
        )
    assert Tariff.objects.filter(item=world.item).count() == 1


def test_exclusion_constraint_refuses_overlapping_tariffs_in_the_database(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Tariff.objects.create(
            item=world.item, amount=D("1"), valid_from=dt.date(2021, 1, 1), valid_until=dt.date(2021, 2, 1)
        )


def test_general_provision_is_granted_without_cost_or_mandate(world, commitments):
    general = item_create(
        world.team.municipality, name="Maatjesproject", kind="general", tariff=None, frequency=Frequency.PER_WEEK
    )
    world.mandate.delete()
    arrangement = services.arrangement_grant(
        actor=world.regisseur,
        case=world.case,
        item=general,
        member=world.member,
        start_date=next_month(),
        contribution="Buurman Kees fietst wekelijks mee.",
    )
    assert arrangement.status == ArrangementStatus.GRANTED and arrangement.cost_total == D("0")
    assert commitments[0].schedule == ()


def test_only_writers_of_the_case_may_grant(world, make_user):
    outsider = make_user(Role.REGISSEUR, team=world.team)
    with pytest.raises(PermissionDenied):
        grant(world, actor=outsider)


def test_safety_urgency_gives_a_same_day_deadline(world):
    escalation = services.escalation_open(
        actor=world.regisseur,
        case=world.case,
        expert_team=world.expert_team,
        reason="huisverbod",
        urgency="safety",
        question="Huisverbod opgelegd; wat nu?",
    )
    assert escalation.deadline == timezone.localdate()


def test_escalation_to_an_expert_team_of_another_municipality_is_refused(world):
    foreign = TeamFactory(expertise=True)
    with pytest.raises(ValidationError):
        services.escalation_open(
            actor=world.regisseur, case=world.case, expert_team=foreign, reason="advice", urgency="normal", question="x"
        )
    assert not Escalation.objects.exists()


def test_a_decision_with_an_end_before_its_start_or_without_motivation_is_refused(world, commitments):
    escalation = _escalate(world)
    start = escalation.arrangement.start_date
    for kwargs in (
        {"period_start": start, "period_end": start - dt.timedelta(days=1), "motivation": "Lang genoeg gemotiveerd."},
        {"motivation": ""},
    ):
        with pytest.raises(ValidationError):
            services.escalation_decide(
                actor=world.expert, escalation=escalation, granted=True, legal_basis="artikel 2.3.5 Wmo 2015", **kwargs
            )
    escalation.refresh_from_db()
    assert escalation.is_open and not Decision.objects.exists() and commitments == []


def test_only_the_assigned_expert_decides(world, make_user):
    other = make_user(Role.EXPERT, team=world.expert_team)
    escalation = _escalate(world)
    with pytest.raises(PermissionDenied):
        services.escalation_decide(
            actor=other,
            escalation=escalation,
            granted=True,
            legal_basis="artikel 2.3.5 Wmo 2015",
            motivation="Niet de toegewezen expert.",
        )
    with pytest.raises(PermissionDenied):
        services.escalation_decide(
            actor=world.regisseur,
            escalation=escalation,
            granted=True,
            legal_basis="artikel 2.3.5 Wmo 2015",
            motivation="De regisseur mag dit niet.",
        )

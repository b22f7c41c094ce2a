import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from intake import selectors, services
from intake.constants import Domain, GesprekStatus
from intake.models import DomainScore, Gesprek

pytestmark = pytest.mark.django_db


def _members(case):  # type: ignore[no-untyped-def]
    return list(case.household.members.order_by("role"))  # child, parent


def _save(actor, gesprek, scores=(), final=False, version=None, **fields):  # type: ignore[no-untyped-def]
    base = {
        "date": timezone.localdate(),
        "place": "thuis",
        "professionals": "",
        "question_behind": "",
        "ladder_own": "",
        "ladder_network": "",
        "ladder_general": "",
        "ladder_tailored": "",
        "ladder_skip_reason": "",
    }
    base.update(fields)
    household = gesprek.case.household
    return services.gesprek_save(
        actor=actor,
        gesprek=gesprek,
        expected_version=gesprek.version if version is None else version,
        fields=base,
        member_ids=set(household.members.values_list("pk", flat=True)),
        contact_ids=set(household.network.values_list("pk", flat=True)),
        scores=list(scores),
        final=final,
    )


def test_gesprek_start_prefills_members_and_network(case_with_household, regisseur):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    assert gesprek.members.count() == 2
    assert [c.name for c in gesprek.contacts.all()] == ["Oma Riet"]
    assert gesprek.place == "thuis" and gesprek.status == GesprekStatus.DRAFT


def test_second_gesprek_shows_previous_scores_and_network_without_reentry(client, case_with_household, regisseur):
    _child, parent = _members(case_with_household)
    first = services.gesprek_start(actor=regisseur, case=case_with_household)
    _save(
        regisseur,
        first,
        date=timezone.localdate() - datetime.timedelta(days=30),
        scores=[services.ScoreInput(member_id=parent.pk, domain=Domain.FINANCES, score=2, note="schulden")],
        final=True,
    )
    second = services.gesprek_start(actor=regisseur, case=case_with_household)
    assert [(s.member_id, s.domain, s.score) for s in second.scores.all()] == [(parent.pk, "finances", 2)]
    client.force_login(regisseur)
    html = client.get(reverse("intake:gesprek_edit", kwargs={"uuid": second.uuid})).content.decode()
    name = f"score_{parent.pk}_finances"
    assert f'name="{name}"' in html
    select = html[html.index(f'name="{name}"') :]
    assert '<option value="2" selected>' in select[: select.index("</select>")]
    assert "Oma Riet" in html and "checked" in html[html.index("Oma Riet") - 200 : html.index("Oma Riet")]


def test_score_outside_1_to_5_is_refused_in_dutch_and_nothing_saved(case_with_household, regisseur):
    _child, parent = _members(case_with_household)
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    with pytest.raises(ValidationError) as exc:
        _save(regisseur, gesprek, scores=[services.ScoreInput(member_id=parent.pk, domain="finances", score=7)])
    assert "tussen 1 en 5" in str(exc.value)
    gesprek.refresh_from_db()
    assert gesprek.version == 1 and not gesprek.scores.exists()


def test_database_refuses_a_score_outside_1_to_5(case_with_household, regisseur):
    _child, parent = _members(case_with_household)
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    with pytest.raises(IntegrityError), transaction.atomic():
        DomainScore.objects.create(gesprek=gesprek, member=parent, domain="finances", score=6)


def test_gesprek_date_in_the_future_is_refused(case_with_household, regisseur):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    with pytest.raises(ValidationError) as exc:
        _save(regisseur, gesprek, date=timezone.localdate() + datetime.timedelta(days=1))
    assert "toekomst" in str(exc.value)
    gesprek.refresh_from_db()
    assert gesprek.version == 1


def test_participant_outside_household_and_network_is_refused(case_with_household, regisseur, team):
    from tests.cases.factories import HouseholdFactory

    stranger = HouseholdFactory(municipality=team.municipality).members.first()
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    with pytest.raises(ValidationError) as exc:
        services.gesprek_save(
            actor=regisseur,
            gesprek=gesprek,
            expected_version=1,
            fields={"date": timezone.localdate()},
            member_ids={stranger.pk},
            contact_ids=set(),
            scores=[],
        )
    assert "hoort niet bij dit huishouden" in str(exc.value)
    assert gesprek.members.count() == 2


def test_skipping_a_ladder_step_requires_a_reason_on_final_save(case_with_household, regisseur):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    with pytest.raises(ValidationError) as exc:
        _save(regisseur, gesprek, final=True, ladder_own="zelf koken", ladder_tailored="ambulante begeleiding")
    assert "overgeslagen" in str(exc.value)
    saved = _save(
        regisseur,
        gesprek,
        final=True,
        ladder_own="zelf koken",
        ladder_tailored="ambulante begeleiding",
        ladder_skip_reason="geen netwerk in de buurt, geen passende algemene voorziening",
    )
    assert saved.status == GesprekStatus.FINAL


def test_concurrent_saves_from_same_version_second_is_refused_and_nothing_overwritten(
    case_with_household, regisseur, make_user, team
):
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    stale = Gesprek.objects.get(pk=gesprek.pk)
    _save(regisseur, gesprek, question_behind="Anne's versie")
    with pytest.raises(services.GesprekConflict) as exc:
        _save(regisseur, stale, version=1, question_behind="Bram's versie")
    assert exc.value.current.question_behind == "Anne's versie"
    gesprek.refresh_from_db()
    assert gesprek.question_behind == "Anne's versie" and gesprek.version == 2


def test_proposed_goals_are_the_domains_scored_two_or_lower(case_with_household, regisseur):
    child, parent = _members(case_with_household)
    gesprek = services.gesprek_start(actor=regisseur, case=case_with_household)
    _save(
        regisseur,
        gesprek,
        scores=[
            services.ScoreInput(member_id=parent.pk, domain="finances", score=2),
            services.ScoreInput(member_id=parent.pk, domain="housing", score=4),
            services.ScoreInput(member_id=child.pk, domain="parenting", score=1),
        ],
    )
    goals = selectors.proposed_goals(gesprek)
    assert [(m.pk, d, s) for m, d, s in goals] == [(child.pk, Domain.PARENTING, 1), (parent.pk, Domain.FINANCES, 2)]


def test_score_overview_shows_change_since_previous_gesprek(case_with_household, regisseur):
    _child, parent = _members(case_with_household)
    first = services.gesprek_start(actor=regisseur, case=case_with_household)
    _save(
        regisseur,
        first,
        date=timezone.localdate() - datetime.timedelta(days=60),
        scores=[services.ScoreInput(member_id=parent.pk, domain="finances", score=2)],
        final=True,
    )
    second = services.gesprek_start(actor=regisseur, case=case_with_household)
    _save(regisseur, second, scores=[services.ScoreInput(member_id=parent.pk, domain="finances", score=4)])
    overview = {b.member.pk: b.rows for b in selectors.score_overview(gesprek=second)}
    row = overview[parent.pk][0]
    assert (row.domain, row.score, row.previous, row.delta) == (Domain.FINANCES, 4, 2, 2)


def test_colleague_without_write_cannot_start_or_save_a_gesprek(case_with_household, make_user, team, client):
    colleague = make_user(Role.REGISSEUR, team=team)
    client.force_login(colleague)
    url = reverse("intake:gesprek_start", kwargs={"case_uuid": case_with_household.uuid})
    assert client.post(url).status_code == 404
    assert not Gesprek.objects.exists()

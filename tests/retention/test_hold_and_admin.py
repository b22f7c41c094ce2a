"""Legal hold on the case page and in the admin; the dry run and its approval in the admin,
own municipality only (404 for the other one, like a missing id)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.constants import Role
from accounts.demo import functional_admin_group
from arrangements.constants import Law
from audit.models import AuditEvent
from cases import services as case_services
from retention import services
from retention.constants import RunStatus
from retention.models import LegalHold, RetentionPolicy, RetentionRun
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory
from tests.retention.factories import closed_case, place_create, years_ago

pytestmark = pytest.mark.django_db


def staff_of(municipality):  # type: ignore[no-untyped-def]
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=TeamFactory(municipality=municipality), role=Role.STAFF)
    user.groups.add(functional_admin_group())
    return user


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    lochem = place_create()
    zutphen = place_create()
    case = closed_case(lochem, closed_on=years_ago(2), laws=(Law.WMO,))
    expired = closed_case(lochem, closed_on=years_ago(16), laws=(Law.WMO,))
    foreign = closed_case(zutphen, closed_on=years_ago(16), laws=(Law.WMO,))
    return {
        "lochem": lochem,
        "zutphen": zutphen,
        "case": case,
        "expired": expired,
        "foreign": foreign,
        "staff": staff_of(lochem.municipality),
        "staff_z": staff_of(zutphen.municipality),
    }


def _tab(case):  # type: ignore[no-untyped-def]
    return reverse("cases:section", kwargs={"uuid": case.uuid, "section": "bewaren"})


@pytest.mark.parametrize("who", ["regisseur", "teamleider"])
def test_the_regisseur_and_team_leader_place_and_lift_a_hold_on_a_closed_case(client, world, who):
    place, case = world["lochem"], world["case"]
    user = getattr(place, who)
    client.force_login(user)
    page = client.get(_tab(case))
    assert page.status_code == 200 and "Bewaarplicht plaatsen" in page.content.decode()
    assert "15 jaar na sluiten" in page.content.decode()

    response = client.post(reverse("retention:hold_place", kwargs={"uuid": case.uuid}), {"reason": "veilig_thuis"})

    assert response.status_code == 302 and response["Location"] == _tab(case)
    hold = LegalHold.objects.get(case=case)
    assert hold.placed_by == user and hold.is_active
    event = AuditEvent.objects.get(action="legal_hold_place")
    assert event.case_uuid == case.uuid and event.actor == user and event.changes == {"reason": "veilig_thuis"}
    # Twice: refused with a Dutch message, still one hold.
    again = client.post(
        reverse("retention:hold_place", kwargs={"uuid": case.uuid}), {"reason": "veilig_thuis"}, follow=True
    )
    assert "Er geldt al een bewaarplicht om deze reden." in again.content.decode()
    assert LegalHold.objects.filter(case=case).count() == 1

    client.post(reverse("retention:hold_lift", kwargs={"uuid": case.uuid, "hold_uuid": hold.uuid}))
    hold.refresh_from_db()
    assert hold.lifted_by == user and not hold.is_active
    assert AuditEvent.objects.filter(action="legal_hold_lift", case_uuid=case.uuid).exists()


def test_bad_input_on_the_hold_form_saves_nothing_and_says_why_in_dutch(client, world):
    case = world["case"]
    client.force_login(world["lochem"].regisseur)
    response = client.post(
        reverse("retention:hold_place", kwargs={"uuid": case.uuid}), {"reason": "nonsense"}, follow=True
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not LegalHold.objects.filter(case=case).exists()


def test_a_reader_without_record_rights_cannot_place_a_hold_and_a_stranger_gets_404(client, world):
    place, case = world["lochem"], world["case"]
    reader = UserFactory()
    MembershipFactory(user=reader, team=place.team, role=Role.REGISSEUR)
    # A read share, given while the case was open (a closed case is not shared anymore).
    case.status = "open"
    case.closed_on = None
    case.save(update_fields=["status", "closed_on"])
    case_services.case_share(actor=place.regisseur, case=case, access="read", user=reader)
    case_services.case_close(actor=place.regisseur, case=case, outcome="goal_reached")
    stranger = world["zutphen"].regisseur
    client.force_login(reader)
    tab = client.get(_tab(case)).content.decode()  # the reader sees the period, not the form
    assert "15 jaar na sluiten" in tab and "Bewaarplicht plaatsen" not in tab
    for user in (reader, stranger, world["staff"]):
        client.force_login(user)
        if user is not reader:
            assert client.get(_tab(case)).status_code == 404
        response = client.post(reverse("retention:hold_place", kwargs={"uuid": case.uuid}), {"reason": "court"})
        assert response.status_code == 404
    assert not LegalHold.objects.filter(case=case).exists()


def test_staff_place_a_hold_by_case_number_in_their_own_municipality_only(client, world):
    client.force_login(world["staff"])
    url = reverse("admin:retention_legalhold_add")
    assert client.get(url).status_code == 200
    foreign = client.post(url, {"case_number": world["foreign"].number, "reason": "court"})
    assert foreign.status_code == 200 and "Geen dossier met dit nummer in uw gemeente." in foreign.content.decode()
    assert not LegalHold.objects.exists()

    response = client.post(url, {"case_number": world["case"].number, "reason": "court"})

    assert response.status_code == 302
    hold = LegalHold.objects.get(case=world["case"])
    assert hold.placed_by == world["staff"]
    listing = client.get(reverse("admin:retention_legalhold_changelist")).content.decode()
    assert world["case"].number in listing
    assert world["case"].household.name not in listing
    client.force_login(world["staff_z"])
    assert client.get(reverse("admin:retention_legalhold_change", args=[hold.pk])).status_code == 404


def test_staff_see_the_dry_run_counts_and_approve_it_other_municipality_404(
    client, world, django_capture_on_commit_callbacks
):
    run = services.run_create_dry_run(municipality=world["lochem"].municipality)
    run_z = services.run_create_dry_run(municipality=world["zutphen"].municipality)
    assert run is not None and run_z is not None
    change = reverse("admin:retention_retentionrun_change", args=[run.pk])
    decide = reverse("admin:retention_retentionrun_decide", args=[run.pk])

    client.force_login(world["staff_z"])
    assert client.get(change).status_code == 404
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    listing = client.get(reverse("admin:retention_retentionrun_changelist")).content.decode()
    assert f"/{run.pk}/change/" not in listing and f"/{run_z.pk}/change/" in listing
    run.refresh_from_db()
    assert run.status == RunStatus.DRY_RUN

    client.force_login(world["staff"])
    page = client.get(change).content.decode()
    assert "Goedkeuren en verwijderen" in page and "Dossier Wmo 2015" in page
    assert world["expired"].number not in page and world["expired"].household.name not in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(decide, {"decision": "approve"})
    assert response.status_code == 302 and len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and run.approved_by == world["staff"]
    assert AuditEvent.objects.filter(action="retention_run_approve", actor=world["staff"]).exists()
    # Deciding twice: a Dutch message, nothing changes.
    again = client.post(decide, {"decision": "reject"}, follow=True)
    assert "Deze run is al beoordeeld." in again.content.decode()
    assert client.get(decide).status_code == 405


def test_staff_reject_a_dry_run_and_nothing_is_removed(client, world):
    run = services.run_create_dry_run(municipality=world["lochem"].municipality)
    client.force_login(world["staff"])
    client.post(reverse("admin:retention_retentionrun_decide", args=[run.pk]), {"decision": "reject"})
    run.refresh_from_db()
    assert run.status == RunStatus.REJECTED and not run.items.exists()
    assert world["expired"].__class__.objects.filter(pk=world["expired"].pk).exists()


def test_staff_set_their_own_periods_in_the_admin_not_below_the_law(client, world):
    client.force_login(world["staff"])
    url = reverse("admin:retention_retentionpolicy_add")
    municipality = world["lochem"].municipality
    refused = client.post(url, {"municipality": municipality.pk, "record_type": "case_jeugd", "years": "12"})
    assert "De wet vraagt voor Dossier Jeugdwet minimaal 20 jaar." in refused.content.decode()
    foreign = client.post(
        url, {"municipality": world["zutphen"].municipality.pk, "record_type": "case_wmo", "years": "12"}
    )
    assert foreign.status_code == 200 and not RetentionPolicy.objects.exists()
    response = client.post(url, {"municipality": municipality.pk, "record_type": "case_wmo", "years": "12"})
    assert response.status_code == 302
    assert services.retention_periods(municipality_id=municipality.pk)["case_wmo"] == 12
    assert AuditEvent.objects.filter(action="retention_policy_change").exists()


def test_the_nightly_task_makes_one_dry_run_per_municipality_and_is_idempotent(world):
    from retention.tasks import plan_retention_runs

    assert plan_retention_runs() == 2
    assert plan_retention_runs() == 0
    assert RetentionRun.objects.filter(status=RunStatus.DRY_RUN).count() == 2


def test_the_retention_tab_takes_the_same_queries_for_few_and_many_holds(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    place, case = world["lochem"], world["case"]
    client.force_login(place.regisseur)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_tab(case)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for reason in ("court", "objection", "veilig_thuis", "other"):
        hold = services.legal_hold_place(actor=place.regisseur, case=case, reason=reason)
        services.legal_hold_lift(actor=place.regisseur, hold=hold)
        services.legal_hold_place(actor=place.regisseur, case=case, reason=reason)
    assert count() == few


def test_the_admin_lists_take_the_same_queries_for_few_and_many_rows(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    place = world["lochem"]
    client.force_login(world["staff"])
    urls = [
        reverse("admin:retention_legalhold_changelist"),
        reverse("admin:retention_retentionrun_changelist"),
        reverse("admin:retention_retentionpolicy_changelist"),
        reverse("admin:retention_closedcaseaggregate_changelist"),
    ]

    def counts() -> dict[str, int]:
        result = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result[url] = len(ctx.captured_queries)
        return result

    services.legal_hold_place(actor=place.regisseur, case=world["case"], reason="court")
    services.run_create_dry_run(municipality=place.municipality)
    few = counts()
    for i in range(4):
        case = closed_case(place, closed_on=years_ago(3 + i), laws=(Law.WMO,))
        services.legal_hold_place(actor=place.teamleider, case=case, reason="objection")
    for run in RetentionRun.objects.all():
        services.run_reject(actor=world["staff"], run=run)
    services.run_create_dry_run(municipality=place.municipality)
    for record_type in ("case_wmo", "case_participatie", "signal_advice"):
        services.policy_save(
            actor=world["staff"],
            policy=RetentionPolicy(municipality=place.municipality, record_type=record_type, years=17),
        )
    assert counts() == few

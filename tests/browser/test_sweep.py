"""Every page per demo role in a real browser: axe-core finds nothing (any impact), the
title is Dutch and the page's own, no Django placeholder or internal code is on screen,
and the header keeps one height whatever the menu holds."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.browser.fixtures import axe_violations, login_as

# The report pages read the `reporting` alias (the team benchmark), so the test allows it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases=["default", "reporting"])]

DEFAULT_TITLE = "Sociaal Domein – Sociaal Domein"
ENGLISH = ("Page not found", "Forbidden", "Log in", "Select ", "Change ", "Add ", "Site administration")
CODES = ("---------", "cases:", "intake:", "cases.case", "gesprek_save", "case_open")


def demo_pages() -> dict[str, list[str]]:
    """The pages each demo user works with, from the demo data (seed_demo)."""
    from accounts.models import Membership, Organisation, Team, User
    from arrangements.models import Arrangement, CatalogueItem, Escalation, Mandate, Tariff
    from budget.models import Budget, LedgerEntry, Reallocation
    from cases import access_review
    from cases.models import Case
    from cases.selectors import case_consent_states
    from intake import services as intake_services
    from intake.models import DomainAgeBand, Gesprek, Signal
    from plan import services as plan_services
    from plan.models import Plan

    regisseur = User.objects.get(username="regisseur")
    case = Case.objects.filter(regisseur=regisseur).order_by("number").first()
    assert case is not None
    gesprek = Gesprek.objects.filter(case=case, status="draft").first() or intake_services.gesprek_start(
        actor=regisseur, case=case
    )
    final = Gesprek.objects.filter(status="final").first()
    signal = Signal.objects.filter(team__memberships__user=regisseur).first()
    team = Team.objects.get(name="Sociaal wijkteam Lochem")
    # The team leader's weekly overview of unusual access (cases/access_review.py), this week's.
    report, _created = access_review.unusual_access_report_create(
        team=team, week_start=access_review.last_week_start() + datetime.timedelta(days=7)
    )
    review = f"/dossiers/toegangsoverzicht/{report.uuid}/"
    c = f"/dossiers/{case.uuid}/"
    regisseur_pages = [
        "/",
        "/dossiers/",
        c,
        f"{c}logboek/",
        f"{c}bewerken/",
        f"{c}gezinsleden/nieuw/",
        f"{c}netwerk/nieuw/",
        f"{c}toestemmingen/nieuw/",
        *[f"{c}toestemmingen/{s.current.uuid}/" for s in case_consent_states(case=case)],
        f"{c}delen/",
        f"{c}sluiten/",
        "/aanmeldingen/",
        "/aanmeldingen/nieuw/",
        f"/aanmeldingen/gesprek/{gesprek.uuid}/bewerken/",
        f"/aanmeldingen/gesprek/{gesprek.uuid}/",
        "/meldingen/",
        "/noodtoegang/",
        "/wachtwoord/",
        "/tweestapsverificatie/instellen/",
        "/bestaat-niet/",
    ]
    # The case page's tabs (socialdomain.registry sections).
    regisseur_pages += [
        f"{c}{tab}/" for tab in ("overzicht", "gezin", "gesprekken", "plan", "voorzieningen", "tijdlijn", "bewaren")
    ]
    # Plan (issue 11): a running plan with its evaluation and a version, a draft with its forms.
    plan = Plan.objects.filter(case__regisseur=regisseur).select_related("case").order_by("case__number").first()
    assert plan is not None
    regisseur_pages += [
        f"/dossiers/{plan.case.uuid}/plan/overzicht/",
        f"/dossiers/{plan.case.uuid}/plan/evaluatie/",
        f"/dossiers/{plan.case.uuid}/plan/versies/{plan.number}/",
        "/vragenlijst/",
    ]
    # A draft on the regisseur's case without a plan (the demo has one: "Huishouden Jasper").
    planless = Case.objects.open().filter(regisseur=regisseur).exclude(plans__is_current=True).order_by("number")
    assert planless.exists(), "the demo needs an open case of the regisseur without a plan"
    draft = plan_services.plan_start(actor=regisseur, case=planless[0])
    p = f"/dossiers/{draft.case.uuid}/plan/"
    regisseur_pages += [
        f"{p}overzicht/",
        f"{p}bewerken/",
        f"{p}doelen/nieuw/",
        f"{p}acties/nieuw/",
        f"{p}risicos/nieuw/",
        f"{p}akkoord/",
    ]
    if draft.case.safety_flag:  # safety agreements: only in a case with a safety signal
        regisseur_pages.append(f"{p}veiligheid/nieuw/")
    # Arrangements (issue 12): the lists, the request forms, one arrangement (its forms are on it).
    arrangement = Arrangement.objects.filter(case__regisseur=regisseur).select_related("case").first()
    assert arrangement is not None
    v = f"/dossiers/{arrangement.case.uuid}/voorzieningen/"
    regisseur_pages += [
        f"{v}lijst/",
        f"{v}nieuw/",
        f"{v}escalaties/",
        f"{v}escalaties/nieuw/",
        f"{v}{arrangement.uuid}/",
        "/voorzieningen/evaluaties/",
    ]
    # A grant beyond the team's budget ceiling, put to the team leader (the ceiling is lowered
    # for the request only, then restored).
    approval = _ceiling_approval(case)
    approval_url = f"/dossiers/{case.uuid}/voorzieningen/plafond/{approval.uuid}/"
    regisseur_pages.append(f"/dossiers/{case.uuid}/voorzieningen/{approval.arrangement.uuid}/")
    escalation = Escalation.objects.filter(case__team__municipality__name="Lochem").select_related("case").first()
    expert_pages = ["/", "/meldingen/", "/noodtoegang/", "/expertiseteam/"]
    if escalation is not None:
        expert_pages.append(f"/dossiers/{escalation.case.uuid}/voorzieningen/escalaties/{escalation.uuid}/")
    # Budget (issue 13): the controller's dashboard of their municipality.
    budget = Budget.objects.filter(municipality__name="Lochem").order_by("-year").first()
    assert budget is not None
    controller_pages = ["/", "/meldingen/", "/budget/", f"/budget/{budget.uuid}/", "/rapportages/teams/"]
    if signal is not None:
        regisseur_pages.append(f"/aanmeldingen/{signal.uuid}/")
    if final is not None:
        regisseur_pages.append(f"/aanmeldingen/gesprek/{final.uuid}/")
    safety = Case.objects.filter(safety_flag=True).first()
    if safety is not None:
        regisseur_pages.append(f"/aanmeldingen/dossier/{safety.uuid}/meldcode/")
    admin = "/beheer/"
    staff_pages = [
        admin,
        f"{admin}accounts/team/",
        f"{admin}accounts/team/add/",
        f"{admin}accounts/team/{team.pk}/change/",
        f"{admin}accounts/user/",
        f"{admin}accounts/user/add/",
        f"{admin}accounts/user/{regisseur.pk}/change/",
        f"{admin}accounts/organisation/",
        f"{admin}accounts/organisation/add/",
        f"{admin}accounts/organisation/{Organisation.objects.first().pk}/change/",  # type: ignore[union-attr]
        f"{admin}accounts/municipality/",
        f"{admin}intake/domainageband/",
        f"{admin}intake/domainageband/{DomainAgeBand.objects.first().pk}/change/",  # type: ignore[union-attr]
        f"{admin}audit/auditevent/",
    ]
    # The admin screens of arrangements and budget the functioneel beheerder keeps.
    from retention.models import ClosedCaseAggregate, LegalHold, RetentionPolicy, RetentionRun

    staff_pages += [f"{admin}retention/retentionpolicy/add/", f"{admin}retention/legalhold/add/"]
    for model in (
        CatalogueItem,
        Tariff,
        Mandate,
        Budget,
        Reallocation,
        LedgerEntry,
        RetentionPolicy,
        RetentionRun,
        LegalHold,
        ClosedCaseAggregate,
    ):
        opts = model._meta
        base = f"{admin}{opts.app_label}/{opts.model_name}/"
        staff_pages.append(base)
        obj = model._default_manager.first()
        if obj is not None:
            staff_pages.append(f"{base}{obj.pk}/change/")
    # Subject access (issue 16): the staff pages for a demo person and the demo export.
    from subjectaccess.models import SubjectAccessExport

    export = SubjectAccessExport.objects.select_related("person").get(person__municipality__name="Lochem")
    p = f"/beheer-inzage/persoon/{export.person.uuid}/"
    staff_pages += ["/beheer-inzage/", p, f"{p}corrigeren/", f"/beheer-inzage/export/{export.uuid}/"]
    # Reports (issue 15): the list and a finished run for the team leader (their team's run),
    # the controller (the quarterly run) and staff, plus the schedule in the admin.
    from reports.models import QuarterlySchedule, ReportRun

    team_run = ReportRun.objects.filter(team=team, kind="on_demand", status="done").first()
    quarterly = ReportRun.objects.filter(municipality__name="Lochem", kind="quarterly", status="done").first()
    assert team_run is not None and quarterly is not None, "the demo needs finished report runs"
    controller_pages += ["/rapportages/", f"/rapportages/{quarterly.uuid}/"]
    schedule = QuarterlySchedule.objects.get(municipality__name="Lochem")
    staff_pages += [
        "/rapportages/",
        f"/rapportages/{team_run.uuid}/",
        f"{admin}reports/quarterlyschedule/",
        f"{admin}reports/quarterlyschedule/{schedule.pk}/change/",
    ]
    assert Membership.objects.exists()
    return {
        "regisseur": regisseur_pages,
        "teamleider": [
            "/",
            "/dossiers/team/",
            "/aanmeldingen/",
            c,
            f"{c}regisseur/",
            approval_url,
            review,
            "/rapportages/teams/",
            "/rapportages/",
            f"/rapportages/{team_run.uuid}/",
        ],
        "expert": expert_pages,
        "controller": controller_pages,
        "beheerder": staff_pages,
    }


def _ceiling_approval(case):  # type: ignore[no-untyped-def]
    """A pending request beyond the team's ceiling on the regisseur's case (from the demo catalogue)."""
    import datetime as dt

    from django.utils import timezone

    from accounts.models import Organisation
    from arrangements import services as arrangement_services
    from arrangements.models import CatalogueItem
    from budget.models import Budget, TeamCeiling
    from budget.services import team_committed

    start = timezone.localdate().replace(day=1) + dt.timedelta(days=40)
    budget, _ = Budget.objects.get_or_create(municipality=case.team.municipality, year=start.year)
    ceiling = TeamCeiling.objects.filter(budget=budget, team=case.team).first()
    before = ceiling.amount if ceiling else None
    TeamCeiling.objects.update_or_create(
        budget=budget, team=case.team, defaults={"amount": team_committed(budget=budget, team_id=case.team_id)}
    )
    approval = arrangement_services.arrangement_request_ceiling_approval(
        actor=case.regisseur,
        case=case,
        item=CatalogueItem.objects.get(municipality=case.team.municipality, name="Begeleiding individueel"),
        member=case.household.members.first(),
        provider=Organisation.objects.get(name="Zorgaanbieder De Berkel"),
        volume="2",
        start_date=start,
        end_date=start + dt.timedelta(days=27),
        delivery_form="zin",
        motivation="Zonder begeleiding dreigt uithuisplaatsing.",
    )
    if before is None:
        TeamCeiling.objects.filter(budget=budget, team=case.team).delete()
    else:
        TeamCeiling.objects.filter(budget=budget, team=case.team).update(amount=before)
    return approval


def check_page(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    problems = []
    expected = 404 if url == "/bestaat-niet/" else 200
    if response is None or response.status != expected:
        problems.append(f"{url}: status {response.status if response else None}, expected {expected}")
    title = page.title()
    # The client questionnaire (public, for households) is titled by itself, not by the app.
    site = "Vragenlijst" if url.startswith("/vragenlijst/") else "Sociaal Domein"
    if title == DEFAULT_TITLE or not title.endswith(site) or any(w in title for w in ENGLISH):
        problems.append(f"{url}: title {title!r}")
    text = page.inner_text("body")
    html = page.content()
    for code in CODES:
        if code in text or (code == "---------" and code in html):
            problems.append(f"{url}: shows {code!r}")
    for violation in axe_violations(page):
        problems.append(f"{url}: axe {violation}")
    return problems


def test_every_page_of_every_demo_role_passes_axe_and_reads_dutch(browser, live_server):
    from accounts.models import User

    call_command("seed_demo", stdout=StringIO())
    pages = demo_pages()
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems += check_page(page, "/inloggen/")
    for username, urls in pages.items():
        page.context.clear_cookies()
        login_as(page, User.objects.get(username=username), live_server.url)
        for url in urls:
            problems += check_page(page, url)
    context.close()
    print("\n".join(["SWEEP:", *problems]))  # the full list (pytest's diff shows only the first)
    assert problems == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_header_keeps_one_height_whatever_the_menu_holds(browser, live_server, width):
    from accounts.models import User

    call_command("seed_demo", stdout=StringIO())
    heights = {}
    for username in ("regisseur", "teamleider", "controller", "beheerder"):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
        page = context.new_page()
        login_as(page, User.objects.get(username=username), live_server.url)
        page.goto("/")
        box = page.locator(".site-header").bounding_box()
        assert box is not None
        heights[username] = round(box["height"])
        # Nothing in the header is pushed outside the viewport.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        context.close()
    assert len(set(heights.values())) == 1, heights

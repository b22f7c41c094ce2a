"""Every page per demo role in a real browser: axe-core finds nothing (any impact), the
title is Dutch and the page's own, no Django placeholder or internal code is on screen,
and the header keeps one height whatever the menu holds."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.browser.fixtures import axe_violations, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEFAULT_TITLE = "Sociaal Domein – Sociaal Domein"
ENGLISH = ("Page not found", "Forbidden", "Log in", "Select ", "Change ", "Add ", "Site administration")
CODES = ("---------", "cases:", "intake:", "cases.case", "gesprek_save", "case_open")


def demo_pages() -> dict[str, list[str]]:
    """The pages each demo user works with, from the demo data (seed_demo)."""
    from accounts.models import Membership, Organisation, Team, User
    from cases.models import Case
    from intake import services as intake_services
    from intake.models import DomainAgeBand, Gesprek, Signal

    regisseur = User.objects.get(username="regisseur")
    case = Case.objects.filter(regisseur=regisseur).order_by("number").first()
    assert case is not None
    gesprek = Gesprek.objects.filter(case=case, status="draft").first() or intake_services.gesprek_start(
        actor=regisseur, case=case
    )
    final = Gesprek.objects.filter(status="final").first()
    signal = Signal.objects.filter(team__memberships__user=regisseur).first()
    team = Team.objects.get(name="Sociaal wijkteam Lochem")
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
    assert Membership.objects.exists()
    return {
        "regisseur": regisseur_pages,
        "teamleider": ["/", "/dossiers/team/", "/aanmeldingen/", c, f"{c}regisseur/"],
        "expert": ["/", "/meldingen/", "/noodtoegang/"],
        "controller": ["/", "/meldingen/"],
        "beheerder": staff_pages,
    }


def check_page(page: Page, url: str) -> list[str]:
    page.goto(url)
    problems = []
    title = page.title()
    if title == DEFAULT_TITLE or not title.endswith("Sociaal Domein") or any(w in title for w in ENGLISH):
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

"""The regisseur's workspace in a real browser (issue 10): the worklists of the demo roles,
the case page's tabs with and without JavaScript, on a phone, axe-clean (every impact)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from cases import services as case_services
from cases.models import Case
from tests.browser.fixtures import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSEHOLD = "Gezin Chantal en Myra"
TABS = ["Overzicht", "Gezin en netwerk", "Gesprekken", "Plan", "Voorzieningen", "Tijdlijn", "Toegang en logboek"]
PHONE = {"width": 390, "height": 844}


def _seed() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _worklist_links(page: Page) -> list[str]:
    return page.locator(".worklist a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def _every_link_opens(page: Page, links: list[str]) -> None:
    for href in dict.fromkeys(links):  # each once, in order
        response = page.goto(href)
        assert response is not None and response.status == 200, f"{href} answered {response and response.status}"
        assert "Pagina niet gevonden" not in page.title(), href


def test_regisseur_worklist_shows_the_demo_items_and_every_link_works(page, live_server, console_log):
    _seed()
    login_as(page, User.objects.get(username="regisseur"), live_server.url)
    page.goto("/")
    new_signals = page.locator('[data-worklist="intake.new_signals"]')
    expect(new_signals.get_by_role("link", name=re.compile("School"))).to_be_visible()
    shared = page.locator('[data-worklist="cases.shared_with_me"]')
    expect(shared.get_by_role("link", name=re.compile("Gezin Joosje"))).to_be_visible()
    expect(shared).to_contain_text("Registreren")
    notifications = page.locator('[data-worklist="accounts.notifications"]')
    expect(notifications.get_by_role("link", name=re.compile(r"is met u gedeeld"))).to_be_visible()
    for key in ("intake.gesprekken_this_week", "intake.my_drafts"):
        expect(page.locator(f'[data-worklist="{key}"]').get_by_role("heading", level=2)).to_be_visible()
    assert_accessible(page)
    assert [m for m in console_log.csp_violations() if "Refused" in m] == []
    links = _worklist_links(page)
    assert len(links) >= 4
    _every_link_opens(page, links)


def test_team_leader_worklist_shows_the_demo_items_and_every_link_works(page, live_server):
    _seed()
    login_as(page, User.objects.get(username="teamleider"), live_server.url)
    page.goto("/")
    signals = page.locator('[data-worklist="intake.team_signals"]')
    expect(signals.get_by_role("link", name=re.compile("School"))).to_be_visible()
    caseload = page.locator('[data-worklist="cases.caseload"]')
    expect(caseload.get_by_role("link", name="Anne de Vries")).to_be_visible()
    expect(caseload.get_by_role("link", name="Bram Jansen")).to_be_visible()
    expect(page.locator('[data-worklist="cases.safety"]')).to_contain_text("Geen open dossiers")
    assert_accessible(page)
    _every_link_opens(page, _worklist_links(page))


@pytest.mark.parametrize("username", ["expert", "controller"])
def test_expert_and_controller_places_say_what_will_come(page, live_server, username):
    _seed()
    login_as(page, User.objects.get(username=username), live_server.url)
    page.goto("/")
    expect(page.get_by_text("Dit onderdeel komt binnenkort.")).to_be_visible()
    assert_accessible(page)
    if username == "controller":
        assert "/dossiers/" not in page.locator("main").inner_html()


def _tabs(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Onderdelen van het dossier")


def test_case_tabs_work_without_javascript_on_a_phone(browser: Browser, live_server):
    _seed()
    case = Case.objects.get(household__name=HOUSEHOLD)
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        login_as(page, User.objects.get(username="regisseur"), live_server.url)
        page.goto(f"/dossiers/{case.uuid}/")
        for label in TABS:
            _tabs(page).get_by_role("link", name=label, exact=True).click()
            expect(page.locator("#case-panel-heading")).to_have_text(label)
            expect(_tabs(page).get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
            expect(page.get_by_role("heading", level=1)).to_contain_text(HOUSEHOLD)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], label
        # A plain form still works without JavaScript: a note on the Tijdlijn tab.
        _tabs(page).get_by_role("link", name="Tijdlijn", exact=True).click()
        page.get_by_role("textbox", name="Notitie").fill("Gebeld met school, zonder JavaScript.")
        page.get_by_role("button", name="Notitie toevoegen").click()
        expect(page.get_by_text("Gebeld met school, zonder JavaScript.")).to_be_visible()
        assert page.url.endswith("/tijdlijn/")
    finally:
        context.close()


def test_case_tabs_swap_the_panel_with_htmx_keep_history_and_are_axe_clean_on_a_phone(page, live_server, console_log):
    _seed()
    case = Case.objects.get(household__name=HOUSEHOLD)
    page.set_viewport_size(PHONE)
    login_as(page, User.objects.get(username="regisseur"), live_server.url)
    start = f"{live_server.url}/dossiers/{case.uuid}/"
    page.goto(start)
    page.evaluate("window.__noReload = true")  # survives htmx swaps, not a full page load
    assert_accessible(page)
    for label in TABS[1:]:
        _tabs(page).get_by_role("link", name=label, exact=True).click()
        expect(page.locator("#case-panel-heading")).to_have_text(label)
        expect(_tabs(page).get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
        assert _tabs(page).locator("[aria-current]").count() == 1
        assert page.evaluate("window.__noReload === true"), f"{label}: the whole page was reloaded"
        assert page.title().startswith(label)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], label
        assert_accessible(page)
    assert page.url == start + "toegang/"
    page.go_back()
    page.wait_for_url(start + "tijdlijn/")
    expect(page.locator("#case-panel-heading")).to_have_text("Tijdlijn")
    page.reload()  # the pushed URL is a real page
    expect(page.locator("#case-panel-heading")).to_have_text("Tijdlijn")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOUSEHOLD)
    assert [m for m in console_log.csp_violations() if "Refused" in m] == []


def test_a_reader_sees_u_leest_mee(page, live_server):
    _seed()
    # Shared read-only with a colleague (the demo expert has taken this case over: they write).
    case = Case.objects.get(household__name="Huishouden Jasper")
    reader = User.objects.get(username="collega")
    case_services.case_share(actor=case.regisseur, case=case, user=reader, access="read")
    login_as(page, reader, live_server.url)
    page.goto(f"/dossiers/{case.uuid}/")
    expect(page.get_by_role("note", name="U leest mee")).to_be_visible()
    assert page.get_by_role("link", name="Bewerken").count() == 0
    assert_accessible(page)


def test_triage_form_shows_only_the_chosen_routes_fields(page, live_server):
    _seed()
    login_as(page, User.objects.get(username="regisseur"), live_server.url)
    page.goto("/aanmeldingen/")
    page.get_by_role("row").filter(has_text="Myra").get_by_role("link").click()
    page.get_by_role("heading", name="Triage").wait_for()
    expect(page.get_by_label("Regisseur")).to_be_hidden()
    expect(page.get_by_label("Uitkomst van het advies")).to_be_hidden()
    page.get_by_label("Informatie en advies (eerste lijn)").check()
    expect(page.get_by_label("Uitkomst van het advies")).to_be_visible()
    expect(page.get_by_label("Regisseur")).to_be_hidden()
    page.get_by_label("Veiligheidssignaal (Meldcode)").check()
    expect(page.get_by_label("Regisseur")).to_be_visible()
    expect(page.get_by_label("Uitkomst van het advies")).to_be_hidden()
    assert_accessible(page)

"""The controller in a real browser: Lochem's position, a team filter, the expensive
minority and the XLSX download, axe-clean at every impact level."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.fixtures import axe_violations, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def test_controller_sees_the_jeugd_overrun_filters_by_team_and_downloads_the_xlsx(page, live_server, console_log):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    login_as(page, User.objects.get(username="controller"), live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Budget").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lochem")
    first_line = page.get_by_role("region", name="Prognose per budgetregel (risico's eerst)").locator("tbody tr").first
    expect(first_line).to_contain_text("Jeugdwet 6.72")
    expect(first_line).to_contain_text("dreigende overschrijding")
    expect(page.get_by_text("van de 120 huishoudens veroorzaakt 80 % van de uitgaven").first).to_be_visible()
    # Unit cost per provision against its tariff (the demo's declarations carry volumes).
    unit_costs = page.get_by_role("region", name="Kostprijs per eenheid: gerealiseerd tegenover het tarief")
    expect(unit_costs.locator("tbody tr").first).to_contain_text("€")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert console_log.csp_violations() == [], "before filter"

    # htmx filter: one team; the figures change without a reload and the URL can be shared.
    total_before = page.locator(".kpis").inner_text()
    page.get_by_label("Team", exact=True).select_option(label="Sociaal wijkteam Lochem")  # the name already says Lochem
    page.wait_for_function(f"() => document.querySelector('.kpis').innerText !== {total_before!r}")
    assert "team=" in page.url
    teams = page.get_by_role("region", name="Kosten per team")
    expect(teams.locator("tbody tr")).to_have_count(1)
    assert axe_violations(page, impacts=ALL_IMPACTS) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Downloaden als Excel (XLSX)").click()
    workbook = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    assert "Budgetregels" in workbook.sheetnames
    assert console_log.csp_violations() == []


def test_the_dashboard_on_a_phone_has_no_sideways_scroll(page, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(page, User.objects.get(username="controller.zutphen"), live_server.url)
    page.goto("/budget/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zutphen")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []


def test_regisseur_asks_approval_beyond_the_ceiling_and_the_team_leader_approves_it(page, live_server, console_log):
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from arrangements.models import CeilingApproval
    from budget import services
    from budget.models import Budget, LedgerEntry, TeamCeiling
    from cases.models import Case

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    case = Case.objects.get(household__name="Gezin Chantal en Myra")
    start = timezone.localdate().replace(day=1) + dt.timedelta(days=40)
    budget, _ = Budget.objects.get_or_create(municipality=case.team.municipality, year=start.year)
    committed = services.team_committed(budget=budget, team_id=case.team_id)
    # Room for € 100,00 more: the provision below (about € 518) does not fit.
    TeamCeiling.objects.update_or_create(budget=budget, team=case.team, defaults={"amount": committed + 100})

    login_as(page, User.objects.get(username="regisseur"), live_server.url)
    page.goto(f"/dossiers/{case.uuid}/voorzieningen/nieuw/")
    page.locator("#id_item").select_option(label="Begeleiding individueel")
    page.locator("#id_member").select_option(label="Myra Bakker")
    page.locator("#id_provider").select_option(label="Zorgaanbieder De Berkel")
    page.locator("#id_volume").fill("2")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill((start + dt.timedelta(days=27)).isoformat())
    page.locator("#id_delivery_form").select_option("zin")
    # Before granting: the cost, the team's ceiling and the room left under it.
    expect(page.locator("#raming")).to_contain_text("Budgetplafond van het team")
    expect(page.locator("#raming")).to_contain_text("nog € 100,00 ruimte")
    expect(page.locator("#raming")).to_contain_text("past niet onder het budgetplafond")
    page.get_by_role("button", name="Toekennen").click()
    expect(page.locator("#boven-plafond")).to_contain_text("€ 100,00 ruimte")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    page.get_by_label("Toelichting voor de teamleider").fill("Zonder begeleiding raakt Myra haar kamer kwijt.")
    page.get_by_role("button", name="Goedkeuring vragen aan de teamleider").click()
    expect(page.get_by_text("De aanvraag ligt bij de teamleider ter goedkeuring.")).to_be_visible()
    page.goto(f"/dossiers/{case.uuid}/voorzieningen/")
    expect(page.get_by_text("wacht op goedkeuring teamleider (budgetplafond)")).to_be_visible()
    requested = CeilingApproval.objects.get(case=case).arrangement
    assert not LedgerEntry.objects.filter(source_kind="arrangement", source_id=requested.pk).exists()

    page.context.clear_cookies()
    login_as(page, User.objects.get(username="teamleider"), live_server.url)
    page.goto("/")
    page.get_by_role("link", name=f"Dossier {case.number}: Begeleiding individueel boven het budgetplafond").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Goedkeuring boven het budgetplafond")
    expect(page.get_by_role("region", name="Budgetplafond van het team")).to_contain_text("€ 100,00")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    page.get_by_label("Reden van uw besluit").fill("Wonen gaat voor; we sturen bij in het voorjaar.")
    page.get_by_role("button", name="Goedkeuren en toekennen").click()
    expect(page.get_by_text("Goedgekeurd: de voorziening is toegekend boven het budgetplafond.")).to_be_visible()
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    approval = CeilingApproval.objects.get(case=case)
    assert approval.status == "approved" and approval.arrangement.status == "granted"
    assert services.team_committed(budget=budget, team_id=case.team_id) > committed + Decimal("100")
    assert LedgerEntry.objects.filter(source_kind="arrangement", source_id=requested.pk).exists()
    assert console_log.csp_violations() == []

"""Arrangements in a real browser (axe: no violations of any impact): the demo regisseur asks for a
provision beyond the mandate, sees why, escalates in one step; the demo expert finds it in the
queue and grants it with a decision; the regisseur sees it granted and downloads the decision."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from arrangements.models import Arrangement, Decision
from cases.models import Case
from tests.browser.fixtures import axe_violations, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSEHOLD = "Gezin Chantal en Myra"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def assert_no_axe_violations(page):  # type: ignore[no-untyped-def]
    violations = axe_violations(page, impacts=ALL_IMPACTS)
    assert violations == [], f"axe-core found violations on {page.url}: {violations}"


def test_beyond_mandate_escalated_decided_by_expert_and_seen_granted(page, live_server, console_log):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    regisseur = User.objects.get(username="regisseur")
    expert = User.objects.get(username="expert")
    case = Case.objects.get(household__name=HOUSEHOLD)
    start = timezone.localdate().replace(day=1) + dt.timedelta(days=40)

    login_as(page, regisseur, live_server.url)
    page.goto(f"/dossiers/{case.uuid}/voorzieningen/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Voorziening aanvragen")
    assert_no_axe_violations(page)
    page.locator("#id_item").select_option(label="Dagbehandeling jeugd")
    page.locator("#id_member").select_option(label="Myra Bakker")
    page.locator("#id_provider").select_option(label="Jeugdhulp IJsselvallei")
    page.locator("#id_volume").fill("4")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill((start + dt.timedelta(days=90)).isoformat())
    page.locator("#id_delivery_form").select_option("zin")
    # the live estimate (htmx) shows the cost and that this needs the expert team, before saving
    expect(page.locator("#raming")).to_contain_text("Geraamde kosten")
    expect(page.locator("#raming")).to_contain_text("indicatie van het expertiseteam nodig")
    assert not Arrangement.objects.filter(case=case).exists()

    page.get_by_role("button", name="Toekennen").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "U kunt deze voorziening niet zelf toekennen. Er is niets opgeslagen."
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "Voor “Dagbehandeling jeugd” is een indicatie van het expertiseteam nodig"
    )
    assert not Arrangement.objects.filter(case=case).exists()
    assert_no_axe_violations(page)

    page.locator("#id_assigned_expert").select_option(label="Dirk Mulder")
    page.locator("#id_question").fill("Myra heeft na schooltijd dagbehandeling nodig.")
    page.get_by_role("button", name="Voorleggen aan het expertiseteam").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vraag aan het expertiseteam")
    expect(page.get_by_text("Besluit buiten mandaat")).to_be_visible()
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    login_as(page, expert, live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Expertiseteam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Expertiseteam: open vragen")
    row = page.get_by_role("row").filter(has_text=case.number).filter(has_text="Besluit buiten mandaat")
    expect(row).to_be_visible()
    assert_no_axe_violations(page)
    row.get_by_role("link", name=re.compile("Openen")).click()
    expect(page.get_by_role("heading", name="Besluit (beschikking)")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Toekennen").check()
    page.locator("#id_motivation").fill("Uit het gesprek en de school blijkt dat dagbehandeling nodig is.")
    page.get_by_role("button", name="Beschikking vastleggen").click()
    expect(page.get_by_text("De beschikking is vastgelegd")).to_be_visible()
    decision = Decision.objects.get(case=case)
    assert decision.granted and decision.legal_basis.startswith("artikel 2.3 Jeugdwet")
    # the decision closed the escalation: the expert's access ended at once
    assert page.goto(f"/dossiers/{case.uuid}/voorzieningen/lijst/").status == 404

    page.context.clear_cookies()
    login_as(page, regisseur, live_server.url)
    page.goto(f"/dossiers/{case.uuid}/voorzieningen/lijst/")
    granted = page.get_by_role("row").filter(has_text="Dagbehandeling jeugd")
    expect(granted).to_contain_text("Toegekend")
    assert_no_axe_violations(page)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Beschikking Dagbehandeling jeugd")).click()
    download = info.value
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert console_log.csp_violations() == []

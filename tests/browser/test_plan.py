"""The plan in a real browser: the demo regisseur turns Jasper's demo gesprek into a plan,
agrees it with him, downloads the PDF, records an evaluation and sees the trend chart with
its table; Chantal's demo plan shows its history; the questionnaire fits a 390 px phone.
axe-core: no violations of any impact."""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from accounts.models import User
from cases.models import Case
from plan import services
from plan.models import Plan
from tests.browser.fixtures import axe_violations, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def assert_no_violations(page) -> None:  # type: ignore[no-untyped-def]
    violations = axe_violations(page, impacts=ALL_IMPACTS)
    assert violations == [], f"axe-core found violations on {page.url}: {violations}"


def test_demo_gesprek_becomes_an_agreed_evaluated_plan_with_a_trend(page, live_server, console_log):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    case = Case.objects.get(household__name="Huishouden Jasper")
    login_as(page, User.objects.get(username="regisseur"), live_server.url)

    page.goto(f"/dossiers/{case.uuid}/plan/overzicht/")
    assert page.get_by_role("heading", name="Plan van Huishouden Jasper", level=1).is_visible()
    assert_no_violations(page)
    page.get_by_role("link", name="Plan maken van het gesprek").click()
    page.get_by_role("heading", name="Plan maken", level=1).wait_for()
    assert_no_violations(page)
    page.get_by_label("Participatieladder bij het gesprek – Jasper").select_option("3")
    page.get_by_role("button", name="Plan starten").click()
    page.get_by_text("Het plan is gestart als concept.").wait_for()
    goals = page.locator("table.plan-goals")
    assert "Tijdsbesteding" in goals.inner_text() and "Werk & opleiding" in goals.inner_text()
    assert_no_violations(page)

    page.get_by_role("link", name="Wat wil het gezin bereiken? bewerken").click()
    page.get_by_label("Wat wil het gezin bereiken? (in de woorden van het gezin)").fill(
        "Ik wil elke dag iets zinnigs doen en later betaald werk."
    )
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Het plan is opgeslagen.").wait_for()

    page.get_by_role("link", name="Actie toevoegen").click()
    assert_no_violations(page)
    page.get_by_label("Actie").fill("Proefdag bij de dagbesteding")
    page.get_by_label("Wie doet het?").select_option(label="Jasper")
    page.get_by_label("Uiterlijk op").fill("2030-01-01")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("De actie is toegevoegd.").wait_for()

    page.get_by_role("link", name="Akkoord van het gezin vastleggen").click()
    page.get_by_role("heading", name="Akkoord van het gezin vastleggen", level=1).wait_for()
    assert_no_violations(page)
    page.get_by_label("Jasper").check()
    page.get_by_label("Op papier ondertekend").check()
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Het akkoord van het gezin is vastgelegd.").wait_for()
    assert_no_violations(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Plan versie 1 downloaden (PDF)").click()
    pdf_bytes = info.value.path().read_bytes()
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    flat = " ".join(pdf_text.split())
    assert "Ik wil elke dag iets zinnigs doen" in flat and "Proefdag bij de dagbesteding" in flat
    assert "999990044" not in pdf_text.replace(" ", "")

    page.get_by_role("link", name="Evaluatie vastleggen").click()
    page.get_by_role("heading", name="Evaluatie vastleggen", level=1).wait_for()
    assert_no_violations(page)
    page.get_by_label("Nieuwe score – Jasper: Tijdsbesteding").select_option("3")
    page.get_by_label("Nieuwe score – Jasper: Werk & opleiding").select_option("2")
    fieldsets = page.locator("fieldset").filter(has=page.locator("legend", has_text="Resultaat"))
    for i in range(fieldsets.count()):
        fieldsets.nth(i).get_by_label("Deels bereikt").check()
    page.get_by_label("Participatieladder nu – Jasper").select_option("4")
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    page.get_by_text(re.compile("De evaluatie is vastgelegd")).wait_for()

    page.locator("#plan-trend-chart[data-ready='true']").wait_for()
    table = page.locator("table.plan-trend__table")
    text = table.inner_text()
    assert "Jasper – Tijdsbesteding" in text and "Jasper – Participatieladder" in text
    row = table.get_by_role("row").filter(has_text="Jasper – Participatieladder").inner_text()
    assert "3" in row and "4" in row
    assert_no_violations(page)
    assert Plan.objects.filter(case=case).count() == 2
    assert [m for m in console_log.csp_violations() if "Refused" in m] == []


def test_questionnaire_on_a_390px_phone(browser, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    plan = Plan.objects.filter(case__household__name="Gezin Chantal en Myra", is_current=True).get()
    _invite, _code, token = services.questionnaire_invite_create(actor=plan.case.regisseur, plan=plan)
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(f"/vragenlijst/{token}/")
    phone.get_by_role("heading", name="Vijf vragen over de hulp").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert "Chantal" not in phone.content() and plan.case.number not in phone.content()
    assert_no_violations(phone)
    for group in phone.locator("fieldset").all():
        group.get_by_label("4 – mee eens").check()
    phone.get_by_role("button", name="Versturen").click()
    phone.get_by_role("heading", name="Bedankt").wait_for()
    assert_no_violations(phone)
    phone.goto(f"/vragenlijst/{token}/")
    phone.get_by_role("heading", name="Deze code is niet (meer) geldig").wait_for()
    assert_no_violations(phone)
    context.close()


def test_demo_plan_history_and_trend_are_visible_on_first_run(page, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    case = Case.objects.get(household__name="Gezin Chantal en Myra")
    login_as(page, User.objects.get(username="regisseur"), live_server.url)
    page.goto(f"/dossiers/{case.uuid}/plan/overzicht/")
    page.locator("#plan-trend-chart[data-ready='true']").wait_for()
    assert page.locator("table.plan-trend__table tbody tr").count() >= 3
    assert page.get_by_text("Versie 3").first.is_visible()
    assert_no_violations(page)

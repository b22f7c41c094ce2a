"""Break-glass in a real browser: a regisseur of another team in the same municipality
states a reason, lands on the case page with the emergency banner; axe-clean, no CSP errors."""

import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Role
from audit.models import AuditEvent, EventKind
from cases.models import BreakGlassAccess
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory
from tests.browser.fixtures import assert_accessible, login_as
from tests.cases.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_URL = re.compile(r"/dossiers/[0-9a-f-]{36}/$")


def test_regisseur_of_another_team_uses_break_glass_and_sees_the_banner(page, live_server, console_log):
    team = TeamFactory()
    case = CaseFactory(team=team)
    night_shift = UserFactory(first_name="Nacht", last_name="Dienst")
    MembershipFactory(user=night_shift, team=TeamFactory(municipality=team.municipality), role=Role.REGISSEUR)

    login_as(page, night_shift, live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Noodtoegang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noodtoegang tot een dossier")
    assert_accessible(page)

    # Without a reason nothing is granted and the error is read out with the field.
    page.get_by_label("Dossiernummer").fill(case.number)
    page.get_by_role("button", name="Noodtoegang openen").click()
    expect(page.get_by_text("Dit veld is vereist.")).to_be_visible()
    assert_accessible(page)
    assert not BreakGlassAccess.objects.exists()

    page.get_by_label("Dossiernummer").fill(case.number)
    page.get_by_label("Reden").fill("Politie belt: crisis in het gezin, regisseur onbereikbaar")
    page.get_by_role("button", name="Noodtoegang openen").click()
    page.wait_for_url(CASE_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    expect(page.get_by_text(re.compile(r"U heeft tijdelijk noodtoegang tot dit dossier tot \d\d:\d\d"))).to_be_visible()
    assert_accessible(page)

    read = AuditEvent.objects.get(case_uuid=case.uuid, kind=EventKind.READ, actor=night_shift)
    assert read.flagged is True
    assert console_log.csp_violations() == []

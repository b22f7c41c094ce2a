"""Security in a real browser: the CSP header is sent and nothing on the pages violates it,
the two-factor pages are accessible, and htmx works under the CSP."""

import re

import pytest

from accounts.constants import Role
from tests.accounts.otp_helpers import confirmed_totp_device, totp_token
from tests.browser.fixtures import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_home_and_admin_load_under_the_csp_without_violations(page, live_server, make_user, console_log):
    from accounts.demo import functional_admin_group
    from tests.accounts.factories import TeamFactory

    response = page.goto("/inloggen/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp

    staff = make_user(Role.STAFF, team=TeamFactory(), is_staff=True, first_name="Erik")
    staff.groups.add(functional_admin_group())
    login_as(page, staff, live_server.url)
    for path in ("/", "/beheer/", f"/beheer/accounts/user/{staff.pk}/change/", "/beheer/accounts/team/add/"):
        response = page.goto(path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path
        page.wait_for_load_state("networkidle")
    assert console_log.csp_violations() == []


def test_totp_setup_and_backup_codes_with_htmx_in_the_browser(page, live_server, make_user, console_log, settings):
    settings.OTP_REQUIRED = True
    user = make_user(Role.REGISSEUR)
    login_as(page, user, live_server.url)

    page.goto("/")
    page.wait_for_url(re.compile(r"/tweestapsverificatie/instellen/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tweestapsverificatie instellen"
    assert page.get_by_role("img", name="QR-code voor uw authenticator-app").is_visible()
    assert_accessible(page)

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code uit de app").fill(totp_token(device))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(re.compile(r"/tweestapsverificatie/back-upcodes/"))
    url_before = page.url

    page.get_by_role("button", name="Nieuwe back-upcodes maken").click()
    codes = page.get_by_role("list", name="Uw nieuwe back-upcodes")
    codes.wait_for()
    assert codes.get_by_role("listitem").count() == 10
    assert page.url == url_before  # swapped in by htmx, not a page load
    assert_accessible(page)
    assert console_log.csp_violations() == []


def test_verify_and_backup_code_pages_are_accessible(page, live_server, make_user, console_log, settings):
    settings.OTP_REQUIRED = True
    user = make_user(Role.REGISSEUR)
    confirmed_totp_device(user)
    login_as(page, user, live_server.url)

    page.goto("/")
    page.wait_for_url(re.compile(r"/tweestapsverificatie/controleren/"))
    assert_accessible(page)
    page.get_by_role("link", name="Telefoon niet bij de hand? Gebruik een back-upcode").click()
    page.wait_for_url(re.compile(r"/tweestapsverificatie/back-upcode/"))
    assert_accessible(page)
    assert console_log.csp_violations() == []

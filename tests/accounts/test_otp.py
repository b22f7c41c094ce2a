"""Two-factor authentication: set-up, verification, backup codes and enforcement."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.constants import Role
from audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.accounts.otp_helpers import confirmed_totp_device, totp_token

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def _password_login(client: Client, user) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def otp_required(settings):  # type: ignore[no-untyped-def]
    settings.OTP_REQUIRED = True


def test_staff_without_device_is_sent_to_setup_from_home_and_admin(client, make_user, otp_required):
    user = make_user(Role.REGISSEUR)
    client.force_login(user)
    for path in (reverse("home"), reverse("admin:index")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("otp_setup")), path


def test_staff_with_device_is_sent_to_verify_and_gets_in_after_a_valid_token(client, make_user, otp_required):
    user = make_user(Role.STAFF, is_staff=True)
    device = confirmed_totp_device(user)
    _password_login(client, user)

    for path in (reverse("home"), reverse("admin:index")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == f"{reverse('otp_verify')}?next={path.replace('/', '%2F')}"

    response = client.post(reverse("otp_verify"), {"token": totp_token(device), "next": reverse("admin:index")})
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_wrong_token_keeps_the_user_out(client, make_user, otp_required):
    user = make_user(Role.REGISSEUR)
    device = confirmed_totp_device(user)
    _password_login(client, user)
    wrong = f"{(int(totp_token(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_verify"), {"token": wrong})
    assert response.status_code == 200
    assert "De code is onjuist of verlopen" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_setup_shows_inline_svg_qr_and_secret_and_confirms_with_a_token(client, make_user, otp_required):
    user = make_user(Role.REGISSEUR)
    client.force_login(user)

    response = client.get(reverse("otp_setup"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content and "<img" not in content
    assert "no-store" in response["Cache-Control"]  # the secret must not be cached
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    shown_secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', content).group(1).replace(" ", "")
    from base64 import b32decode

    assert b32decode(shown_secret) == device.bin_key
    # Reloading keeps the same secret (the QR code the user may already have scanned).
    client.get(reverse("otp_setup"))
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(reverse("otp_setup"), {"token": totp_token(device)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_backup_codes"))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="otp_totp_confirm", actor=user).exists()


def test_setup_cannot_add_a_device_with_only_the_password(client, make_user, otp_required):
    user = make_user(Role.REGISSEUR)
    confirmed_totp_device(user)
    _password_login(client, user)
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_backup_code_works_once_and_only_once(make_user, otp_required):
    user = make_user(Role.REGISSEUR)
    confirmed_totp_device(user)
    codes = services.backup_codes_generate(user=user)
    assert len(codes) == 10

    first = Client()
    _password_login(first, user)
    response = first.post(reverse("otp_backup_verify"), {"code": codes[0]})
    assert response.status_code == 302
    assert first.get(reverse("home")).status_code == 200

    second = Client()
    _password_login(second, user)
    response = second.post(reverse("otp_backup_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert "Deze back-upcode is onjuist of al gebruikt" in response.content.decode()
    assert second.get(reverse("home")).status_code == 302


def test_new_backup_codes_replace_the_old_ones(make_user):
    user = make_user(Role.REGISSEUR)
    old = services.backup_codes_generate(user=user)
    new = services.backup_codes_generate(user=user)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == set(new)
    assert not stored & set(old)


def test_backup_codes_page_needs_a_verified_session(client, make_user):
    user = make_user(Role.REGISSEUR)
    client.force_login(user)
    response = client.post(reverse("otp_backup_codes"))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="otp_backup_codes_generate").exists()


def test_htmx_backup_codes_request_returns_only_the_fragment(client, make_user):
    user = make_user(Role.REGISSEUR)
    device = confirmed_totp_device(user)
    _password_login(client, user)
    client.post(reverse("otp_verify"), {"token": totp_token(device)})
    response = client.post(reverse("otp_backup_codes"), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.count("<code>") == 10


def test_user_who_set_up_2fa_must_use_it_even_when_not_required(client, make_user, settings):
    settings.OTP_REQUIRED = False
    user = make_user(Role.REGISSEUR)
    confirmed_totp_device(user)
    _password_login(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_verify"))


def test_demo_user_without_device_needs_no_second_factor_when_not_required(client, make_user, settings):
    settings.OTP_REQUIRED = False
    _password_login(client, make_user(Role.REGISSEUR))
    assert client.get(reverse("home")).status_code == 200


def test_partner_user_without_staff_role_is_not_forced(client, otp_required):
    partner = UserFactory()  # no Membership, not is_staff
    client.force_login(partner)
    assert client.get(reverse("home")).status_code == 200


def test_htmx_request_of_unverified_staff_gets_hx_redirect(client, make_user, otp_required):
    client.force_login(make_user(Role.REGISSEUR))
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("otp_setup"))


def test_next_parameter_cannot_redirect_off_site(client, make_user, otp_required):
    user = make_user(Role.REGISSEUR)
    device = confirmed_totp_device(user)
    _password_login(client, user)
    response = client.post(reverse("otp_verify"), {"token": totp_token(device), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_case_pages_need_a_confirmed_second_factor(client, make_user, otp_required):
    from tests.cases.factories import CaseFactory

    user = make_user(Role.REGISSEUR)
    case = CaseFactory(team=user.memberships.get().team, regisseur=user)
    pages = [reverse("cases:list"), reverse("cases:detail", kwargs={"uuid": case.uuid})]
    _password_login(client, user)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(reverse("otp_setup")), path
    assert not AuditEvent.objects.filter(case_uuid=case.uuid, kind="read").exists()  # nothing was shown

    device = confirmed_totp_device(user)
    response = client.post(reverse("otp_verify"), {"token": totp_token(device)})
    assert response.status_code == 302
    for path in pages:
        assert client.get(path).status_code == 200, path

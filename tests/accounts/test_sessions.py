"""Sessions: idle expiry and the end of other sessions after a password change."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "een-heel-nieuw-wachtwoord-2026"


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_idle_session_expires(make_user, settings):
    client = _login(make_user(Role.REGISSEUR))
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Activity slides the expiry forward: it is about SESSION_COOKIE_AGE from now.
    remaining = session.expire_date - timezone.now()
    assert (
        timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
        < remaining
        <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )

    # Time travel: the user was idle for longer than the timeout.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_ends_the_users_other_sessions_but_keeps_this_one(make_user):
    """Django's own mechanism: the session stores a hash of the password hash
    (HASH_SESSION_KEY); `get_user` flushes a session whose hash no longer matches, and
    PasswordChangeView re-hashes only the current session (update_session_auth_hash)."""
    user = make_user(Role.REGISSEUR)
    here, elsewhere = _login(user), _login(user)
    assert elsewhere.get(reverse("home")).status_code == 200

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")

    assert here.get(reverse("home")).status_code == 200
    response = elsewhere.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # The other session was flushed, not merely refused: its row is gone.
    assert not Session.objects.filter(session_key=elsewhere.cookies[django_settings.SESSION_COOKIE_NAME].value).exists()


def test_password_change_keeps_the_second_factor_of_the_current_session(make_user, settings):
    from tests.accounts.otp_helpers import confirmed_totp_device, totp_token

    settings.OTP_REQUIRED = True
    user = make_user(Role.REGISSEUR)
    device = confirmed_totp_device(user)
    client = _login(user)
    client.post(reverse("otp_verify"), {"token": totp_token(device)})
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert client.get(reverse("home")).status_code == 200

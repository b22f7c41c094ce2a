"""Two-factor enforcement: staff must have verified a second factor before using the app."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import user_has_otp_device, user_requires_otp

# Set at password login when the user has a confirmed device: a user who set up 2FA
# must use it even where OTP_REQUIRED is off (the demo). Costs no query per request.
OTP_PENDING_SESSION_KEY = "otp_pending"

# Views an authenticated but unverified user may still reach.
EXEMPT_VIEW_NAMES = frozenset(
    {
        "login",
        "logout",
        "health",
        "otp_setup",
        "otp_verify",
        "otp_backup_verify",
        "admin:login",
        "admin:logout",
    }
)


def otp_required(request: HttpRequest) -> bool:
    """Whether this request's user must verify a second factor before going on."""
    if request.session.get(OTP_PENDING_SESSION_KEY):
        return True
    return bool(settings.OTP_REQUIRED) and user_requires_otp(user=request.user)  # type: ignore[arg-type]


class OTPRequiredMiddleware:
    """Send unverified users who need a second factor to the verify (or set-up) page.

    Must come after django_otp's OTPMiddleware (which adds `user.is_verified()`). Works in
    `process_view`, so it covers every resolved view including the admin at /beheer/;
    static files are served by WhiteNoise before any view runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEW_NAMES:
            return None
        if not otp_required(request):
            return None
        target = "otp_verify" if user_has_otp_device(user=user) else "otp_setup"
        url = f"{reverse(target)}?{urlencode({'next': request.path})}"
        if getattr(request, "htmx", False):
            # An htmx request would swap the verify page into a fragment; navigate instead.
            return HttpResponse(headers={"HX-Redirect": url})
        return redirect(url)

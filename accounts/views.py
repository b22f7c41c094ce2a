from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import urlencode

import django_otp
import qrcode
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.models import Device
from qrcode.image.svg import SvgPathFillImage

from socialdomain.health import broker_state
from socialdomain.http import AuthenticatedHttpRequest, HtmxAuthenticatedHttpRequest
from socialdomain.redirects import safe_next_path
from socialdomain.registry import WorklistItem, WorklistRow, worklist_items

from . import services
from .forms import BackupCodeForm, TokenForm
from .middleware import OTP_PENDING_SESSION_KEY
from .selectors import (
    backup_device_get_for_user,
    notifications_recent,
    team_list_for_user,
    user_has_otp_device,
)


@dataclass(frozen=True)
class WorklistBlock:
    item: WorklistItem
    rows: list[WorklistRow]
    total: int
    link: str


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The worklist for the user's roles, built only from what the apps registered.

    Each item fetches its own rows (one query) and its total (one COUNT): a constant
    number of queries whatever the number of rows.
    """
    user = request.user
    blocks = []
    for item in worklist_items(roles=user.roles):
        rows = list(item.rows(user=user))[: item.limit]
        # Always the COUNT when the item has one: the same queries for few rows and many.
        total = item.count(user=user) if item.count is not None else len(rows)
        blocks.append(WorklistBlock(item=item, rows=rows, total=total, link=item.link() if item.link else ""))
    teams = team_list_for_user(user=user)
    return render(request, "accounts/home.html", {"teams": teams, "blocks": blocks})


@require_http_methods(["GET", "POST"])
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications; POST marks them all read."""
    if request.method == "POST":
        changed = services.notifications_mark_read(actor=request.user)
        if changed:
            messages.success(request, _("Alle meldingen zijn gelezen."))
        return redirect("notifications")
    items = list(notifications_recent(user=request.user))
    return render(request, "accounts/notifications.html", {"notifications": items})


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: fails (503) only when the database is unreachable.

    Redis and the Celery workers are reported but do not fail the check: the app
    keeps serving pages when background processing is down.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any database error means "down" here
        database = "unavailable"
    payload = {"database": database, **broker_state()}
    status = 200 if database == "ok" else 503
    payload["status"] = "ok" if status == 200 else "error"
    return JsonResponse(payload, status=status)


def _next_url(request: HttpRequest) -> str:
    """The path of the `next` parameter if it points into this site (never its query
    string: `socialdomain.redirects`), else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next_path(candidate, request=request) or reverse("home")


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def _qr_svg(data: str) -> str:
    """An inline SVG QR code, rendered on the server: no external image, no script."""
    image = qrcode.make(data, image_factory=SvgPathFillImage, box_size=10, border=4)
    return image.to_string(encoding="unicode")


def _otp_verified(request: HttpRequest, device: Device) -> None:
    """Mark the session as verified with `device` (django-otp) and clear the pending flag."""
    django_otp.login(request, device)
    request.session.pop(OTP_PENDING_SESSION_KEY, None)


class LoginView(auth_views.LoginView):
    """Password login; a user with a second factor is then asked for it (see middleware)."""

    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """Django's checked `next`, reduced to its path (no query string, see socialdomain.redirects)."""
        return safe_next_path(super().get_redirect_url(), request=self.request) or ""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        if user_has_otp_device(user=user):
            self.request.session[OTP_PENDING_SESSION_KEY] = True
        return HttpResponseRedirect(self.get_success_url())


@never_cache
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code plus secret, confirmed with a first token."""
    user = request.user
    if user.is_verified():
        return redirect(_with_next("otp_backup_codes", request))
    if user_has_otp_device(user=user):
        # Someone holding only the password must not be able to add a device.
        return redirect(_with_next("otp_verify", request))
    device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            _otp_verified(request, device)
            messages.success(request, _("Tweestapsverificatie staat aan. Maak nu uw back-upcodes."))
            return redirect(_with_next("otp_backup_codes", request))
        form.add_error("token", _("De code is onjuist of verlopen. Probeer het opnieuw."))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - SVG built by qrcode from our own data
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: ask for the code from the authenticator app."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not user_has_otp_device(user=user):
        return redirect(_with_next("otp_setup", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            _otp_verified(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("De code is onjuist of verlopen. Probeer het opnieuw."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
def otp_backup_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log in with a single-use backup code instead of the app."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    form = BackupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.backup_code_use(user=user, code=form.cleaned_data["code"])
        if device is not None:
            _otp_verified(request, device)
            messages.warning(
                request,
                _("U bent ingelogd met een back-upcode. Die code werkt nu niet meer; maak zo nodig nieuwe codes."),
            )
            return redirect(_next_url(request))
        form.add_error("code", _("Deze back-upcode is onjuist of al gebruikt."))
    return render(request, "accounts/otp_backup_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
def otp_backup_codes(request: HtmxAuthenticatedHttpRequest) -> HttpResponse:
    """Show how many backup codes are left; POST (htmx or plain) makes a new set and shows it once."""
    user = request.user
    if not user.is_verified():
        # New codes are a second factor: only a verified session may make them.
        return redirect(_with_next("otp_setup", request))
    context: dict = {"next": _next_url(request)}
    if request.method == "POST":
        context["codes"] = services.backup_codes_generate(user=user)
        if request.htmx:
            return render(request, "accounts/_backup_codes.html", context)
    device = backup_device_get_for_user(user=user)
    context["remaining"] = device.token_set.count() if device else 0
    return render(request, "accounts/otp_backup_codes.html", context)

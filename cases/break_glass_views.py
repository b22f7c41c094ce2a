"""The break-glass screen: open a case you have no share on, after stating a reason."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialdomain.forms import Form, InputPolicyMixin, add_service_errors
from socialdomain.http import AuthenticatedHttpRequest

from . import breakglass
from .models import Case


class BreakGlassForm(InputPolicyMixin, Form):
    number = forms.CharField(label=gettext_lazy("Dossiernummer"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=gettext_lazy("Waarom heeft u nu toegang nodig? De teamleider krijgt hiervan bericht."),
    )


def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not (request.user.roles & breakglass.ALLOWED_ROLES):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = breakglass.break_glass_find_case(user=request.user, number=form.cleaned_data["number"])
            breakglass.break_glass_open(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except Case.DoesNotExist:
            form.add_error("number", _("Geen dossier gevonden met dit nummer in uw gemeente."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.warning(
                request,
                _("Noodtoegang verleend tot %(number)s. Deze toegang is tijdelijk en wordt gelogd.")
                % {"number": case.number},
            )
            return redirect(reverse("cases:detail", kwargs={"uuid": case.uuid}))
    return render(request, "cases/break_glass.html", {"form": form, "hours": settings.BREAK_GLASS_HOURS})

from django import forms
from django.utils.translation import gettext_lazy as _

from socialdomain.forms import Form


class TokenForm(Form):
    """A six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("Code uit de app"),
        max_length=8,
        help_text=_("De code van zes cijfers die uw authenticator-app nu toont."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class BackupCodeForm(Form):
    """One of the single-use backup codes."""

    code = forms.CharField(
        label=_("Back-upcode"),
        max_length=20,
        help_text=_("Elke back-upcode werkt één keer."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

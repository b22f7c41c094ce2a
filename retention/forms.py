from django import forms
from django.utils.translation import gettext_lazy as _

from socialdomain.forms import Form, InputPolicyMixin

from .constants import HoldReason


class LegalHoldForm(InputPolicyMixin, Form):
    reason = forms.ChoiceField(label=_("Reden van de bewaarplicht"), choices=HoldReason.choices)

"""Forms of the subject-access screens (municipality staff)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.bsn import clean_bsn
from socialdomain import validators as v
from socialdomain.forms import Form, FormTokenMixin, InputPolicyMixin

from .models import NOTE_MAX, LiftReason, RectifyReason, RestrictionReason


class PersonLookupForm(InputPolicyMixin, Form):
    """The BSN is POSTed, never put in a URL; it is normalised and 11-tested first."""

    bsn = forms.CharField(
        label=_("BSN"),
        max_length=20,
        help_text=_("Het burgerservicenummer van de persoon die om inzage vraagt."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    municipality = forms.ChoiceField(label=_("Gemeente"), required=False)

    def __init__(self, *args: Any, municipalities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(municipalities) > 1:
            field = self.fields["municipality"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(str(pk), name) for pk, name in municipalities]
            field.required = True
        else:
            del self.fields["municipality"]

    def clean_bsn(self) -> str:
        return clean_bsn(self.cleaned_data["bsn"])


class ExportStartForm(InputPolicyMixin, FormTokenMixin, Form):
    """Only the one-time token: a double click starts one export."""


class RectifyForm(InputPolicyMixin, Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    birth_date = forms.DateField(
        label=_("Geboortedatum"), validators=[v.BIRTH_DATE], widget=forms.DateInput(attrs={"type": "date"})
    )
    address = forms.CharField(label=_("Adres"), max_length=200, required=False)
    reason = forms.ChoiceField(label=_("Reden van de correctie"), choices=[("", ""), *RectifyReason.choices])


class RestrictForm(InputPolicyMixin, Form):
    reason = forms.ChoiceField(label=_("Grond voor de beperking"), choices=[("", ""), *RestrictionReason.choices])
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld het kenmerk van het verzoek. Geen medische of andere gevoelige gegevens."),
    )


class LiftForm(InputPolicyMixin, Form):
    reason = forms.ChoiceField(label=_("Reden om op te heffen"), choices=[("", ""), *LiftReason.choices])
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from socialdomain.forms import Form, FormTokenMixin, InputPolicyMixin


class ReportRequestForm(InputPolicyMixin, FormTokenMixin, Form):
    """The one button: the team is chosen only when the leader leads more than one."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("Team"), to_field_name="uuid", widget=forms.HiddenInput
    )

    def __init__(self, *args, teams: list[Team], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        field.queryset = Team.objects.filter(pk__in=[t.pk for t in teams])  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = _("Kies een team dat u leidt.")
        if len(teams) == 1:
            self.initial.setdefault("team", teams[0].uuid)

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Team
from arrangements.constants import Law
from socialdomain.forms import Form, InputPolicyMixin

from .models import Budget
from .selectors import DashboardFilters


class DashboardFilterForm(InputPolicyMixin, Form):
    """Filters of the controller's dashboard: only teams and providers of the budget's
    municipality can be chosen (another municipality's id is simply not a choice)."""

    law = forms.ChoiceField(label=_("Wet"), required=False, choices=[("", _("Alle wetten")), *Law.choices])
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Alle teams"), to_field_name="uuid"
    )
    provider = forms.ModelChoiceField(
        label=_("Aanbieder"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Alle aanbieders"),
        to_field_name="uuid",
    )

    def __init__(self, *args, budget: Budget, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(municipality_id=budget.municipality_id).select_related("municipality")
        self.fields["team"].queryset = teams.order_by("name")  # type: ignore[attr-defined]
        self.fields["provider"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            municipalities=budget.municipality_id
        ).order_by("name")

    def filters(self) -> DashboardFilters:
        if not self.is_valid():
            return DashboardFilters()
        data = self.cleaned_data
        return DashboardFilters(
            law=data["law"] or None,
            team_id=data["team"].pk if data["team"] else None,
            provider_id=data["provider"].pk if data["provider"] else None,
        )

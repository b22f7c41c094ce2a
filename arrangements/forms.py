"""Forms of the arrangement screens: input validation only; writes happen in services."""

from __future__ import annotations

import re
import uuid
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Team, User
from cases.models import Case, HouseholdMember
from plan import selectors as plan_selectors
from socialdomain.forms import Form, FormTokenMixin, InputPolicyMixin

from . import selectors, services
from .constants import DeliveryForm, EscalationReason, StopReason, Urgency
from .models import APPROVAL_TEXT_MAX, ESCALATION_TEXT_MAX, MOTIVATION_MAX, CatalogueItem

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Bidirectional-override and other invisible control characters (Trojan-source style text).
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    value = (value or "").strip()
    if _CONTROL.search(value):
        raise ValidationError(_("De tekst bevat onzichtbare stuurtekens; verwijder die."), code="control")
    return value


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class TextField(forms.CharField):
    def clean(self, value: Any) -> str:
        return clean_text(super().clean(value))


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HouseholdMember) -> str:  # type: ignore[override]
        return obj.person.full_name


class ArrangementForm(InputPolicyMixin, FormTokenMixin, Form):
    """A new arrangement; the same form carries the one-step escalation beyond the mandate."""

    item = forms.ModelChoiceField(label=_("Voorziening"), queryset=CatalogueItem.objects.none())
    member = MemberChoiceField(label=_("Voor gezinslid"), queryset=HouseholdMember.objects.none())
    provider = forms.ModelChoiceField(
        label=_("Aanbieder"), queryset=Organisation.objects.none(), required=False, empty_label=_("Geen / informeel")
    )
    volume = forms.DecimalField(
        label=_("Omvang"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=_("Aantal eenheden per frequentie van de voorziening (bijv. 3 uur per week)."),
    )
    start_date = forms.DateField(label=_("Startdatum"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Einddatum"), widget=DATE_WIDGET, required=False)
    delivery_form = forms.ChoiceField(
        label=_("Leveringsvorm"), required=False, choices=[("", _("Niet van toepassing")), *DeliveryForm.choices]
    )
    goal = forms.TypedChoiceField(
        label=_("Bij plandoel"), required=False, coerce=uuid.UUID, empty_value=None, choices=[]
    )
    contribution = TextField(label=_("Wie draagt bij"), required=False, max_length=300)
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # The escalation (used only with "Voorleggen aan het expertiseteam").
    expert_team = forms.ModelChoiceField(label=_("Expertiseteam"), queryset=Team.objects.none(), required=False)
    assigned_expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=User.objects.none(), required=False, empty_label=_("Het team kiest")
    )
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False)
    question = TextField(
        label=_("Vraag aan het expertiseteam"),
        required=False,
        max_length=ESCALATION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # The request to the team leader (used only with "Goedkeuring vragen aan de teamleider").
    ceiling_motivation = TextField(
        label=_("Toelichting voor de teamleider"),
        required=False,
        max_length=APPROVAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom is deze voorziening nodig, ook boven het budgetplafond van het team?"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.case = case
        _choices(self, "item").queryset = selectors.catalogue_for_case(case=case)
        _choices(self, "member").queryset = case.household.members.select_related("person").order_by("pk")
        # The goals of the current plan: an arrangement is deployed in the plan, on a goal.
        self.fields["goal"].choices = [  # type: ignore[attr-defined]
            ("", _("— Geen plandoel —")),
            *((str(lineage), label) for lineage, label in plan_selectors.goal_choices_for_case(case=case)),
        ]
        _choices(self, "provider").queryset = Organisation.objects.filter(
            municipalities__id=case.team.municipality_id
        ).order_by("name")
        teams = services.expert_teams_for_case(case=case)
        _choices(self, "expert_team").queryset = teams
        self.fields["expert_team"].initial = teams.first()
        _choices(self, "assigned_expert").queryset = User.objects.filter(
            memberships__team__in=teams, memberships__role="expert", is_active=True
        ).distinct()

    ESCALATION_FIELDS = ("expert_team", "assigned_expert", "urgency", "question")
    APPROVAL_FIELDS = ("ceiling_motivation",)

    def arrangement_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            k: data.get(k)
            for k in ("item", "member", "provider", "volume", "start_date", "end_date", "delivery_form", "contribution")
        } | {
            "delivery_form": data.get("delivery_form") or "",
            "contribution": data.get("contribution") or "",
            "goal_lineage": data.get("goal"),
        }


class EscalationForm(InputPolicyMixin, FormTokenMixin, Form):
    expert_team = forms.ModelChoiceField(label=_("Expertiseteam"), queryset=Team.objects.none())
    reason = forms.ChoiceField(label=_("Reden"), choices=EscalationReason.choices)
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=Urgency.choices, initial=Urgency.NORMAL)
    question = TextField(
        label=_("Vraag aan het expertiseteam"), max_length=ESCALATION_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    deadline = forms.DateField(
        label=_("Reactie uiterlijk"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Leeg: binnen vijf werkdagen; bij veiligheid dezelfde dag."),
    )
    assigned_expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=User.objects.none(), required=False, empty_label=_("Het team kiest")
    )
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    # The request to the team leader (used only with "Goedkeuring vragen aan de teamleider").
    ceiling_motivation = TextField(
        label=_("Toelichting voor de teamleider"),
        required=False,
        max_length=APPROVAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom is deze voorziening nodig, ook boven het budgetplafond van het team?"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)
        teams = services.expert_teams_for_case(case=case)
        _choices(self, "expert_team").queryset = teams
        self.fields["expert_team"].initial = teams.first()
        _choices(self, "assigned_expert").queryset = User.objects.filter(
            memberships__team__in=teams, memberships__role="expert", is_active=True
        ).distinct()


class DecisionForm(InputPolicyMixin, Form):
    granted = forms.TypedChoiceField(
        label=_("Besluit"),
        choices=[("1", _("Toekennen")), ("0", _("Afwijzen"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    legal_basis = TextField(
        label=_("Wettelijke grondslag"),
        max_length=200,
        help_text=_("Bijvoorbeeld: artikel 2.3.5 Wmo 2015; artikel 2.3 Jeugdwet; artikel 10d Participatiewet."),
    )
    period_start = forms.DateField(label=_("Ingangsdatum"), widget=DATE_WIDGET, required=False)
    period_end = forms.DateField(label=_("Einddatum"), widget=DATE_WIDGET, required=False)
    volume = forms.DecimalField(label=_("Omvang"), required=False, max_digits=10, decimal_places=2)
    motivation = TextField(label=_("Motivering"), max_length=MOTIVATION_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class AdviceForm(InputPolicyMixin, Form):
    advice = TextField(label=_("Advies"), max_length=ESCALATION_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))


class HandBackForm(InputPolicyMixin, Form):
    advice = TextField(
        label=_("Toelichting bij het teruggeven"),
        max_length=ESCALATION_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChangeForm(InputPolicyMixin, Form):
    volume = forms.DecimalField(label=_("Omvang"), required=False, max_digits=10, decimal_places=2)
    end_date = forms.DateField(label=_("Einddatum"), widget=DATE_WIDGET, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class StopForm(InputPolicyMixin, Form):
    stop_date = forms.DateField(label=_("Einddatum"), widget=DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Reden"), choices=StopReason.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class InsufficientForm(InputPolicyMixin, Form):
    note = TextField(label=_("Waarom volstaat de voorziening niet meer?"), max_length=500)


class ReviewForm(InputPolicyMixin, Form):
    next_review = forms.DateField(label=_("Volgende evaluatie"), widget=DATE_WIDGET)


class CeilingDecisionForm(InputPolicyMixin, FormTokenMixin, Form):
    """The team leader's decision on a grant beyond the team's budget ceiling."""

    reason = TextField(
        label=_("Reden van uw besluit"),
        max_length=APPROVAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

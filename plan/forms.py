"""Forms for the plan pages: they parse and shape input; the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import HouseholdMember
from intake.constants import SCORE_CHOICES, Domain
from socialdomain import validators as v
from socialdomain.forms import Form, FormTokenMixin, InputPolicyMixin

from .constants import ANSWER_CHOICES, QUESTIONS, AgreementMethod, GoalOutcome, Rung
from .models import Goal
from .selectors import OwnerChoices

# Bidi controls can make text read differently from what was typed ("Trojan Source").
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _clean_text(value: str) -> str:
    if BIDI.search(value or ""):
        raise ValidationError(_("De tekst bevat onzichtbare tekens die de leesrichting veranderen."))
    return value.strip()


class TextField(forms.CharField):
    def clean(self, value: Any) -> str:
        return _clean_text(super().clean(value))


class VersionForm(InputPolicyMixin, Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


SCORE_FIELD_CHOICES = [("", "–"), *SCORE_CHOICES]
RUNG_FIELD_CHOICES = [("", _("– niet vastgelegd –")), *Rung.choices]


def score_field(label: Any, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCORE_FIELD_CHOICES, coerce=int, empty_value=None, required=required
    )


def rung_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=RUNG_FIELD_CHOICES, coerce=int, empty_value=None, required=False)


def member_label(member: HouseholdMember) -> str:
    return member.person.first_name


class StartForm(InputPolicyMixin, Form):
    """Start the plan; the participatieladder of each adult at the gesprek."""

    def __init__(self, *args: Any, adults: list[HouseholdMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adults = adults
        for m in adults:
            self.fields[f"rung_{m.pk}"] = rung_field(
                _("Participatieladder bij het gesprek – %(name)s") % {"name": member_label(m)}
            )

    def rungs(self) -> dict[int, int]:
        return {m.pk: self.cleaned_data[f"rung_{m.pk}"] for m in self.adults if self.cleaned_data.get(f"rung_{m.pk}")}


class PlanEditForm(VersionForm):
    household_words = TextField(
        label=_("Wat wil het gezin bereiken? (in de woorden van het gezin)"),
        max_length=v.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    plan_date = forms.DateField(label=_("Datum plan"), widget=DateInput())


class GoalForm(FormTokenMixin, VersionForm):
    member = forms.TypedChoiceField(label=_("Gezinslid"), coerce=int)
    domain = forms.ChoiceField(label=_("Leefgebied"), choices=Domain.choices)
    description = TextField(label=_("Doel in de woorden van het gezin"), max_length=500, required=False)
    start_score = score_field(_("Score nu"))
    target_score = score_field(_("Doelscore"))
    target_date = forms.DateField(label=_("Streefdatum"), widget=DateInput())
    target_rung = rung_field(_("Doeltrede participatieladder (bij werk of participatie)"))

    def __init__(self, *args: Any, members: list[HouseholdMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, member_label(m)) for m in members]  # type: ignore[attr-defined]


class GoalEditForm(FormTokenMixin, VersionForm):
    """A goal's words, scores, date and rung; its member and life domain stay."""

    description = TextField(label=_("Doel in de woorden van het gezin"), max_length=500, required=False)
    start_score = score_field(_("Score nu"))
    target_score = score_field(_("Doelscore"))
    target_date = forms.DateField(label=_("Streefdatum"), widget=DateInput())
    target_rung = rung_field(_("Doeltrede participatieladder (bij werk of participatie)"))


class ActionForm(FormTokenMixin, VersionForm):
    description = TextField(label=_("Actie"), max_length=500)
    owner = forms.ChoiceField(label=_("Wie doet het?"))
    due_on = forms.DateField(label=_("Uiterlijk op"), widget=DateInput())
    goal = forms.ChoiceField(label=_("Bij doel"), required=False)

    def __init__(self, *args: Any, owners: OwnerChoices, goals: list[Goal], regisseur: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: list[tuple[Any, Any]] = [
            (_("Het gezin"), [(f"member:{m.pk}", member_label(m)) for m in owners.members]),
            (_("Het netwerk"), [(f"network:{c.pk}", c.name) for c in owners.contacts]),
            (
                _("Professionals"),
                [("regisseur", _("%(name)s (regisseur)") % {"name": regisseur})]
                + [(f"colleague:{u.pk}", str(u)) for u in owners.colleagues],
            ),
            (_("Partnerorganisaties"), [(f"organisation:{o.pk}", o.name) for o in owners.organisations]),
        ]
        self.fields["owner"].choices = groups  # type: ignore[attr-defined]
        self.fields["goal"].choices = [("", _("– geen specifiek doel –"))] + [  # type: ignore[attr-defined]
            (str(g.uuid), f"{member_label(g.member)}: {g.get_domain_display()}") for g in goals
        ]
        self.goals = {str(g.uuid): g for g in goals}

    def owner_parts(self) -> tuple[str, int | None]:
        kind, _sep, pk = self.cleaned_data["owner"].partition(":")
        return kind, int(pk) if pk.isdigit() else None

    def selected_goal(self) -> Goal | None:
        return self.goals.get(self.cleaned_data.get("goal") or "")


class SafetyForm(FormTokenMixin, VersionForm):
    text = TextField(label=_("Veiligheidsafspraak"), max_length=500)
    who = TextField(label=_("Wie komt de afspraak na?"), max_length=200)


class RiskForm(FormTokenMixin, VersionForm):
    description = TextField(label=_("Risico"), max_length=500)
    mitigation = TextField(label=_("Wat doen we eraan?"), max_length=500, required=False)


class AgreeForm(VersionForm):
    members = forms.TypedMultipleChoiceField(
        label=_("Wie van het gezin gaat akkoord?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één gezinslid dat akkoord geeft.")},
    )
    agreed_on = forms.DateField(label=_("Datum akkoord"), widget=DateInput())
    method = forms.ChoiceField(label=_("Hoe"), choices=AgreementMethod.choices, widget=forms.RadioSelect)
    remarks = TextField(
        label=_("Opmerkingen van het gezin"),
        max_length=v.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, members: list[HouseholdMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, member_label(m)) for m in members]  # type: ignore[attr-defined]


class EvaluationForm(InputPolicyMixin, Form):
    date = forms.DateField(label=_("Datum evaluatie"), widget=DateInput())
    household_view = TextField(
        label=_("Hoe ervaart het gezin de hulp?"),
        max_length=v.TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        goals: list[Goal],
        members: list[HouseholdMember],
        adults: list[HouseholdMember],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.adults = adults
        self.score_keys: list[tuple[int, str]] = []
        for g in goals:
            label = f"{member_label(g.member)}: {g.get_domain_display()}"
            self.fields[f"outcome_{g.pk}"] = forms.ChoiceField(
                label=_("Resultaat – %(goal)s") % {"goal": label},
                choices=GoalOutcome.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"view_{g.pk}"] = TextField(
                label=_("Zo ziet het gezin het – %(goal)s") % {"goal": label}, max_length=500, required=False
            )
            key = (g.member_id, g.domain)
            if key not in self.score_keys:
                self.score_keys.append(key)
                self.fields[f"score_{g.member_id}_{g.domain}"] = score_field(
                    _("Nieuwe score – %(goal)s") % {"goal": label}, required=False
                )
        for m in adults:
            self.fields[f"rung_{m.pk}"] = rung_field(_("Participatieladder nu – %(name)s") % {"name": member_label(m)})

    def scores(self) -> list[Any]:
        from .services import ScoreInput

        return [
            ScoreInput(member_id=m, domain=d, score=self.cleaned_data[f"score_{m}_{d}"])
            for m, d in self.score_keys
            if self.cleaned_data.get(f"score_{m}_{d}")
        ]

    def outcomes(self) -> list[Any]:
        from .services import OutcomeInput

        return [
            OutcomeInput(
                goal_id=g.pk,
                outcome=self.cleaned_data[f"outcome_{g.pk}"],
                household_view=self.cleaned_data[f"view_{g.pk}"],
            )
            for g in self.goals
            if self.cleaned_data.get(f"outcome_{g.pk}")
        ]

    def rungs(self) -> dict[int, int]:
        return {m.pk: self.cleaned_data[f"rung_{m.pk}"] for m in self.adults if self.cleaned_data.get(f"rung_{m.pk}")}

    def goal_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "goal": g,
                "outcome": self[f"outcome_{g.pk}"],
                "view": self[f"view_{g.pk}"],
                "score": self[f"score_{g.member_id}_{g.domain}"],
            }
            for g in self.goals
        ]


class CodeForm(InputPolicyMixin, Form):
    code = forms.CharField(
        label=_("Uw code"), max_length=40, help_text=_("De code staat op het briefje van uw regisseur.")
    )


class QuestionnaireForm(InputPolicyMixin, Form):
    remarks = TextField(
        label=_("Wilt u nog iets kwijt? (niet verplicht)"),
        max_length=v.SHORT_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=label,
                choices=ANSWER_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies een antwoord.")},
            )
        self.order_fields([k for k, _label in QUESTIONS] + ["remarks"])

    def answers(self) -> dict[str, int]:
        return {k: self.cleaned_data[k] for k, _label in QUESTIONS}

"""Thin forms: input shape and Dutch messages; rules live in intake/services.py."""

import datetime
from typing import Any, cast

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from cases.bsn import clean_bsn
from cases.models import HouseholdMember, NetworkContact
from socialdomain import validators
from socialdomain.forms import Form, FormTokenMixin, InputPolicyMixin

from .constants import SCORE_CHOICES, AdviceOutcome, Domain, SignalSource, TriageRoute
from .services import PersonInput, ScoreInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignalForm(InputPolicyMixin, FormTokenMixin, Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Ontvangend team"))
    source = forms.ChoiceField(choices=SignalSource.choices, label=_("Bron"))
    question = forms.CharField(
        max_length=validators.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Vraag of zorg"),
        help_text=_("Zoveel mogelijk in de woorden van de melder."),
    )
    reporter_name = forms.CharField(required=False, max_length=150, label=_("Naam melder"))
    reporter_contact = forms.CharField(required=False, max_length=200, label=_("Contactgegevens melder"))
    received_on = forms.DateField(
        widget=DATE, label=_("Ontvangen op"), initial=timezone.localdate, validators=[validators.SIGNAL_RECEIVED_DATE]
    )

    def __init__(self, *args, teams, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()

    def clean_received_on(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De datum van ontvangst ligt in de toekomst."))
        return value


class PersonForm(InputPolicyMixin, Form):
    bsn = forms.CharField(required=False, max_length=11, label=_("BSN"), help_text=_("Als het bekend is."))
    first_name = forms.CharField(required=False, max_length=100, label=_("Voornaam"))
    last_name = forms.CharField(required=False, max_length=150, label=_("Achternaam"))
    birth_date = forms.DateField(
        required=False, widget=DATE, label=_("Geboortedatum"), validators=[validators.BIRTH_DATE]
    )

    def __init__(self, *args, required: bool = True, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.required = required

    def clean_bsn(self) -> str:
        # Normalised (full-width/Unicode digits, spaces, dots) and validated in one place.
        return clean_bsn(self.cleaned_data["bsn"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        empty = not any(data.get(f) for f in ("bsn", "first_name", "last_name", "birth_date"))
        if empty:
            if self.required:
                raise forms.ValidationError(_("Vul een BSN of een naam met geboortedatum in."))
            return data
        birth = data.get("birth_date")
        if birth and birth > timezone.localdate():
            self.add_error("birth_date", _("De geboortedatum ligt in de toekomst."))
        if not data.get("bsn") and not (data.get("first_name") and data.get("last_name") and birth):
            raise forms.ValidationError(_("Zonder BSN zijn voornaam, achternaam en geboortedatum nodig."))
        return data

    def to_input(self) -> PersonInput | None:
        d = self.cleaned_data
        if not any(d.get(f) for f in ("bsn", "first_name", "last_name", "birth_date")):
            return None
        return PersonInput(
            bsn=d.get("bsn", ""),
            first_name=d.get("first_name", ""),
            last_name=d.get("last_name", ""),
            birth_date=d.get("birth_date"),
        )


class TriageForm(InputPolicyMixin, Form):
    route = forms.ChoiceField(
        choices=[(c.value, c.label) for c in (TriageRoute.ADVICE, TriageRoute.CASE, TriageRoute.SAFETY)],
        widget=forms.RadioSelect,
        label=_("Route"),
    )
    advice_outcome = forms.ChoiceField(
        required=False, choices=[*BLANK_CHOICE_DASH, *AdviceOutcome.choices], label=_("Uitkomst van het advies")
    )
    regisseur = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Regisseur"))
    gesprek_planned_on = forms.DateField(
        required=False, widget=DATE, label=_("Afspraak voor het gesprek"), validators=[validators.PLANNED_DATE]
    )
    household_name = forms.CharField(
        required=False,
        max_length=150,
        label=_("Naam huishouden"),
        help_text=_("Alleen nodig als het huishouden nog niet bekend is."),
    )
    note = forms.CharField(
        required=False,
        max_length=validators.SHORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Toelichting"),
    )

    # Which fields belong to which route (the template groups them; static/js/triage.js
    # shows only the chosen route's group, and `clean` drops what another route filled in).
    ROUTE_FIELDS = {
        TriageRoute.ADVICE: ("advice_outcome",),
        TriageRoute.CASE: ("regisseur", "gesprek_planned_on", "household_name"),
        TriageRoute.SAFETY: ("regisseur", "gesprek_planned_on", "household_name"),
    }
    CONDITIONAL_FIELDS = ("advice_outcome", "regisseur", "gesprek_planned_on", "household_name")

    def __init__(self, *args, regisseurs, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["regisseur"]).queryset = regisseurs

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        keep = self.ROUTE_FIELDS.get(data.get("route", ""), ())
        empty = {"advice_outcome": "", "regisseur": None, "gesprek_planned_on": None, "household_name": ""}
        for name in self.CONDITIONAL_FIELDS:
            if name not in keep:
                data[name] = empty[name]
                self.errors.pop(name, None)  # a field of another route cannot block this one
        return data


class GesprekForm(InputPolicyMixin, Form):
    """The gesprek with one score field and one note field per member and domain."""

    version = forms.IntegerField(widget=forms.HiddenInput, label=_("versie"))
    date = forms.DateField(widget=DATE, label=_("Datum van het gesprek"), validators=[validators.GESPREK_DATE])
    place = forms.CharField(max_length=150, label=_("Plaats"))
    members = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Gezinsleden aanwezig")
    )
    contacts = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Netwerk aanwezig")
    )
    professionals = forms.CharField(
        required=False,
        max_length=300,
        label=_("Professionals aanwezig"),
        help_text=_("Namen, gescheiden door komma's."),
    )
    question_behind = forms.CharField(
        required=False,
        max_length=validators.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("De vraag achter de vraag"),
    )
    ladder_own = forms.CharField(
        required=False,
        max_length=validators.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("1. Wat kan het huishouden zelf?"),
    )
    ladder_network = forms.CharField(
        required=False,
        max_length=validators.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("2. Wat kan het netwerk doen?"),
    )
    ladder_general = forms.CharField(
        required=False,
        max_length=validators.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("3. Welke algemene voorzieningen passen?"),
    )
    ladder_tailored = forms.CharField(
        required=False,
        max_length=validators.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("4. Welke maatwerkvoorzieningen lijken nodig?"),
    )
    ladder_skip_reason = forms.CharField(
        required=False,
        max_length=validators.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reden om een trede over te slaan"),
        help_text=_("Verplicht als een latere trede is ingevuld en een eerdere niet."),
    )

    extra_domains = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)

    def __init__(  # type: ignore[no-untyped-def]
        self,
        *args,
        members: list[HouseholdMember],
        contacts: list[NetworkContact],
        domains: dict[int, list[Domain]],
        **kwargs,
    ) -> None:
        """`domains`: per member id, the domains that fit their age (intake.selectors.domains_for).

        The regisseur may add others per member ("Leefgebied toevoegen": the submit button
        `add_domain=<member id>` with the choice `add_<member id>`); added domains travel in
        the hidden `extra_domains` ("<member id>:<domain>") until they are scored, and a
        domain with a saved score is always shown.
        """
        super().__init__(*args, **kwargs)
        self.member_list = members
        cast(forms.ChoiceField, self.fields["members"]).choices = [
            (m.pk, f"{m.person.full_name} ({m.get_role_display()})") for m in members
        ]
        cast(forms.ChoiceField, self.fields["contacts"]).choices = [
            (c.pk, f"{c.name} ({c.get_relation_display()})") for c in contacts
        ]
        pairs = [f"{m.pk}:{d.value}" for m in members for d in Domain]
        cast(forms.ChoiceField, self.fields["extra_domains"]).choices = [(p, p) for p in pairs]
        extra = self._extra_pairs(members, domains)
        self.domains_by_member: dict[int, list[Domain]] = {
            m.pk: [d for d in Domain if d in domains.get(m.pk, []) or (m.pk, d.value) in extra] for m in members
        }
        self.initial["extra_domains"] = sorted(f"{mid}:{d}" for mid, d in extra)
        if self.is_bound:
            data = cast(QueryDict, self.data).copy()
            data.setlist("extra_domains", self.initial["extra_domains"])
            adding = data.get("add_domain", "")
            if adding.isdigit():
                data[self.add_name(int(adding))] = ""  # added now: no longer a choice
            self.data = data
        for m in members:
            for d in self.domains_by_member[m.pk]:
                self.fields[self.score_name(m.pk, d.value)] = forms.TypedChoiceField(
                    coerce=int,
                    empty_value=None,
                    required=False,
                    choices=[("", _("geen score")), *SCORE_CHOICES],
                    label=_("%(domain)s – %(name)s") % {"domain": d.label, "name": m.person.first_name},
                )
                self.fields[self.note_name(m.pk, d.value)] = forms.CharField(
                    required=False,
                    max_length=300,
                    label=_("Toelichting %(domain)s – %(name)s") % {"domain": d.label, "name": m.person.first_name},
                )
            addable = [d for d in Domain if d not in self.domains_by_member[m.pk]]
            if addable:
                self.fields[self.add_name(m.pk)] = forms.ChoiceField(
                    required=False,
                    choices=[("", _("— Kies leefgebied —")), *((d.value, d.label) for d in addable)],
                    label=_("Leefgebied toevoegen voor %(name)s") % {"name": m.person.first_name},
                )

    def _extra_pairs(self, members: list[HouseholdMember], domains: dict[int, list[Domain]]) -> set[tuple[int, str]]:
        """Domains shown beyond the age bands: scored before, added earlier, or added now."""
        ids = {m.pk for m in members}
        extra: set[tuple[int, str]] = set()
        # Saved scores always keep their row (also when a post lacks extra_domains), so a
        # save never drops a score just because its domain is outside the age band.
        values = [k.removeprefix("score_").replace("_", ":", 1) for k in self.initial if k.startswith("score_")]
        if self.is_bound:
            values += list(cast(QueryDict, self.data).getlist("extra_domains"))
            adding = self.data.get("add_domain", "")
            if adding.isdigit():
                values.append(f"{adding}:{self.data.get(self.add_name(int(adding)), '')}")
        for value in values:
            member, _sep, domain = str(value).partition(":")
            if member.isdigit() and int(member) in ids and domain in Domain.values:
                extra.add((int(member), domain))
        return {(mid, d) for mid, d in extra if Domain(d) not in domains.get(mid, [])}

    @property
    def adding_domain(self) -> bool:
        """The regisseur pressed "Leefgebied toevoegen": show the form again, save nothing."""
        return self.is_bound and bool(self.data.get("add_domain"))

    @staticmethod
    def add_name(member_id: int) -> str:
        return f"add_{member_id}"

    @staticmethod
    def score_name(member_id: int, domain: str) -> str:
        return f"score_{member_id}_{domain}"

    @staticmethod
    def note_name(member_id: int, domain: str) -> str:
        return f"note_{member_id}_{domain}"

    def clean_date(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De datum van het gesprek ligt in de toekomst."))
        return value

    def score_grid(self) -> list[dict]:
        """Bound fields per member and domain, for the template."""
        return [
            {
                "member": m,
                "rows": [
                    {
                        "domain": d,
                        "score": self[self.score_name(m.pk, d.value)],
                        "note": self[self.note_name(m.pk, d.value)],
                    }
                    for d in self.domains_by_member[m.pk]
                ],
                "add": self[self.add_name(m.pk)] if self.add_name(m.pk) in self.fields else None,
            }
            for m in self.member_list
        ]

    def gesprek_fields(self) -> dict:
        from .services import GESPREK_FIELDS

        return {f: self.cleaned_data[f] for f in GESPREK_FIELDS}

    def score_inputs(self) -> list[ScoreInput]:
        result = []
        for m in self.member_list:
            for d in self.domains_by_member[m.pk]:
                score = self.cleaned_data.get(self.score_name(m.pk, d.value))
                if score is not None:
                    note = self.cleaned_data.get(self.note_name(m.pk, d.value), "")
                    result.append(ScoreInput(member_id=m.pk, domain=d.value, score=score, note=note))
        return result


class MeldcodeStepsForm(InputPolicyMixin, Form):
    """One date field per Meldcode step of a case (`step_<n>`); the rules live in the service."""

    def __init__(self, *args, steps: list, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.steps = steps
        for step in steps:
            self.fields[self.field_name(step.step)] = forms.DateField(
                required=False,
                widget=DATE,
                label=step.get_step_display(),
                initial=step.done_on,
                validators=[validators.PAST_EVENT_DATE],
            )

    @staticmethod
    def field_name(step: int) -> str:
        return f"step_{step}"

    def done_on_by_step(self) -> dict[int, datetime.date | None]:
        return {s.step: self.cleaned_data.get(self.field_name(s.step)) for s in self.steps}

    def rows(self) -> list[dict]:
        return [{"step": s, "field": self[self.field_name(s.step)]} for s in self.steps]

"""Forms of the case screens: input validation only; the writes happen in services."""

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import Organisation, Team, User
from socialdomain import validators
from socialdomain.forms import Form, FormTokenMixin, InputPolicyMixin

from . import permissions
from .bsn import clean_bsn
from .constants import (
    Access,
    CaseOutcome,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    Line,
    MemberRole,
    NetworkRelation,
    RegisseurChangeReason,
)
from .models import HouseholdMember

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseFilterForm(InputPolicyMixin, Form):
    SORTS = [("recent", _("Laatst gewijzigd")), ("number", _("Dossiernummer"))]

    # Bounded: a 100 000-character term is no search (and SQLite refuses it: "LIKE or GLOB pattern too complex").
    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=validators.SEARCH_MAX,
        help_text=_("Dossiernummer of naam van het huishouden"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Alle")), *CaseStatus.choices])
    line = forms.ChoiceField(label=_("Lijn"), required=False, choices=[("", _("Alle")), *Line.choices])
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Alle"))
    sort = forms.ChoiceField(label=_("Sorteren op"), required=False, choices=SORTS)

    def __init__(self, *args, user: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        # Team's label names its municipality: fetched in the same query, not one per option.
        team_field.queryset = (
            Team.objects.filter(memberships__user=user).distinct().select_related("municipality").order_by("name")
        )


class PersonFieldsMixin(InputPolicyMixin, FormTokenMixin, Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    birth_date = forms.DateField(label=_("Geboortedatum"), widget=DATE_WIDGET, validators=[validators.BIRTH_DATE])
    bsn = forms.CharField(
        label=_("BSN"),
        required=False,
        max_length=11,
        help_text=_("Optioneel. Negen cijfers; wordt versleuteld opgeslagen."),
    )
    role = forms.ChoiceField(label=_("Rol in huishouden"), choices=MemberRole.choices)

    def clean_birth_date(self) -> datetime.date:
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De geboortedatum ligt in de toekomst."))
        return value

    def clean_bsn(self) -> str:
        # Normalised (full-width/Unicode digits, spaces, dots) and validated in one place.
        return clean_bsn(self.cleaned_data["bsn"])


class CaseOpenForm(PersonFieldsMixin):
    household_name = forms.CharField(
        label=_("Naam huishouden"), max_length=150, help_text=_("Bijvoorbeeld: gezin De Vries.")
    )
    household_address = forms.CharField(label=_("Adres"), max_length=200, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    line = forms.ChoiceField(label=_("Lijn"), choices=Line.choices, initial=Line.SECOND)
    regisseur = forms.ModelChoiceField(
        label=_("Regisseur"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leeg laten als u zelf de regisseur bent."),
    )

    field_order = ["household_name", "household_address", "first_name", "last_name", "birth_date", "bsn", "role"]

    def __init__(self, *args, user: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.user = user
        # The teams this user may open a case for; the view answers 404 when there are none.
        teams = permissions.teams_for_opening_cases(user)
        self.teams = teams.select_related("municipality").order_by("name")
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = self.teams
        cast(forms.ModelChoiceField, self.fields["regisseur"]).queryset = (
            User.objects.filter(memberships__team__in=teams, memberships__role=Role.REGISSEUR)
            .distinct()
            .order_by("last_name", "first_name")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        team, regisseur = data.get("team"), data.get("regisseur")
        if team is None:
            return data
        if regisseur is None:
            if self.user.memberships.filter(team=team, role=Role.REGISSEUR).exists():
                data["regisseur"] = self.user
            else:
                self.add_error("regisseur", _("Kies een regisseur uit het team."))
        elif not regisseur.memberships.filter(team=team, role=Role.REGISSEUR).exists():
            self.add_error("regisseur", _("Deze collega is geen regisseur in het gekozen team."))
        return data


class CaseEditForm(InputPolicyMixin, Form):
    household_name = forms.CharField(label=_("Naam huishouden"), max_length=150)
    household_address = forms.CharField(label=_("Adres"), max_length=200, required=False)
    line = forms.ChoiceField(label=_("Lijn"), choices=Line.choices)


class MemberAddForm(PersonFieldsMixin):
    pass


class MemberEditForm(InputPolicyMixin, Form):
    role = forms.ChoiceField(label=_("Rol in huishouden"), choices=MemberRole.choices)
    phone = forms.CharField(label=_("Telefoon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)


class NetworkContactForm(InputPolicyMixin, FormTokenMixin, Form):
    name = forms.CharField(label=_("Naam"), max_length=150)
    relation = forms.ChoiceField(label=_("Relatie"), choices=NetworkRelation.choices)
    organisation = forms.CharField(label=_("Organisatie"), max_length=150, required=False)
    phone = forms.CharField(label=_("Telefoon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    note = forms.CharField(label=_("Toelichting"), max_length=300, required=False)


class MemberChoiceField(forms.ModelChoiceField):
    """A household member by name and role (the model's __str__ carries no personal data)."""

    def label_from_instance(self, obj: HouseholdMember) -> str:  # type: ignore[override]
        return f"{obj.person.full_name} ({obj.get_role_display()})"


class ConsentForm(InputPolicyMixin, FormTokenMixin, Form):
    member = MemberChoiceField(label=_("Gezinslid"), queryset=HouseholdMember.objects.none())
    purpose = forms.ChoiceField(label=_("Doel"), choices=ConsentPurpose.choices)
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.none(), required=False)
    given = forms.TypedChoiceField(
        label=_("Toestemming"),
        choices=[("1", _("Gegeven")), ("0", _("Ingetrokken"))],
        coerce=lambda v: v == "1",
    )
    method = forms.ChoiceField(label=_("Hoe"), choices=ConsentMethod.choices)
    date = forms.DateField(
        label=_("Datum"), widget=DATE_WIDGET, initial=timezone.localdate, validators=[validators.PAST_EVENT_DATE]
    )

    def __init__(self, *args, case, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = case.household.members.select_related("person")
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = Organisation.objects.filter(
            municipalities=case.team.municipality_id
        ).order_by("name")

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De datum ligt in de toekomst."))
        return value


class ConsentChangeForm(InputPolicyMixin, FormTokenMixin, Form):
    """Withdraw or give again one consent: how the household said so, and when."""

    method = forms.ChoiceField(label=_("Hoe"), choices=ConsentMethod.choices)
    date = forms.DateField(
        label=_("Datum"), widget=DATE_WIDGET, initial=timezone.localdate, validators=[validators.PAST_EVENT_DATE]
    )

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De datum ligt in de toekomst."))
        return value


class ShareForm(InputPolicyMixin, Form):
    user = forms.ModelChoiceField(label=_("Collega"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(
        label=_("Of een heel team"), queryset=Team.objects.none(), required=False, empty_label=_("— Kies een team —")
    )
    access = forms.ChoiceField(label=_("Toegang"), choices=Access.choices, initial=Access.READ)

    def __init__(self, *args, colleagues, teams, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = colleagues
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams.select_related("municipality")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("user")) == bool(data.get("team")):
            raise forms.ValidationError(_("Kies een collega of een team (niet allebei)."))
        return data


class ReassignForm(InputPolicyMixin, Form):
    regisseur = forms.ModelChoiceField(label=_("Nieuwe regisseur"), queryset=User.objects.none())
    reason = forms.ChoiceField(
        label=_("Reden"),
        choices=[c for c in RegisseurChangeReason.choices if c[0] != RegisseurChangeReason.INITIAL],
    )
    # The handover note is shown at the top of the plan for the new regisseur (plan app).
    note = forms.CharField(
        label=_("Overdrachtsnotitie voor de nieuwe regisseur"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat moet de nieuwe regisseur weten? Het staat bovenaan het plan van het gezin."),
        error_messages={"required": _("Schrijf een overdrachtsnotitie voor de nieuwe regisseur.")},
    )

    def __init__(self, *args, regisseurs, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["regisseur"]).queryset = regisseurs


class CloseForm(InputPolicyMixin, Form):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=CaseOutcome.choices)
    reason = forms.CharField(
        label=_("Toelichting"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(InputPolicyMixin, FormTokenMixin, Form):
    text = forms.CharField(label=_("Notitie"), max_length=validators.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))

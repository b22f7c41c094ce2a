"""The team benchmark page (`/rapportages/teams/`): controllers and team leaders only.

Anyone else (a regisseur, an expert, a partner, staff) gets 404, the same answer as for a
page that does not exist. A controller sees only their own municipality's teams.
"""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from socialdomain.forms import Form, InputPolicyMixin
from socialdomain.http import HtmxAuthenticatedHttpRequest

from . import benchmark as bench


class PeriodForm(InputPolicyMixin, Form):
    """The quarter to show: one of the last eight complete quarters (anything else is refused)."""

    kwartaal = forms.ChoiceField(label=_("Kwartaal"), required=False)

    def __init__(self, *args, periods: list[bench.Period], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.periods = {p.start.isoformat(): p for p in periods}
        self.fields["kwartaal"].choices = [(k, p.label) for k, p in self.periods.items()]  # type: ignore[attr-defined]
        self.fields["kwartaal"].error_messages["invalid_choice"] = _("Kies een van de kwartalen uit de lijst.")

    def period(self) -> bench.Period:
        if self.is_bound and self.is_valid() and self.cleaned_data["kwartaal"]:
            return self.periods[self.cleaned_data["kwartaal"]]
        return next(iter(self.periods.values()))


def team_benchmark(request: HtmxAuthenticatedHttpRequest) -> HttpResponse:
    viewpoint = bench.viewpoint_for_user(user=request.user)
    if viewpoint is None:
        raise Http404
    form = PeriodForm(request.GET or None, periods=bench.quarters(today=timezone.localdate()))
    data = bench.benchmark(viewpoint=viewpoint, period=form.period())
    rows = [
        {"label": r.label, "own": r.own, "average": r.average, "cells": [display(c) for c in r.cells]}
        for r in data.rows
    ]
    context = {"form": form, "b": data, "rows": rows, "chart": data.chart(column=1)}
    return render(request, "reports/benchmark.html", context)


def display(cell: bench.Cell) -> dict[str, object]:
    """A cell for the table: Dutch number notation; a hidden cell says so in words."""
    if cell.suppressed:
        return {"text": "*", "hidden": True}
    if cell.value is None:
        return {"text": "–", "hidden": False, "none": True}
    decimals = 0 if isinstance(cell.value, int) else abs(cell.value.as_tuple().exponent)  # type: ignore[arg-type]
    return {
        "text": number_format(cell.value, decimal_pos=decimals, use_l10n=True, force_grouping=True),
        "hidden": False,
    }

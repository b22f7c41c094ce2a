"""The figures hold no personal data: no BSN, name, birth date, case number or free text of
the test data appears anywhere in a report's JSON form or in the benchmark."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cases.models import Case, CaseNote
from intake.constants import TriageRoute
from reports import benchmark as bench
from reports.figures import Period, compute
from tests.reports import figures_factories as f

pytestmark = pytest.mark.django_db(databases=["default", "reporting"])

BSN = "111222333"
FIRST, LAST = "Wilhelmina", "Zwartekop"
BIRTH = dt.date(1979, 3, 14)
NOTES = {
    "signal": "Melder zegt: buurman slaat de hond Tralala",
    "gesprek": "Vraag achter de vraag: Quuxbeleid",
    "plan": "Wij willen de schulden van Oom Kees aflossen",
    "evaluation": "Het gaat beter met Bram Flapdrol",
    "remarks": "Regisseur Joke was altijd bereikbaar Xyzzy",
    "escalation": "Escalatievraag over Plughdorp",
    "journal": "Journaal: afspraak bij Fnordhuis",
}


def test_no_personal_data_in_the_figures() -> None:
    place = f.place_create()
    numbers = []
    for i in range(12):
        case = f.case_create(
            place,
            opened_on=dt.date(2026, 7, 2),
            first_name=FIRST,
            last_name=LAST,
            birth_date=BIRTH,
            bsn=BSN if i == 0 else "",
            members=2,
            safety=i == 0,
        )
        numbers.append(case.number)
        f.signal_create(
            place, received_on=dt.date(2026, 7, 1), case=case, route=TriageRoute.CASE, question=NOTES["signal"]
        )
        f.gesprek_create(case, date=dt.date(2026, 7, 10), scores={"finances": 1}, text=NOTES["gesprek"])
        plan = f.plan_create(case, agreed_on=dt.date(2026, 7, 20), text=NOTES["plan"])
        f.evaluation_create(case, plan, date=dt.date(2026, 9, 1), scores={"finances": 3}, text=NOTES["evaluation"])
        f.answer_create(case, plan, on=dt.date(2026, 9, 2), score=4, remarks=NOTES["remarks"])
        f.arrangement_create(place, case, start=dt.date(2026, 7, 1), months={dt.date(2026, 8, 1): "75.00"})
        f.escalation_create(
            place, case, opened=dt.date(2026, 8, 1), deadline=dt.date(2026, 8, 8), question=NOTES["escalation"]
        )
        CaseNote.objects.create(case=case, author=place.regisseur, text=NOTES["journal"])
    data = compute(
        municipality_id=place.municipality_id,
        team_id=None,
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        using="default",
    )
    team_data = compute(
        municipality_id=place.municipality_id,
        team_id=place.team.pk,
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        using="default",
    )
    view = bench.Viewpoint(municipality_id=place.municipality_id, own_team_ids=frozenset(), named=True)
    benchmark = bench.benchmark(
        viewpoint=view, period=Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)), using="default"
    )
    text = json.dumps([data.to_json(), team_data.to_json()], ensure_ascii=False) + repr(benchmark.rows)

    # The data is really there (the report is not empty) ...
    assert '"value": 12' in text
    # ... and none of the personal data is.
    forbidden = [
        BSN,
        FIRST,
        LAST,
        BIRTH.isoformat(),
        BIRTH.strftime("%d-%m-%Y"),
        "14 maart 1979",
        *numbers,
        *NOTES.values(),
        *(n.split()[-1] for n in NOTES.values()),  # the distinctive word of each note
        *(str(c.uuid) for c in Case.objects.all()),
    ]
    for value in forbidden:
        assert value not in text, value

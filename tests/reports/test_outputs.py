"""The outputs: a readable Dutch PDF with charts as SVG beside their tables, CSV and JSON with
the same figures, and not one personal detail of the test data in any of them."""

from __future__ import annotations

import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, CaseNote, Household, Person
from intake.models import Signal
from reports import outputs, services, types
from reports.constants import RunStatus
from reports.models import ReportRun
from reports.periods import previous_quarter_start

# Transactional: the figures read through the `reporting` connection, which sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reporting"])

DUTCH_MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def _signals(world) -> None:  # type: ignore[no-untyped-def]
    persons = list(Person.objects.filter(municipality=world.lochem))
    for i in range(11):
        signal = Signal.objects.create(
            source="school",
            question=f"Geheime hulpvraag over thuis nummer {i}: moeder drinkt",
            reporter_name=f"Pieternella Meldster{i}",
            reporter_contact=f"06-9876543{i}",
            team=world.team_a,
            received_on=timezone.localdate(),
        )
        signal.persons.add(persons[i % len(persons)])


def _secrets() -> set[str]:
    """Every personal detail in the database: names, BSNs, birth dates in several spellings,
    case numbers, household names, note and question texts, reporters."""
    found: set[str] = set()
    for person in Person.objects.all():
        found |= {person.first_name, person.last_name, f"{person.first_name} {person.last_name}"}
        b = person.birth_date
        found |= {
            b.isoformat(),
            b.strftime("%d-%m-%Y"),
            f"{b.day}-{b.month}-{b.year}",
            f"{b.day} {DUTCH_MONTHS[b.month - 1]} {b.year}",
        }
        if person.bsn_encrypted:
            found.add(person.bsn)
    found |= set(Case.objects.values_list("number", flat=True))
    found |= set(Household.objects.values_list("name", flat=True))
    for text in CaseNote.objects.values_list("text", flat=True):
        found |= {text, text[:40], text.rsplit(" (", 1)[0]}
    for question, reporter, contact in Signal.objects.values_list("question", "reporter_name", "reporter_contact"):
        found |= {question, question[:30], reporter, contact}
    return {s for s in found if s}


def _texts(run: ReportRun, root) -> dict[str, str]:  # type: ignore[no-untyped-def]
    pdf = PdfReader(io.BytesIO((root / run.pdf_file.name).read_bytes()))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages) + "\n" + str(pdf.metadata or "")
    return {
        "pdf": pdf_text,
        "csv": (root / run.csv_file.name).read_text(encoding="utf-8-sig"),
        "json": (root / run.json_file.name).read_text(encoding="utf-8"),
    }


def test_no_output_holds_a_bsn_name_birth_date_case_number_or_note_text(report_world, reports_root):
    _signals(report_world)
    team_run, _ = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    quarterly = services.quarterly_run_ensure(
        municipality_id=report_world.lochem.pk, period_start=previous_quarter_start(timezone.localdate())
    )
    secrets = _secrets()
    assert set(report_world.secrets) <= secrets and len(secrets) > 100  # the scan knows the test data
    for run in (team_run, quarterly):
        services.report_run_execute(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
        texts = _texts(run, reports_root)
        # The report saw the test data (a published count above zero), so the scan means something.
        published = [
            c["waarde"] for s in json.loads(texts["json"])["onderdelen"] for r in s["rijen"] for c in r["cellen"]
        ]
        assert any(v not in (None, 0, "0") for v in published), published
        for fmt, text in texts.items():
            leaked = sorted(s for s in secrets if s in text)
            assert leaked == [], (fmt, leaked)


def test_the_pdf_is_readable_dutch_and_csv_and_json_hold_the_same_figures(report_world, reports_root):
    _signals(report_world)
    run, _ = services.report_run_request(actor=report_world.leader_a, team=report_world.team_a)
    services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    data = services.compute_figures(run=run)
    texts = _texts(run, reports_root)
    assert "Rapport op verzoek" in texts["pdf"] and "Sociaal wijkteam Lochem" in texts["pdf"]
    assert "geanonimiseerd" in texts["pdf"]
    document = json.loads(texts["json"])
    assert document["rapportage"]["team"] == "Sociaal wijkteam Lochem"
    assert document["rapportage"]["periode_vanaf"] == run.period_start.isoformat()
    csv_lines = texts["csv"].splitlines()
    assert csv_lines[0] == "Onderdeel;Rij;Kolom;Waarde;Onderdrukt"
    cells = 0
    for section, json_section in zip(data.sections, document["onderdelen"], strict=True):
        assert json_section["titel"] == section.title and section.title in texts["pdf"]
        for row, json_row in zip(section.rows, json_section["rijen"], strict=True):
            for column, cell, json_cell in zip(section.columns, row.cells, json_row["cellen"], strict=True):
                cells += 1
                assert json_cell["onderdrukt"] == cell.suppressed
                if cell.suppressed:
                    assert json_cell["waarde"] is None
                    assert f"{section.title};{row.label};{column};;ja" in csv_lines
                else:
                    assert str(json_cell["waarde"]) == str(cell.value)
                    shown = "" if cell.value is None else cell.value  # e.g. a median without observations
                    assert f"{section.title};{row.label};{column};{shown};nee" in csv_lines
    assert cells == len(csv_lines) - 1 and cells > 0


def test_charts_are_svg_beside_their_tables_and_mark_suppressed_cells(report_world):
    data = types
    section = data.Section(
        key="k",
        title="Vragen per leefgebied",
        columns=["Vorig jaar", "Vorig kwartaal", "Dit kwartaal"],
        rows=[
            data.Row("Financiën", [data.Cell(12), data.Cell(None, True), data.Cell(15)]),
            data.Row("Wonen <script>", [data.Cell(20), data.Cell(18), data.Cell(11)]),
        ],
        chart="line",
    )
    svg = outputs.chart_svg(section)
    assert svg is not None and svg.startswith("<svg") and 'role="img"' in svg
    assert "<script>" not in svg and "Wonen &lt;script&gt;" in svg
    # A suppressed value breaks its line (no line drawn through a hidden point).
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 5
    bar = outputs.chart_svg(
        data.Section("b", "Aanmeldingen", ["Aantal"], [data.Row("School", [data.Cell(None, True)])], "bar")
    )
    assert bar is not None and "onderdrukt" in bar and "<rect" not in bar

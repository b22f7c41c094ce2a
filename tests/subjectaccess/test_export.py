"""The export holds every record about the person and the household, the access log about
them, and nothing that is only about another household member (PDF text and JSON)."""

import io
import json
import time

import pytest
from django.db import transaction
from pypdf import PdfReader

from audit.models import AccessGround, AuditEvent, EventKind
from subjectaccess import services
from subjectaccess.models import ExportStatus, SubjectAccessExport
from tests.subjectaccess.conftest import CHANTAL_MARKERS, HOUSE_MARKERS, MYRA_MARKERS, build_world


def squeeze(text: str) -> str:
    """Text without any whitespace: a word wrapped in a PDF table cell still matches."""
    return "".join(text.split())


def built_export(world) -> SubjectAccessExport:  # type: ignore[no-untyped-def]
    export = services.export_start(actor=world.staff, person=world.chantal)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


def pdf_text(export: SubjectAccessExport) -> str:
    reader = PdfReader(io.BytesIO(bytes(export.pdf)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_export_contains_every_record_about_the_person_and_the_household(world):
    export = built_export(world)

    assert export.status == ExportStatus.DONE and export.progress == 100
    data = json.loads(bytes(export.data))
    raw_json = json.dumps(data, ensure_ascii=False)
    text = squeeze(pdf_text(export))
    for marker in CHANTAL_MARKERS + HOUSE_MARKERS:
        assert marker in raw_json, f"{marker} missing from the JSON"
        assert squeeze(marker) in text, f"{marker} missing from the PDF"
    assert data["person"]["first_name"] == "Chantal" and data["person"]["birth_date"] == "1990-01-01"
    assert "Chantal" in text and "1januari1990" in text
    case = data["households"][0]["cases"][0]
    # One of each kind of record reached the export.
    assert len(data["signals"]) == 1 and len(data["consents"]) == 1
    assert len(case["notes"]) == 1 and len(case["meldcode_steps"]) == 1 and len(case["gesprekken"]) == 1
    assert case["gesprekken"][0]["your_scores"][0]["score"] == 2
    assert len(case["participation_ladder"]) == 1
    plan = case["plans"][0]
    assert len(plan["goals"]) == 1 and len(plan["actions"]) == 3 and plan["agreed_by_you"] is True
    assert plan["evaluation"]["your_scores"] == [{"domain": "Financiën", "score": 3}]
    assert len(case["arrangements"]) == 1 and len(case["decisions"]) == 1 and len(case["escalations"]) == 2


def test_export_leaves_out_what_is_only_about_another_household_member(world):
    export = built_export(world)

    raw_json = bytes(export.data).decode()
    text = pdf_text(export)
    for marker in MYRA_MARKERS:
        assert marker not in raw_json, f"{marker} leaked into the JSON"
        assert squeeze(marker) not in squeeze(text), f"{marker} leaked into the PDF"
    data = json.loads(raw_json)
    assert data["households"][0]["other_members"] == 1


def test_export_lists_who_accessed_the_persons_records_and_on_what_ground(world):
    export = built_export(world)

    log = json.loads(bytes(export.data))["access_log"]
    by_colleague = [row for row in log if row["who"] == "Cees Collega"]
    # The colleague's read of the case is in; their reads of Myra and of Myra's arrangement are not.
    assert len(by_colleague) == 1
    assert by_colleague[0]["record"] == "Dossier"
    assert by_colleague[0]["ground"] == str(AccessGround.SHARE.label)
    assert by_colleague[0]["case_number"] == world.case.number
    assert any(row["action"] == "Dossier geopend" for row in log)  # writes are listed too
    assert "CeesCollega" in squeeze(pdf_text(export))


def test_the_export_is_audited_on_the_person_and_on_each_case(world):
    export = built_export(world)

    start = AuditEvent.objects.get(action="subject_access_export")
    assert start.target_id == str(world.chantal.uuid) and start.actor == world.staff
    assert start.ground == AccessGround.SUBJECT_ACCESS
    read = AuditEvent.objects.get(case_uuid=world.case.uuid, view="subjectaccess:export")
    assert read.kind == EventKind.READ and read.ground == AccessGround.SUBJECT_ACCESS and read.actor == world.staff
    # Building again changes nothing (a finished export is left alone).
    finished = export.finished_at
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.finished_at == finished
    assert AuditEvent.objects.filter(view="subjectaccess:export").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_export_runs_in_a_real_celery_worker_with_only_its_id(celery_worker):
    world = build_world()
    with transaction.atomic():
        export = services.export_start(actor=world.staff, person=world.chantal)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.is_finished:
            break
        time.sleep(0.2)
    assert export.status == ExportStatus.DONE
    assert bytes(export.pdf).startswith(b"%PDF")
    assert json.loads(bytes(export.data))["person"]["last_name"] == "Testhuis"

"""Retention deletes a whole case file, so every record that a PROTECT key holds to a case
or an arrangement must be deleted before them. The structural test fails when an app adds
such a model without telling retention; the run test shows the partner API's records of a
case go with it."""

from decimal import Decimal

from django.apps import apps
from django.db import models

from arrangements.models import Arrangement, Decision, Escalation
from cases.models import Case
from intake.models import Gesprek, Signal
from partners.declaration_models import AllocationRequest, DeclarationLine, ProgressReport
from plan.models import Plan
from retention import services
from retention.constants import RunStatus
from retention.models import LegalHold
from tests.retention.factories import full_case, place_create, years_ago
from tests.retention.test_runs import _approve_and_run, _staff

# Deleted by name in retention.services._purge_case (besides ARRANGEMENT_RECORDS).
HANDLED_BY_NAME = {Arrangement, Decision, Escalation, Plan, Signal, Gesprek, LegalHold, DeclarationLine}


def test_every_protect_key_to_a_case_or_an_arrangement_is_deleted_by_retention():
    handled = HANDLED_BY_NAME | set(services.ARRANGEMENT_RECORDS)
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model in (Case, Arrangement)
                and field.remote_field.on_delete is models.PROTECT
                and model not in handled
            ):
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_the_partner_records_of_an_expired_case_go_with_it(db, django_capture_on_commit_callbacks):
    place = place_create()
    case = full_case(place, closed_on=years_ago(15, days=1))
    arrangement = Arrangement.objects.filter(case=case).first()
    assert arrangement is not None and arrangement.provider_id is not None
    AllocationRequest.objects.create(
        arrangement=arrangement,
        organisation=arrangement.provider,
        client_id="retention-test",
        kind="volume",
        volume=Decimal("2"),
        motivation="Meer uren nodig.",
    )
    ProgressReport.objects.create(
        arrangement=arrangement, organisation=arrangement.provider, client_id="retention-test", text="Gaat goed."
    )
    run = services.run_create_dry_run(municipality=place.municipality)
    assert run is not None
    run = _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not AllocationRequest.objects.filter(arrangement_id=arrangement.pk).exists()
    assert not ProgressReport.objects.filter(arrangement_id=arrangement.pk).exists()

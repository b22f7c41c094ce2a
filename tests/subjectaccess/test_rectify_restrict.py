"""Rectification keeps the old value in the audit trail (not in the admin's lists), and
restriction of processing is set and lifted with a reason, audited, shown on the case."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AccessGround, AuditEvent
from subjectaccess import services
from subjectaccess.models import ProcessingRestriction, RectifyReason, RestrictionReason

OLD, NEW = "Testhuis", "Testhuys"


def rectify(world, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "first_name": "Chantal",
        "last_name": NEW,
        "birth_date": dt.date(1990, 1, 1),
        "address": world.chantal.address,
        "reason": RectifyReason.REQUEST,
    } | overrides
    return services.person_rectify(actor=world.staff, person=world.chantal, **values)


def test_rectification_keeps_the_old_value_in_the_audit_trail(world):
    rectify(world, birth_date=dt.date(1990, 1, 2))

    world.chantal.refresh_from_db()
    assert world.chantal.last_name == NEW and world.chantal.birth_date == dt.date(1990, 1, 2)
    event = AuditEvent.objects.get(action="person_rectify")
    assert event.changes == {"last_name": [OLD, NEW], "birth_date": ["1990-01-01", "1990-01-02"]}
    assert event.target_id == str(world.chantal.uuid) and event.actor == world.staff
    assert event.ground == AccessGround.SUBJECT_ACCESS and event.purpose == RectifyReason.REQUEST


def test_the_old_value_is_in_the_subject_access_export(world):
    rectify(world)
    export = services.export_start(actor=world.staff, person=world.chantal)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()

    data = json.loads(bytes(export.data))
    assert data["rectifications"][0]["changes"] == [{"field": "achternaam", "old": OLD, "new": NEW}]
    assert data["rectifications"][0]["reason"] == str(RectifyReason.REQUEST.label)


def test_the_admin_log_shows_the_changed_field_names_never_the_old_values(client, world):
    rectify(world)
    world.staff.is_staff = world.staff.is_superuser = True
    world.staff.save()
    client.force_login(world.staff)
    event = AuditEvent.objects.get(action="person_rectify")

    listing = client.get("/beheer/audit/auditevent/").content.decode()
    detail = client.get(f"/beheer/audit/auditevent/{event.pk}/change/").content.decode()

    assert "Persoonsgegevens gecorrigeerd" in listing
    assert "last_name" in detail
    assert OLD not in listing and OLD not in detail


def test_rectification_refuses_no_change_bad_input_and_outsiders(world):
    with pytest.raises(ValidationError):
        rectify(world, last_name=OLD)  # nothing changed
    with pytest.raises(ValidationError):
        rectify(world, last_name="Test\u202ehuis")
    with pytest.raises(ValidationError):
        rectify(world, reason="because")
    with pytest.raises(PermissionDenied):
        services.person_rectify(
            actor=world.regisseur,
            person=world.chantal,
            first_name="X",
            last_name="Y",
            birth_date=dt.date(1990, 1, 1),
            address="",
            reason=RectifyReason.REQUEST,
        )
    world.chantal.refresh_from_db()
    assert world.chantal.last_name == OLD
    assert not AuditEvent.objects.filter(action="person_rectify").exists()


def test_the_rectify_form_saves_and_a_bad_value_is_a_dutch_error(client, world):
    client.force_login(world.staff)
    url = f"/beheer-inzage/persoon/{world.chantal.uuid}/corrigeren/"
    form = {"first_name": "Chantal", "last_name": NEW, "birth_date": "1990-01-01", "address": "", "reason": "request"}

    bad = client.post(url, form | {"birth_date": "2999-01-01"})
    assert bad.status_code == 200 and not AuditEvent.objects.filter(action="person_rectify").exists()
    good = client.post(url, form)
    assert good.status_code == 302
    world.chantal.refresh_from_db()
    assert world.chantal.last_name == NEW


def test_restriction_is_set_and_lifted_with_a_reason_and_both_are_audited(world):
    services.person_restrict(actor=world.staff, person=world.chantal, reason=RestrictionReason.ACCURACY, note="Z-12")
    world.chantal.refresh_from_db()
    assert world.chantal.processing_restricted is True and world.chantal.restricted_since is not None
    with pytest.raises(ValidationError):
        services.person_restrict(actor=world.staff, person=world.chantal, reason=RestrictionReason.ACCURACY)

    services.person_restriction_lift(actor=world.staff, person=world.chantal, reason="corrected")

    world.chantal.refresh_from_db()
    assert world.chantal.processing_restricted is False and world.chantal.restricted_since is None
    row = ProcessingRestriction.objects.get()
    assert row.reason == "accuracy" and row.lift_reason == "corrected" and row.lifted_by == world.staff
    set_event = AuditEvent.objects.get(action="person_restrict")
    lift_event = AuditEvent.objects.get(action="person_restriction_lift")
    assert set_event.changes == {"processing_restricted": ["False", "True"]} and set_event.purpose == "accuracy"
    assert lift_event.changes == {"processing_restricted": ["True", "False"]} and lift_event.purpose == "corrected"
    assert {set_event.ground, lift_event.ground} == {AccessGround.SUBJECT_ACCESS}
    with pytest.raises(ValidationError):
        services.person_restriction_lift(actor=world.staff, person=world.chantal, reason="corrected")
    with pytest.raises(PermissionDenied):
        services.person_restrict(actor=world.regisseur, person=world.chantal, reason=RestrictionReason.ACCURACY)


def test_staff_restrict_through_the_page_and_the_case_shows_it(client, world):
    client.force_login(world.staff)
    url = f"/beheer-inzage/persoon/{world.chantal.uuid}/beperking/"

    assert client.post(url, {"reason": ""}).status_code == 400  # a reason is required
    assert client.post(url, {"reason": "objection", "note": "bezwaar 2026-14"}).status_code == 302
    world.chantal.refresh_from_db()
    assert world.chantal.processing_restricted

    client.force_login(world.regisseur)
    tab = client.get(f"/dossiers/{world.case.uuid}/gezin/").content.decode()
    assert "verwerking beperkt" in tab and "Voor een of meer gezinsleden is de verwerking beperkt" in tab

    client.force_login(world.staff)
    assert client.post(url, {"reason": "resolved"}).status_code == 302
    world.chantal.refresh_from_db()
    assert not world.chantal.processing_restricted
    client.force_login(world.regisseur)
    assert "verwerking beperkt" not in client.get(f"/dossiers/{world.case.uuid}/gezin/").content.decode()

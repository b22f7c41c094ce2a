"""Give every person the municipality they belong to (hole 1 of issue 9).

Derived from the person's households (`Household.municipality`, which is the municipality
of the household's cases' teams) and, for persons known only from a signal, from the
receiving team of those signals.

- One municipality: the person gets it.
- Several municipalities (ambiguous: the cross-municipality lookup this issue closes put
  one person into households or signals of both Lochem and Zutphen): the person is
  **split**. The original stays with the municipality of its oldest household membership
  (or, without any, its oldest signal); every other municipality gets its own copy (same
  name, birth date, contact details and BSN, which that municipality already held through
  its household or signal), and that municipality's memberships and signal links are moved
  to the copy. Nothing is shown to anyone who could not see it before; from now on each
  municipality's record evolves on its own. Each split is written to the audit log
  (`person_split`, public ids only).
- No household and no signal at all (an orphan, e.g. left behind when a household was
  deleted in the admin): unreachable by any screen, held by no data controller, so it is
  removed (`person_remove_orphan` in the audit log, public id only).

Reversing only drops the municipality (splits and removals are not undone).
"""

import uuid

from django.db import migrations


def _audit(AuditEvent, action, person_uuid, changes):  # type: ignore[no-untyped-def]
    AuditEvent.objects.create(
        actor=None,
        kind="write",
        action=action,
        target_type="cases.person",
        target_id=str(person_uuid),
        changes=changes,
    )


def derive(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("cases", "Person")
    HouseholdMember = apps.get_model("cases", "HouseholdMember")
    Signal = apps.get_model("intake", "Signal")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    SignalPersons = Signal.persons.through

    for person in Person.objects.filter(municipality__isnull=True).order_by("pk").iterator():
        # municipality id -> (first seen order, kind); memberships first, then signals
        order: list[int] = []
        memberships = list(
            HouseholdMember.objects.filter(person_id=person.pk).select_related("household").order_by("pk")
        )
        links = list(SignalPersons.objects.filter(person_id=person.pk).select_related("signal__team").order_by("pk"))
        for m in memberships:
            if m.household.municipality_id not in order:
                order.append(m.household.municipality_id)
        for link in links:
            if link.signal.team.municipality_id not in order:
                order.append(link.signal.team.municipality_id)
        if not order:
            _audit(AuditEvent, "person_remove_orphan", person.uuid, {})
            person.delete()
            continue
        person.municipality_id = order[0]
        person.save(update_fields=["municipality"])
        for municipality_id in order[1:]:
            copy_uuid = uuid.uuid4()
            copy = Person.objects.create(
                uuid=copy_uuid,
                municipality_id=municipality_id,
                first_name=person.first_name,
                last_name=person.last_name,
                birth_date=person.birth_date,
                bsn_encrypted=person.bsn_encrypted,
                bsn_index=person.bsn_index,
                phone=person.phone,
                email=person.email,
                address=person.address,
            )
            HouseholdMember.objects.filter(
                person_id=person.pk, household__municipality_id=municipality_id
            ).update(person_id=copy.pk)
            SignalPersons.objects.filter(person_id=person.pk, signal__team__municipality_id=municipality_id).update(
                person_id=copy.pk
            )
            _audit(AuditEvent, "person_split", person.uuid, {"copy": [None, str(copy_uuid)]})


def forget(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("cases", "Person").objects.update(municipality=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("intake", "0001_initial"),
        ("cases", "0005_person_municipality"),
    ]

    operations = [migrations.RunPython(derive, forget)]

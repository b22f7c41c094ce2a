"""Re-normalise and re-index every stored BSN (hole 3 of issue 9).

BSNs typed with full-width or other Unicode digits, spaces or dots were stored as typed,
so their blind index differed from the same BSN typed plainly and a second person was
created. Every stored BSN is now decrypted, normalised with `cases.bsn.normalise_bsn`,
re-encrypted (with the newest key) and re-indexed.

Duplicates found on the way (two persons of the same municipality with the same
normalised BSN) are **reported, not merged**: merging would move memberships, consents,
scores and signals between households by machine, which is a decision for the people who
hold the records. The oldest person (lowest id) keeps the index and stays the one a lookup
finds; each younger duplicate keeps its BSN encrypted but unindexed, and an audit event
`person_bsn_duplicate` (public ids only) names both, for a functional administrator to
merge by hand. The count is printed during `migrate`.
"""

from django.db import migrations


def renormalise(apps, schema_editor):
    # No unique constraint on the index at this point (0005 dropped the global one, 0008 adds
    # the per-municipality one), so rows can be re-indexed one by one in any order.  # type: ignore[no-untyped-def]
    from cases.bsn import bsn_blind_index, decrypt_bsn, encrypt_bsn, normalise_bsn

    Person = apps.get_model("cases", "Person")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    seen: dict[tuple[int, str], object] = {}
    duplicates = 0
    for person in Person.objects.exclude(bsn_encrypted="").order_by("pk").iterator():
        bsn = normalise_bsn(decrypt_bsn(person.bsn_encrypted))
        index = bsn_blind_index(bsn)
        person.bsn_encrypted = encrypt_bsn(bsn)
        key = (person.municipality_id, index)
        if person.bsn_index is None:
            pass  # deliberately unindexed: stays so
        elif key in seen:
            duplicates += 1
            person.bsn_index = None
            AuditEvent.objects.create(
                actor=None,
                kind="write",
                action="person_bsn_duplicate",
                target_type="cases.person",
                target_id=str(person.uuid),
                changes={"duplicate_of": [None, str(seen[key])]},
            )
        else:
            seen[key] = person.uuid
            person.bsn_index = index
        person.save(update_fields=["bsn_encrypted", "bsn_index"])
    if duplicates:
        print(f"\n  cases.0007: {duplicates} person(s) with a duplicate BSN, see audit action person_bsn_duplicate")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("cases", "0006_person_municipality_derive"),
    ]

    operations = [migrations.RunPython(renormalise, migrations.RunPython.noop)]

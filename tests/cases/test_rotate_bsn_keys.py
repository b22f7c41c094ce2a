import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEvent
from cases.bsn import decrypt_bsn
from cases.models import Person
from tests.cases.factories import PersonFactory

BSN = "111222333"


def _raw_token(person: Person) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT bsn_encrypted FROM cases_person WHERE id = %s", [person.pk])
        return cur.fetchone()[0]


@pytest.mark.django_db
def test_rotate_bsn_keys_reencrypts_with_the_newest_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    people = [PersonFactory(bsn=BSN), PersonFactory(bsn="123456782"), PersonFactory()]
    before = _raw_token(people[0])

    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(InvalidToken):  # the old key is needed before rotation
        decrypt_bsn(_raw_token(people[0]))
    assert Person.objects.get(pk=people[0].pk).bsn_unreadable  # pages show "BSN niet leesbaar"

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_bsn_keys", batch_size=1)
    call_command("rotate_bsn_keys")  # idempotent: a second run changes nothing that matters

    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert _raw_token(people[0]) != before
    assert Person.objects.get(pk=people[0].pk).bsn == BSN
    assert Person.objects.get(pk=people[1].pk).bsn == "123456782"
    assert Person.objects.get(pk=people[2].pk).bsn_encrypted == ""
    event = AuditEvent.objects.filter(action="bsn_keys_rotate").first()
    assert event is not None and event.changes == {"persons": [None, "2"]}

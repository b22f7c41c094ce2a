"""Re-encrypt every stored BSN with the newest key of FIELD_ENCRYPTION_KEYS.

Key rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it),
deploy, run this command, then drop the old keys. Safe to run twice (a token already under
the newest key is simply re-encrypted under it again); works in batches, each in its own
transaction with row locks in primary-key order. The blind index does not change (it uses
BLIND_INDEX_KEY), so lookups keep working throughout.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.bsn import rotate_bsn
from cases.models import Person
from socialdomain.audit import audit_write


class Command(BaseCommand):
    help = "Re-encrypt all BSNs with the newest key in FIELD_ENCRYPTION_KEYS (key rotation)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        last_pk = 0
        total = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Person.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .exclude(bsn_encrypted="")
                    .order_by("pk")
                    .only("pk", "bsn_encrypted")[:batch_size]
                )
                if not batch:
                    break
                for person in batch:
                    person.bsn_encrypted = rotate_bsn(person.bsn_encrypted)
                Person.objects.bulk_update(batch, ["bsn_encrypted"])
            last_pk = batch[-1].pk
            total += len(batch)
        audit_write(actor=None, action="bsn_keys_rotate", obj=None, changes={"persons": [None, total]})
        self.stdout.write(f"Re-encrypted {total} BSN(s) with the newest key.")

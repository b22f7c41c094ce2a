"""Database routing: one primary for every write, a read-only `reporting` alias for reports.

`DATABASES["reporting"]` (REPORTING_DATABASE_URL, see docs/configuration.md) points at a
streaming replica of the primary, or at the primary itself when there is none (the
default). Its connections are opened read-only (`default_transaction_read_only`), so a
write through it fails on the primary as it would on a replica.

Nothing goes to the replica by accident: a replica lags (milliseconds, sometimes more), and
a page that just wrote must read its own write. Report and dashboard queries opt in with
`.using(REPORTING_DB)`; everything else reads from the primary. Writes always go to the
primary, also for an object that was read from the replica and then saved.
"""

from typing import Any

from django.db.models import Model

PRIMARY_DB = "default"
REPORTING_DB = "reporting"
_SAME_DATA = {PRIMARY_DB, REPORTING_DB}


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return None  # the primary, unless the query says .using(REPORTING_DB)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY_DB

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: an object read from one may
        # point at an object read from the other.
        if obj1._state.db in _SAME_DATA and obj2._state.db in _SAME_DATA:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # The schema reaches the replica through replication; never migrate it directly.
        return False if db == REPORTING_DB else None

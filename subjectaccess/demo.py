"""Demo data: one finished subject-access export in Lochem, so the screens show a result.

Idempotent: a second run finds the export and does nothing. The export is built in this
process (whatever the Celery settings), so the demo never waits for a worker.
"""

from accounts.models import User
from cases.bsn import bsn_blind_index
from cases.models import Person

from . import services
from .models import SubjectAccessExport

DEMO_BSN = "999990032"  # Joosje Meijer (cases/demo.py), a fictional test number


def seed() -> None:
    staff = User.objects.filter(username="beheerder").first()
    person = Person.objects.filter(municipality__name="Lochem", bsn_index=bsn_blind_index(DEMO_BSN)).first()
    if staff is None or person is None or SubjectAccessExport.objects.filter(person=person).exists():
        return
    export = services.export_start(actor=staff, person=person)
    services.export_build(export_id=export.pk)

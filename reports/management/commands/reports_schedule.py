from django.core.management.base import BaseCommand

from reports.services import quarterly_schedules_ensure


class Command(BaseCommand):
    help = "Give every municipality a quarterly report schedule and write the beat entries (idempotent)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        made = quarterly_schedules_ensure()
        self.stdout.write(f"{made} new schedule(s); every municipality has its beat entry.")

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, USERS, seed_organisation


class Command(BaseCommand):
    help = "Build the demo municipalities, teams, users and cases (idempotent)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        seed_organisation()
        for seeder in self._app_seeders():
            seeder()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (demo only, never in production):"))
        for username, _first, _last, _municipality, team, role in USERS:
            self.stdout.write(f"  {username:<20} {DEMO_PASSWORD}   {role.label} – {team}")

    def _app_seeders(self) -> list:
        """Apps add their demo data through a `demo.seed()` function, run in this order."""
        from importlib import import_module

        seeders = []
        # The budget before the arrangements: granted demo arrangements then book on budgeted lines.
        # The partner API's demo clients after the arrangements (they serve its providers);
        # retention's demo dry run last (it counts the others' records).
        for app in [
            "cases",
            "intake",
            "plan",
            "budget",
            "arrangements",
            "partners",
            "subjectaccess",
            "reports",
            "retention",
        ]:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            seeders.append(module.seed)
        return seeders

"""Full-page screenshots of the main pages per demo role, at 1280 and 390 px wide.

    make screenshots            # → screenshots/<user>/<page>-<width>.png (git-ignored)

Starts the demo exactly as `make demo` does (scripts/demo.sh: SQLite, DEBUG=false,
gunicorn) on a fresh database in a temporary folder and a free port, logs in through the
login form as each demo user and photographs their pages with headless Debian Chromium
(Playwright). A reviewer can look at every page without clicking through.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
WIDTHS = (1280, 390)
PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - the documented demo-only password
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                sys.exit("the demo server stopped:\n" + log.read_text())
            time.sleep(1)
    sys.exit("the demo server did not start:\n" + log.read_text())


def pages_per_user() -> dict[str, list[tuple[str, str]]]:
    """(name, path) per demo user, with the ids looked up in the demo database."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from accounts.models import Team, User
    from cases.models import Case
    from intake.models import DomainAgeBand, Gesprek, Signal

    regisseur = User.objects.get(username="regisseur")
    case = Case.objects.filter(regisseur=regisseur).order_by("number").first()
    c = f"/dossiers/{case.uuid}/" if case else "/dossiers/"
    gesprek = Gesprek.objects.filter(case=case).first() if case else None
    signal_ = Signal.objects.filter(team__name="Sociaal wijkteam Lochem").first()
    team = Team.objects.get(name="Sociaal wijkteam Lochem")
    band = DomainAgeBand.objects.first()
    regisseur_pages = [
        ("home", "/"),
        ("dossiers", "/dossiers/"),
        ("dossier", c),
        ("logboek", f"{c}logboek/"),
        ("delen", f"{c}delen/"),
        ("aanmeldingen", "/aanmeldingen/"),
        ("aanmelding-nieuw", "/aanmeldingen/nieuw/"),
        ("meldingen", "/meldingen/"),
        ("noodtoegang", "/noodtoegang/"),
        ("niet-gevonden", "/bestaat-niet/"),
        ("dossier-gezin", f"{c}gezin/"),
        ("dossier-plan", f"{c}plan/"),
        ("plan", f"{c}plan/overzicht/"),
        ("dossier-voorzieningen", f"{c}voorzieningen/"),
        ("voorzieningen", f"{c}voorzieningen/lijst/"),
        ("voorziening-nieuw", f"{c}voorzieningen/nieuw/"),
        ("evaluaties-voorzieningen", "/voorzieningen/evaluaties/"),
        ("dossier-aanbieders", f"{c}aanbieders/"),
        ("dossier-bewaren", f"{c}bewaren/"),
    ]
    if signal_ is not None:
        regisseur_pages.append(("aanmelding", f"/aanmeldingen/{signal_.uuid}/"))
    if gesprek is not None:
        regisseur_pages.append(("gesprek", f"/aanmeldingen/gesprek/{gesprek.uuid}/"))
        if gesprek.status == "draft":
            regisseur_pages.append(("gesprek-bewerken", f"/aanmeldingen/gesprek/{gesprek.uuid}/bewerken/"))
    return {
        "anoniem": [("inloggen", "/inloggen/")],
        "regisseur": regisseur_pages,
        "teamleider": [
            ("home", "/"),
            ("team", "/dossiers/team/"),
            ("aanmeldingen", "/aanmeldingen/"),
            ("dossier", c),
            ("rapportages", "/rapportages/"),
            ("teamvergelijking", "/rapportages/teams/"),
        ],
        "expert": [("home", "/"), ("expertiseteam", "/expertiseteam/")],
        "controller": [
            ("home", "/"),
            ("budget", "/budget/"),
            ("rapportages", "/rapportages/"),
            ("teamvergelijking", "/rapportages/teams/"),
        ],
        "beheerder": [
            ("beheer", "/beheer/"),
            ("teams", "/beheer/accounts/team/"),
            ("team", f"/beheer/accounts/team/{team.pk}/change/"),
            ("gebruikers", "/beheer/accounts/user/"),
            ("gebruiker", f"/beheer/accounts/user/{regisseur.pk}/change/"),
            ("organisaties", "/beheer/accounts/organisation/"),
            ("leefgebieden", "/beheer/intake/domainageband/"),
            ("leefgebied", f"/beheer/intake/domainageband/{band.pk}/change/" if band else "/beheer/"),
            ("logboek", "/beheer/audit/auditevent/"),
            ("budgetten", "/beheer/budget/budget/"),
            ("catalogus", "/beheer/arrangements/catalogueitem/"),
            ("mandaten", "/beheer/arrangements/mandate/"),
            ("api-clients", "/beheer/partners/apiclient/"),
            ("bewaartermijnruns", "/beheer/retention/retentionrun/"),
            ("inzageverzoeken", "/beheer-inzage/"),
            ("rapportages", "/rapportages/"),
        ],
    }


def shoot(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    """A full-page PNG. A full-page capture is one tall viewport, so a bar that sticks to the
    bottom of the screen (the gesprek's save bar) would float over the middle of the page:
    it is shown in its place in the page instead."""
    page.evaluate("() => document.querySelectorAll('.form-actions--sticky').forEach(e => e.style.position = 'static')")
    page.screenshot(path=str(path), full_page=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="sd-screenshots-"))
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "socialdomain.settings.dev",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",  # none needed: tasks run in-process
        "DEBUG": "false",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")})
    log = tmp / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own script
            ["/bin/bash", str(ROOT / "scripts" / "demo.sh")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(port, proc, log)
        base = f"http://127.0.0.1:{port}"
        count = 0
        per_user = pages_per_user()  # before Playwright's event loop starts (the ORM is sync)
        with sync_playwright() as p:
            # --lang: date inputs follow the browser's language, not the page's.
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--lang=nl-NL"])
            for user, pages in per_user.items():
                (OUT / user).mkdir(parents=True, exist_ok=True)
                for width in WIDTHS:
                    context = browser.new_context(
                        base_url=base, viewport={"width": width, "height": 900}, locale="nl-NL"
                    )
                    page = context.new_page()
                    if user != "anoniem":
                        page.goto("/inloggen/")
                        page.get_by_label("Gebruikersnaam").fill(user)
                        page.get_by_label("Wachtwoord").fill(PASSWORD)
                        page.get_by_role("button", name="Inloggen").click()
                        page.wait_for_load_state("networkidle")
                    for name, path in pages:
                        page.goto(path)
                        page.wait_for_load_state("networkidle")
                        shoot(page, OUT / user / f"{name}-{width}.png")
                        count += 1
                    if user == "regisseur":
                        # The gesprek form, opened as the regisseur does (a draft in the throw-away demo database).
                        page.goto(dict(pages)["dossier"] + "gesprekken/")
                        page.get_by_role("button", name=re.compile("Nieuw gesprek|Verder met het concept")).click()
                        page.wait_for_load_state("networkidle")
                        shoot(page, OUT / user / f"gesprek-bewerken-{width}.png")
                        count += 1
                    context.close()
            browser.close()
        print(f"{count} screenshots in {OUT.relative_to(ROOT)}/")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()

"""Data and sessions for bench/load.sh (run by it, with the production settings).

    .venv/bin/python bench/load_setup.py [--cases 50000] [--reuse]

Fills BENCH_DATABASE_URL (created when missing) with bench/case_list.py's 50 000 synthetic
cases plus the demo data (seed_demo), then prints shell assignments for load.sh: a
logged-in, second-factor-verified session in Redis for the demo regisseur (home, case
page) and for a synthetic regisseur who sees ~400 cases (the list), and the case URL.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _verified_session(user) -> str:  # type: ignore[no-untyped-def]
    """A session as after password + TOTP login (django_otp keeps the device id in it)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return str(session.session_key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data when it is already there")
    args = parser.parse_args()

    from case_list import _ensure_database, generate

    _ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from cases.models import Case

    synthetic = Case.objects.filter(number__startswith="B-").count()
    if not (args.reuse and synthetic == args.cases and User.objects.filter(username="regisseur").exists()):
        generate(args.cases)  # wipes the database first
        call_command("seed_demo", verbosity=0)
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    from cases.selectors import case_list_for_user, case_listing_for_user

    regisseur = User.objects.get(username="regisseur")
    case = case_list_for_user(user=regisseur).order_by("number").first()
    assert case is not None, "the demo regisseur has no case"
    lister = User.objects.get(username="bench1")
    visible = case_listing_for_user(user=lister).count()
    print(f"SESSION_REGISSEUR={_verified_session(regisseur)}")
    print(f"SESSION_LISTER={_verified_session(lister)}")
    print(f"CASE_URL=/dossiers/{case.uuid}/")
    print(f"TOTAL_CASES={Case.objects.count()}")
    print(f"LISTER_VISIBLE={visible}")


if __name__ == "__main__":
    main()

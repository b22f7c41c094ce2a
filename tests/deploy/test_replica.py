"""The `reporting` alias reads from a streaming replica while every write goes to the primary.

scripts/replica.sh starts (or checks) a second PostgreSQL cluster on 127.0.0.1:5433 that
streams from the machine's PostgreSQL; CI calls it before pytest and this test calls it
again (idempotent). A replica that does not come up fails the test; it never skips.

The report runs in a separate process with the production settings and the two URLs an
operator sets (DATABASE_URL for the primary, REPORTING_DATABASE_URL for the replica), so
what is tested is the configuration as deployed, not a test-only override.
"""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from accounts.constants import Role
from tests.cases.factories import CaseFactory

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
REPLICA_PORT = int(os.environ.get("REPLICA_PORT", "5433"))

PROBE = """
import json, sys
import django
django.setup()
from django.db import connections
from django.db.models import Count
from accounts.models import Team
from cases.models import Case
from socialdomain.dbrouters import REPORTING_DB

team_id = int(sys.argv[1])
where = {}
for alias in ("default", REPORTING_DB):
    with connections[alias].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        where[alias] = cur.fetchone()
# A report: open cases per team, explicitly on the reporting alias.
report = dict(
    Case.objects.using(REPORTING_DB).filter(team_id=team_id).values_list("team_id").annotate(n=Count("id"))
)
# An object read from the replica and saved: the router sends the write to the primary.
team = Team.objects.using(REPORTING_DB).get(pk=team_id)
team.area = "Noord (na rapportage)"
team.save(update_fields=["area"])
# Writing through the reporting alias itself is refused (read-only replica).
try:
    Team.objects.using(REPORTING_DB).filter(pk=team_id).update(area="via replica")
    refused = ""
except Exception as exc:
    refused = type(exc).__name__ + ": " + str(exc).splitlines()[0]
print(json.dumps({"where": where, "report": report, "refused": refused}))
"""


@pytest.fixture(scope="session")
def replica() -> int:
    result = subprocess.run(
        ["/bin/bash", "scripts/replica.sh"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, "the local replica did not start:\n" + result.stdout + result.stderr
    return REPLICA_PORT


def _wait_for_replay(replica_port: int, dbname: str) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cur.fetchone()[0]
    deadline = time.monotonic() + 30
    conn = psycopg2.connect(host="127.0.0.1", port=replica_port, user="postgres", dbname="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            while True:
                cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                if cur.fetchone()[0]:
                    return
                assert time.monotonic() < deadline, f"the replica did not replay up to {lsn} within 30 s"
                time.sleep(0.1)
    finally:
        conn.close()


def test_reporting_reads_run_on_the_replica_and_writes_on_the_primary(replica, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    for _ in range(3):
        CaseFactory(team=team, regisseur=regisseur)
    db = connection.settings_dict
    _wait_for_replay(replica, db["NAME"])

    primary_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    replica_url = f"postgres://{db['USER']}@127.0.0.1:{replica}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialdomain.settings.production",
        "DATABASE_URL": primary_url,
        "REPORTING_DATABASE_URL": replica_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "sociaaldomein.example.invalid",
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603 - our own probe script
        [sys.executable, "-c", PROBE, str(team.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])

    # The reporting alias is the replica (in recovery, port 5433); default is the primary.
    assert out["where"]["reporting"] == [True, replica]
    assert out["where"]["default"] == [False, int(db["PORT"] or 5432)]
    # The report counted on the replica what was written on the primary.
    assert out["report"] == {str(team.pk): 3}
    # The save of an object read from the replica reached the primary ...
    team.refresh_from_db()
    assert team.area == "Noord (na rapportage)"
    # ... and a write through the reporting alias was refused by the replica.
    assert "read-only transaction" in out["refused"], out["refused"]
    # The replica then shows the primary's write (it streams, it is not a stale copy).
    _wait_for_replay(replica, db["NAME"])
    conn = psycopg2.connect(host="127.0.0.1", port=replica, user="postgres", dbname=db["NAME"])
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT area FROM accounts_team WHERE id = %s", [team.pk])
            assert cur.fetchone()[0] == "Noord (na rapportage)"
    finally:
        conn.close()

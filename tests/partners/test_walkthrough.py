"""The curl walk-through of docs/api.md, block by block, against a live server.

Every ```bash block of the document is one step, run in order by real bash with real curl
(and jq); variables carry over from step to step. A step fails the test when its exit code
is not 0 (curl --fail-with-body turns an HTTP error into one).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Organisation
from arrangements.constants import ArrangementStatus
from arrangements.models import Arrangement
from partners.constants import MessageKind, Scope
from partners.demo import DEMO_CLIENT_SECRET
from partners.services import api_client_create
from tests.arrangements.factories import world_create
from tests.partners.factories import allocation_through_services

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)


def walk_through_start(today: dt.date) -> dt.date:
    """A start that leaves the walk-through's declaration (1 hour of a 2-hours-a-week
    allocation, from the start to the end of its month or today) room on any day of the year:
    the first of this month from the 8th on, else the first of the previous month. (A start
    a week ago left only 3 days in the month when the walk-through ran on the 5th to the
    7th: 6/7 hour allowed, and the declared hour was rightly refused.)"""
    first = today.replace(day=1)
    return first if today.day >= 8 else (first - dt.timedelta(days=1)).replace(day=1)


def bash_blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_walk_through_start_leaves_room_for_its_declaration_on_every_day_of_the_year() -> None:
    for offset in range(366):
        today = dt.date(2028, 1, 1) + dt.timedelta(days=offset)  # a leap year
        start = walk_through_start(today)
        month_end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        declared_days = (min(month_end, today) - start).days + 1
        assert start < today, today
        assert 2 * declared_days / 7 >= 1, today  # 2 hours a week cover the declared hour
        assert start + dt.timedelta(days=60) > today, today  # still running for the stop step


def test_the_doc_has_the_steps_of_the_walk_through():
    text = "\n".join(bash_blocks())
    for step in ("oauth/token", "/api/v1/allocations?", "/acknowledge", "/start", "/stop"):
        assert step in text, step


@pytest.mark.django_db(transaction=True)
def test_walk_through_runs_step_by_step_against_a_live_server(live_server, tmp_path):
    world = world_create()
    # The demo's provider and credentials, as docs/api.md names them.
    org = Organisation.objects.create(name="Sensire thuiszorg", kind=world.provider.kind)
    org.municipalities.add(world.team.municipality)
    world.item.providers.add(org)
    world.provider = org
    allocation = allocation_through_services(world, start=walk_through_start(timezone.localdate()))
    api_client_create(
        actor=None,
        name="Sensire",
        organisation=org,
        municipality=world.team.municipality,
        scopes=[s.value for s in Scope],
        client_id="demo-sensire-thuiszorg-lochem",
        client_secret=DEMO_CLIENT_SECRET,
    )
    state = tmp_path / "state.sh"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "BASE": live_server.url}
    blocks = bash_blocks()
    assert len(blocks) >= 6
    for number, block in enumerate(blocks, start=1):
        script = f"set -euo pipefail\nset -a\n[ -f {state} ] && source {state}\n{block}\nexport -p > {state}\n"
        # The script is our own document's block (reviewed like code), run by the system's bash.
        result = subprocess.run(  # noqa: S603
            ["bash", "-c", script],  # noqa: S607
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, (
            f"step {number} failed:\n{block}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    allocation = Arrangement.objects.get(pk=allocation.pk)
    assert allocation.status == ArrangementStatus.STOPPED
    kinds = set(allocation.provider_messages.values_list("kind", flat=True))
    assert kinds == {MessageKind.ACKNOWLEDGED, MessageKind.STARTED, MessageKind.STOPPED}

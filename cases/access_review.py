"""The team leader's weekly overview of unusual access (NEN 7513: an access log people act on).

Once a week (beat: `cases.tasks.unusual_access_weekly`, Monday morning) every team with a
team leader gets one `UnusualAccessReport` for the past week (Monday 00:00 to Monday 00:00,
local time), and each of its team leaders one notification linking to it. Three findings:

- **break-glass**: every emergency access taken to one of the team's cases or by one of
  the team's members, with who, which case (number) and when; the reason is read in the
  case's own access log, never copied here;
- **reads outside the team**: members of the team (casework roles) who read cases of a
  team they are not a member of, per member the number of cases and reads and on what
  ground; reads through an escalation (the expert team's work) and through break-glass
  (listed above) are not counted. No case numbers: those cases are another team's;
- **bursts**: a member who read at least `ACCESS_BURST_CASES` distinct cases within
  `ACCESS_BURST_MINUTES` minutes (settings, documented in docs/configuration.md), with the
  largest number reached and when that window started.

The notification says only the team, the week and three counts; the page shows staff names,
case numbers of break-glass uses, counts and times. No client name, BSN or case content is
ever in either (tests/cases/test_access_review.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import CASEWORK_ROLES, Role
from accounts.models import Membership, Team, User
from accounts.services import notification_send
from audit.models import AccessGround, AuditEvent, EventKind
from socialdomain.audit import audit_write

from .models import BreakGlassAccess, Case, UnusualAccessReport

NOTIFICATION_MAX = 200  # accounts.Notification.text

# Reads on these grounds are not "outside the team" in the sense of the overview.
EXPECTED_OUTSIDE_GROUNDS = frozenset({AccessGround.ESCALATION, AccessGround.BREAK_GLASS})


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 in local time, as aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time.min))
    return start, end


def last_week_start(today: dt.date | None = None) -> dt.date:
    """The Monday of the week before the current one."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 7)


def _largest_burst(events: list[tuple[dt.datetime, Any]], window: dt.timedelta) -> tuple[int, dt.datetime | None]:
    """The most distinct cases read within any `window`, and when that window started.

    `events` are (time, case) sorted by time; a sliding window with a counter per case, so
    linear in the number of reads.
    """
    best, best_start = 0, None
    in_window: Counter = Counter()
    left = 0
    for at, case in events:
        in_window[case] += 1
        while events[left][0] <= at - window:
            old = events[left][1]
            in_window[old] -= 1
            if not in_window[old]:
                del in_window[old]
            left += 1
        if len(in_window) > best:
            best, best_start = len(in_window), events[left][0]
    return best, best_start


def unusual_access_for_team(*, team: Team, start: dt.datetime, end: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """The findings for one team in [start, end): ids, counts and times only (see module doc).

    Four queries whatever the size of the team: members and their teams, break-glass uses,
    the members' reads, the teams of the cases read.
    """
    member_teams: dict[int, set[int]] = defaultdict(set)
    members = Membership.objects.filter(team=team, role__in=CASEWORK_ROLES).values("user_id")
    for user_id, team_id in Membership.objects.filter(user_id__in=members).values_list("user_id", "team_id"):
        member_teams[user_id].add(team_id)

    break_glass = [
        {
            "access_id": access.pk,
            "user_id": access.user_id,
            "case_id": access.case_id,
            "granted_at": access.granted_at.isoformat(),
            "expires_at": access.expires_at.isoformat(),
        }
        for access in BreakGlassAccess.objects.filter(granted_at__gte=start, granted_at__lt=end)
        .filter(Q(case__team_id=team.pk) | Q(user_id__in=list(member_teams)))
        .order_by("granted_at", "pk")
    ]

    reads = list(
        AuditEvent.objects.filter(
            kind=EventKind.READ,
            actor_id__in=list(member_teams),
            created_at__gte=start,
            created_at__lt=end,
            case_uuid__isnull=False,
        )
        .order_by("actor_id", "created_at", "pk")
        .values_list("actor_id", "case_uuid", "created_at", "ground")
    )
    case_team = dict(Case.objects.filter(uuid__in={r[1] for r in reads}).values_list("uuid", "team_id"))

    outside: dict[int, dict[str, Any]] = {}
    per_user: dict[int, list[tuple[dt.datetime, Any]]] = defaultdict(list)
    for actor_id, case_uuid, at, ground in reads:
        per_user[actor_id].append((at, case_uuid))
        read_team = case_team.get(case_uuid)
        if read_team is None or read_team in member_teams[actor_id] or ground in EXPECTED_OUTSIDE_GROUNDS:
            continue
        entry = outside.setdefault(actor_id, {"user_id": actor_id, "cases": set(), "reads": 0, "grounds": set()})
        entry["cases"].add(case_uuid)
        entry["reads"] += 1
        entry["grounds"].add(ground)
    outside_list = [
        {"user_id": e["user_id"], "cases": len(e["cases"]), "reads": e["reads"], "grounds": sorted(e["grounds"])}
        for e in outside.values()
    ]

    threshold = settings.ACCESS_BURST_CASES
    window = dt.timedelta(minutes=settings.ACCESS_BURST_MINUTES)
    bursts = []
    for actor_id, events in per_user.items():
        largest, window_start = _largest_burst(events, window)
        if largest >= threshold and window_start is not None:
            bursts.append({"user_id": actor_id, "cases": largest, "start": window_start.isoformat()})

    return {
        "break_glass": break_glass,
        "outside_team": sorted(outside_list, key=lambda e: (-e["cases"], e["user_id"])),
        "bursts": sorted(bursts, key=lambda e: (-e["cases"], e["user_id"])),
    }


def report_summary(findings: dict[str, list[Any]]) -> str:
    """The counts for a notification: no names, no case numbers."""
    return _("%(bg)d noodtoegang, %(out)d buiten het eigen team, %(burst)d reeks inzagen") % {
        "bg": len(findings.get("break_glass", [])),
        "out": len(findings.get("outside_team", [])),
        "burst": len(findings.get("bursts", [])),
    }


def _notification_text(team: Team, week: int, findings: dict[str, list[Any]]) -> str:
    values = {"week": week, "team": team.name, "summary": report_summary(findings)}
    text = _("Overzicht ongebruikelijke toegang week %(week)d, %(team)s: %(summary)s.") % values
    if len(text) > NOTIFICATION_MAX:  # a very long team name: the link names the team anyway
        text = _("Overzicht ongebruikelijke toegang week %(week)d: %(summary)s.") % values
    return text


@transaction.atomic
def unusual_access_report_create(*, team: Team, week_start: dt.date) -> tuple[UnusualAccessReport, bool]:
    """The team's report for the week starting `week_start` (a Monday), made and told once.

    Returns (report, created). A second call for the same team and week finds the row
    (unique per team and week) and notifies nobody again; two concurrent calls are
    serialised by the unique constraint (`get_or_create` inside the transaction).
    """
    existing = UnusualAccessReport.objects.filter(team=team, week_start=week_start).first()
    if existing is not None:
        return existing, False
    start, end = week_bounds(week_start)
    findings = unusual_access_for_team(team=team, start=start, end=end)
    report, created = UnusualAccessReport.objects.get_or_create(
        team=team, week_start=week_start, defaults={"findings": findings}
    )
    if not created:
        return report, False
    audit_write(
        actor=None,
        action="unusual_access_report",
        obj=report,
        changes={
            "break_glass": [None, len(findings["break_glass"])],
            "outside_team": [None, len(findings["outside_team"])],
            "bursts": [None, len(findings["bursts"])],
        },
    )
    link = reverse("cases:access_review", args=[report.uuid])
    week = week_start.isocalendar().week
    for leader in User.objects.filter(
        is_active=True, memberships__team=team, memberships__role=Role.TEAMLEIDER
    ).distinct():
        notification_send(recipient=leader, text=_notification_text(team, week, findings), link=link)
    return report, True


def unusual_access_weekly(*, week_start: dt.date | None = None) -> int:
    """Make last week's report for every team with a team leader; returns how many were new."""
    week_start = week_start or last_week_start()
    made = 0
    teams = Team.objects.filter(memberships__role=Role.TEAMLEIDER).distinct().order_by("pk")
    for team in teams:
        _report, created = unusual_access_report_create(team=team, week_start=week_start)
        made += created
    return made


def unusual_access_report_get_for_user(*, user: User, uuid: Any) -> UnusualAccessReport:
    """A report for a team leader of its team; `DoesNotExist` for everyone else (404)."""
    return UnusualAccessReport.objects.select_related("team").get(
        uuid=uuid, team__memberships__user=user, team__memberships__role=Role.TEAMLEIDER
    )


def report_rows(report: UnusualAccessReport) -> dict[str, list[dict[str, Any]]]:
    """The findings with staff users and case numbers filled in from their ids (two queries)."""
    findings = report.findings
    user_ids = {row["user_id"] for rows in findings.values() for row in rows}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    numbers = dict(
        Case.objects.filter(pk__in={row["case_id"] for row in findings.get("break_glass", [])}).values_list(
            "pk", "number"
        )
    )
    labels = dict(AccessGround.choices)

    def when(value: str) -> dt.datetime:
        return dt.datetime.fromisoformat(value)

    return {
        "break_glass": [
            {
                "user": users.get(r["user_id"]),
                "case_number": numbers.get(r["case_id"], "—"),
                "granted_at": when(r["granted_at"]),
                "expires_at": when(r["expires_at"]),
            }
            for r in findings.get("break_glass", [])
        ],
        "outside_team": [
            {
                "user": users.get(r["user_id"]),
                "cases": r["cases"],
                "reads": r["reads"],
                "grounds": [str(labels.get(g, g or "—")) for g in r["grounds"]],
            }
            for r in findings.get("outside_team", [])
        ],
        "bursts": [
            {"user": users.get(r["user_id"]), "cases": r["cases"], "start": when(r["start"])}
            for r in findings.get("bursts", [])
        ],
    }

"""Shared checks of the report tests."""

from __future__ import annotations

from pathlib import Path

from reports.constants import RunStatus
from reports.models import ReportRun


def files_on_disk(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def referenced_files() -> set[str]:
    names: set[str] = set()
    for run in ReportRun.objects.filter(status=RunStatus.DONE):
        names |= {run.pdf_file.name, run.csv_file.name, run.json_file.name}
    return names


def assert_no_orphans(root: Path) -> None:
    """Every file in the report store belongs to a done run, and every done run's files exist."""
    on_disk = files_on_disk(root)
    assert on_disk == referenced_files(), on_disk ^ referenced_files()
    tmp = root / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []

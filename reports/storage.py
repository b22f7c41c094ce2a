"""The private file store of finished reports (`REPORTS_ROOT`, never served as static or media).

Layout::

    REPORTS_ROOT/tmp/<run uuid>-<random>/   files of a run being written (one attempt)
    REPORTS_ROOT/runs/<run uuid>/           the files of a done run (the row names them)

A run writes every file into its own temporary directory and fsyncs it, then renames the
directory to `runs/<uuid>/` (one atomic rename on the same file system) and only then marks
the row done in one transaction. A worker killed at any point leaves either a temporary
directory or a published directory whose row is not done; the next attempt of that run
removes both before it starts (`discard_uncommitted`), and every run start sweeps
temporary directories older than `STALE_TMP_AGE` (of runs that will never come back).
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.core.files.storage import FileSystemStorage

STALE_TMP_AGE_SECONDS = 6 * 3600


class ReportStorage(FileSystemStorage):
    """FileSystemStorage on `settings.REPORTS_ROOT`, read at every use (tests override it)."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.REPORTS_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("report files have no URL; they are downloaded through reports.views")


def report_storage() -> ReportStorage:
    return ReportStorage()


def root() -> Path:
    return Path(settings.REPORTS_ROOT)


def tmp_root() -> Path:
    return root() / "tmp"


def final_dir(run_uuid: UUID) -> Path:
    return root() / "runs" / str(run_uuid)


def new_tmp_dir(run_uuid: UUID) -> Path:
    tmp_root().mkdir(parents=True, exist_ok=True)
    path = tmp_root() / f"{run_uuid}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(directory: Path, filename: str, data: bytes) -> None:
    """Write and fsync one file (`x`: never over an existing one)."""
    with open(directory / filename, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def publish(tmp: Path, run_uuid: UUID) -> Path:
    """Move a complete temporary directory to the run's final place, atomically."""
    _fsync_dir(tmp)
    final = final_dir(run_uuid)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():  # left by an attempt killed between this rename and its commit
        shutil.rmtree(final)
    os.rename(tmp, final)
    _fsync_dir(final.parent)
    _fsync_dir(tmp.parent)
    return final


def relative_name(path: Path) -> str:
    return str(path.relative_to(root()))


def discard_uncommitted(run_uuid: UUID) -> None:
    """Remove what earlier attempts of this (not done) run left: temporary and published files.

    Only called by the attempt that holds the run's lock, for a row that is not done.
    """
    if tmp_root().exists():
        for leftover in tmp_root().glob(f"{run_uuid}-*"):
            shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(final_dir(run_uuid), ignore_errors=True)


def sweep_stale_tmp(*, older_than: float = STALE_TMP_AGE_SECONDS) -> int:
    """Remove temporary directories of any run older than `older_than` seconds."""
    if not tmp_root().exists():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for leftover in tmp_root().iterdir():
        try:
            if leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover, ignore_errors=True)
                removed += 1
        except FileNotFoundError:
            continue  # another worker swept it first
    return removed

"""Where the shared reading list lives, behind one interface.

A remote reads the whole table in one go and applies a batch of cell updates and appended rows
in one go, after checking that the target cells still hold what was read (a person may have
edited them in between; then it raises ConcurrentEditError and writes nothing).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from tracker.errors import DataError
from tracker.models import TeamSettings
from tracker.sheet import CellUpdate, SheetTable


class Remote(ABC):
    """A spreadsheet the sync engine can read and write."""

    #: Human-readable location, safe to print (never contains credentials).
    description: str = "spreadsheet"

    @abstractmethod
    def read(self) -> SheetTable:
        """All cells as text (header row first)."""

    @abstractmethod
    def apply(self, read: SheetTable, updates: list[CellUpdate], appends: list[list[str]]) -> None:
        """Write `updates` and append `appends`, refusing if the targets changed since `read`."""

    def create(self, table: SheetTable) -> None:
        """Create the spreadsheet holding `table` (only for remotes that can)."""
        raise DataError(f"{self.description} does not exist and cannot be created by the tracker")

    def exists(self) -> bool:
        return True

    @property
    def identity(self) -> str:
        """Which spreadsheet this is, the same on every member's machine (recorded with the
        sync snapshot, so that a snapshot is never compared with another remote)."""
        return self.description


def open_remote(team: TeamSettings, root: Path) -> Remote:
    """The remote configured in papers/team.yaml (`remote.kind`)."""
    settings = team.remote
    if settings.kind == "file":
        from tracker.remotes.file import FileRemote

        if not settings.path:
            raise DataError("papers/team.yaml: remote.kind is 'file' but remote.path is empty")
        path = Path(settings.path)
        delimiter = (settings.model_extra or {}).get("delimiter")
        return FileRemote(
            path if path.is_absolute() else Path(root) / path,
            display=settings.path,
            delimiter=str(delimiter) if delimiter else None,
        )
    if settings.kind in ("gsheets", "google", "google_sheets"):
        try:
            from tracker.remotes.gsheets import GoogleSheetsRemote
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DataError(f"Google Sheets remote unavailable: {exc}") from exc
        return GoogleSheetsRemote.from_settings(settings, root)
    raise DataError(
        f"papers/team.yaml: remote.kind {settings.kind!r} is unknown",
        fix="use 'file' (a CSV/XLSX file) or 'gsheets' (Google Sheets)",
    )

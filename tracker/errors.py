"""Errors the tracker reports to people: each names the file or row and says how to fix it."""

from __future__ import annotations

from collections.abc import Iterable


def bulleted(items: Iterable[object]) -> str:
    """Several problems, one a line, as every error that lists them shows them."""
    return "\n".join(f"  - {item}" for item in items)


class TrackerError(Exception):
    """Base of every error meant for the user; `exit_code` is the CLI's stable exit status."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message}\n  fix: {self.fix}"
        return self.message


class DataError(TrackerError):
    """The team's data (a paper file, the sheet, team.yaml) is wrong; nothing was written."""

    exit_code = 1

    @classmethod
    def listing(cls, headline: str, problems: Iterable[object], *, fix: str) -> DataError:
        """`headline:` followed by the problems, one a line."""
        return cls(f"{headline}:\n{bulleted(problems)}", fix=fix)


class FrontMatterError(DataError):
    """A Markdown file's YAML front matter cannot be read."""

    def __init__(self, path: str, line: int | None, problem: str, *, fix: str | None = None):
        where = f"{path}:{line}" if line else path
        self.path = path
        self.line = line
        super().__init__(
            f"{where}: {problem}", fix=fix or "correct the front matter between the --- lines"
        )


class SheetError(DataError):
    """The spreadsheet has a problem at a named row/column; nothing was written."""

    def __init__(self, problems: list[str], *, source: str) -> None:
        self.problems = problems
        self.source = source
        super().__init__(
            f"{source}: {len(problems)} problem(s) in the reading list; nothing was changed:\n"
            + bulleted(problems),
            fix="correct the cells named above in the spreadsheet, then run `tracker sync` again",
        )


class ConflictError(DataError):
    """The same cell was edited on both sides since the last sync."""


class RemoteError(TrackerError):
    """A remote (Google Sheets, a registry) failed or refused; nothing partial was kept."""

    exit_code = 3


class ConcurrentEditError(RemoteError):
    """Someone edited the target between our read and our write."""


class UsageError(TrackerError):
    exit_code = 2

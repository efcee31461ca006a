"""How commands print: aligned tables on a terminal, TSV when piped, JSON with a schema version.

Errors meant for people (TrackerError) become one readable message and a stable exit code, never
a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """A rich Console made on first use. Importing rich costs about as much as the rest of
    `tracker papers list` piped (TSV), which prints without it; every attribute goes to the
    Console, made with `settings`."""

    def __init__(self, **settings: Any) -> None:
        self._settings = settings
        self._console: Console | None = None

    def get(self) -> Console:
        """The rich Console itself (for rich objects that take one, like Progress)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._settings)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


console = LazyConsole(highlight=False, soft_wrap=True)
# Every message on stderr quotes file text and cells: printed as written, never parsed as markup.
err_console = LazyConsole(stderr=True, highlight=False, soft_wrap=True, markup=False)

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn TrackerError into a message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TrackerError as exc:
            from rich.markup import escape

            # The message quotes cells and file text: "[/]" there must print, not parse.
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_notes(
    notes: Iterable[object], label: str = "warning", style: str | None = "yellow"
) -> None:
    """One line on stderr for each note: `warning: <note>`."""
    for note in notes:
        err_console.print(f"{label}: {note}", style=style)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    ellipsis: dict[str, int] | None = None,
) -> None:
    """A rich table on a terminal; tab-separated values when stdout is not a terminal.

    Columns named in `ellipsis` (long titles, header -> share of the terminal's width) stay on
    one line, cut with "…", rather than folding every row into several.
    """
    ellipsis = ellipsis or {}
    if not sys.stdout.isatty():
        sys.stdout.write("\t".join(headers) + "\n")
        for row in rows:
            sys.stdout.write("\t".join("" if v is None else str(v) for v in row) + "\n")
        return
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for header in headers:
        if header in ellipsis:
            width = max(16, console.width * ellipsis[header] // 100)
            table.add_column(header, overflow="ellipsis", no_wrap=True, max_width=width)
        else:
            table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)

"""`tracker agenda`: write the next meeting's draft note (and optionally a calendar file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from tracker import store
from tracker.agenda import agenda_path, build_agenda, write_agenda
from tracker.cli.common import JsonOption, RootOption, flag, lenient_catalog, resolve_root, verb
from tracker.cli.output import console, err_console, print_json
from tracker.errors import UsageError

HELP = """Prepare the next meeting: presenters and slides, carried-over action items, reading
progress, new papers and changed reproduction results, written as docs/meetings/<date>.md
(draft: true). Running it twice changes nothing; a draft a person edited is kept unless --force.

Example: tracker agenda --ics meetings.ics
"""


def register(app: typer.Typer) -> None:
    @verb(app, "agenda", HELP, "Example: tracker agenda --date 2025-07-08 --force")
    def agenda(
        date: str = typer.Option(
            None, "--date", help="Meeting date YYYY-MM-DD (default: the next meeting)."
        ),
        force: bool = flag("--force", help="Overwrite a draft a person edited."),
        ics: Path = typer.Option(
            None, "--ics", help="Also write the upcoming meetings to this calendar file."
        ),
        weeks: int = typer.Option(8, "--weeks", help="How many weeks the calendar covers."),
        dry_run: bool = flag("--dry-run", help="Print the note; write nothing."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise UsageError(f"--date {date!r} is not a date", fix="use YYYY-MM-DD") from None
        catalog = lenient_catalog(root_path)
        built = build_agenda(catalog, date=day, today=store.today(root_path))
        if as_json:
            print_json(built.to_json())
        elif dry_run:
            console.print(built.to_markdown(), markup=False)
        if dry_run:
            return
        target = agenda_path(root_path, built.date)
        before = target.read_bytes() if target.exists() else None
        path = write_agenda(root_path, built, force=force)
        state = "unchanged" if before == path.read_bytes() else "wrote"
        err_console.print(f"{state} {path.relative_to(root_path)}")
        if ics:
            from tracker.ics import write_calendar

            write_calendar(ics, catalog, weeks=weeks, today=store.today(root_path))
            err_console.print(f"wrote {ics}")

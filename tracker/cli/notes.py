"""`tracker notes import`: meeting notes in any of the team's dialects, as blog posts."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from tracker.cli.common import JsonOption, RootOption, flag, resolve_root, verb, verb_group
from tracker.cli.output import print_json
from tracker.errors import UsageError
from tracker.notes import import_notes

SCHEMA = 2

HELP = (
    "Meeting notes: import them from the team's Markdown dialects.\n\n"
    "Example: tracker notes import notes/250708.md"
)

IMPORT_HELP = """Import meeting notes into docs/meetings/posts/ as MkDocs blog posts.

Takes files and folders (walked recursively: .md, .markdown and .txt). Accepts Astro/Fuwari,
Jekyll/kramdown and Obsidian front matter, the blog's own format, and notes with no front
matter (title from the file name or first heading, date from the file name). Every input file
gets one line: imported, updated, unchanged, or skipped with the reason and the fix. Notes
that can be imported are imported even when others cannot; the command then exits 1. A note
with no date anywhere is not guessed: name it with --date. Importing again updates in place.

Example: tracker notes import notes/ notes/undated.md --date 2025-07-08 --keep-images
"""


def register(app: typer.Typer) -> None:
    notes = verb_group(app, "notes", HELP)

    @verb(
        notes, "import", IMPORT_HELP, "Example: tracker notes import notes/2025/0313.md --year 2025"
    )
    def import_command(
        paths: list[Path] = typer.Argument(..., help="Note files or folders of notes."),
        dry_run: bool = flag("--dry-run", help="Show what would be written, write nothing."),
        year: int = typer.Option(
            None, "--year", help="The year for file names that carry only month and day (0313)."
        ),
        date: str = typer.Option(
            None,
            "--date",
            help="YYYY-MM-DD for notes named here that carry no date of their own "
            "(never overrides one they carry).",
        ),
        keep_images: bool = typer.Option(
            None,
            "--keep-images/--no-keep-images",
            help="Download the notes' external images into docs/assets/notes/ "
            "(default: `notes: {keep_images: ...}` in papers/team.yaml, else off).",
        ),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        when = None
        if date is not None:
            try:
                when = dt.date.fromisoformat(date)
            except ValueError:
                raise UsageError(
                    f"--date {date!r} is not a date", fix="write it as YYYY-MM-DD"
                ) from None
        report = import_notes(
            root_path, paths, dry_run=dry_run, year=year, date=when, keep_images=keep_images
        )
        if as_json:
            print_json(
                {
                    "schema": SCHEMA,
                    "dry_run": dry_run,
                    "files": [
                        {
                            "source": line.source,
                            "status": line.status,
                            "target": line.target,
                            "reason": line.reason,
                            "fix": line.fix,
                            "dialect": line.note.dialect if line.note else None,
                            "title": line.note.front["title"] if line.note else None,
                            "date": line.note.front["date"].isoformat() if line.note else None,
                        }
                        for line in report.lines
                    ],
                }
            )
        else:
            # Plain lines, never wrapped: one per input file, greppable.
            for line in report.lines:
                sys.stdout.write(line.text(dry_run=dry_run) + "\n")
            verb = "would write" if dry_run else "wrote"
            changed = report.count("new") + report.count("updated")
            sys.stdout.write(
                f"{verb} {changed} post(s): {report.count('new')} new, "
                f"{report.count('updated')} updated, {report.count('unchanged')} unchanged; "
                f"{report.count('skipped')} file(s) skipped\n"
            )
        if report.problems:
            raise typer.Exit(1)

"""`tracker notes import`: meeting notes in any of the team's dialects, as blog posts."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.common import JsonOption, RootOption, resolve_root
from tracker.cli.output import console, handle_errors, print_json, print_table
from tracker.notes import expand_paths, import_notes

SCHEMA = 1

IMPORT_HELP = """Import meeting notes into docs/meetings/posts/ as MkDocs blog posts.

Accepts Astro/Fuwari, Jekyll and Obsidian Digital Garden front matter, the blog's own format,
and notes with no front matter at all (title from the first heading, date from the file name).
Raw HTML is sanitised and paper mentions become links. Every file is checked first: if one is
broken, nothing is imported. Importing the same note again updates its post in place.

Example: tracker notes import examples/notes/astro examples/notes/jekyll --dry-run
"""


def register(app: typer.Typer) -> None:
    notes = typer.Typer(
        help="Meeting notes: import them from the team's Markdown dialects.\n\n"
        "Example: tracker notes import notes/250708.md",
        no_args_is_help=True,
    )
    app.add_typer(notes, name="notes")

    @notes.command(
        "import",
        help=IMPORT_HELP,
        epilog="Example: tracker notes import notes/2025/0313.md --year 2025",
    )
    @handle_errors
    def import_command(
        paths: list[Path] = typer.Argument(..., help="Note files or folders of notes."),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Show what would be written, write nothing."
        ),
        year: int = typer.Option(
            None, "--year", help="The year for file names that carry only month and day (0313)."
        ),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        report = import_notes(root_path, expand_paths(paths), dry_run=dry_run, year=year)
        if as_json:
            print_json(
                {
                    "schema": SCHEMA,
                    "dry_run": dry_run,
                    "notes": [
                        {
                            "source": str(n.source),
                            "dialect": n.dialect,
                            "target": f"docs/{n.target}",
                            "status": n.status,
                            "title": n.front["title"],
                            "date": n.front["date"].isoformat(),
                        }
                        for n in report.notes
                    ],
                }
            )
            return
        print_table(
            ["status", "dialect", "source", "post"],
            [[n.status, n.dialect, str(n.source), f"docs/{n.target}"] for n in report.notes],
            title=f"{len(report.notes)} note(s)",
        )
        verb = "would write" if dry_run else "wrote"
        changed = report.count("new") + report.count("updated")
        console.print(
            f"{verb} {changed} post(s): {report.count('new')} new, "
            f"{report.count('updated')} updated, {report.count('unchanged')} unchanged",
            markup=False,
        )

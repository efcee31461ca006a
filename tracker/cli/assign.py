"""`tracker assign`: propose (and with --apply, write) the reading-quota assignment."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.assign import apply_assignment, assign_reading_quota
from tracker.catalog import load_catalog
from tracker.cli.common import JsonOption, RootOption, resolve_root
from tracker.cli.output import console, err_console, handle_errors, print_json, print_table
from tracker.errors import DataError

HELP = """Assign each member their reading quota: the exact relevance-maximising assignment.

A dry run by default: prints the proposal (a table on a terminal, TSV when piped, --json for
scripts). --apply writes the readers into papers/*.md so that the next `tracker sync` pushes them.

Example: tracker assign --quota 20 --readers-per-paper 2
"""


def register(app: typer.Typer) -> None:
    @app.command(
        "assign",
        help=HELP,
        epilog="Example: tracker assign --explain minseo   (or: tracker assign --apply)",
    )
    @handle_errors
    def assign(
        quota: int = typer.Option(None, help="Papers per member (default: team.yaml quota)."),
        readers_per_paper: int = typer.Option(
            None, "--readers-per-paper", "-k", help="At most this many readers per paper."
        ),
        cover: bool = typer.Option(
            None, "--cover/--no-cover", help="Require every paper to get a reader."
        ),
        explain: str = typer.Option(
            None, "--explain", metavar="HANDLE", help="Why each paper went to this member."
        ),
        apply: bool = typer.Option(False, "--apply", help="Write readers into papers/*.md."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        catalog = load_catalog(root_path)
        if catalog.errors:
            details = "\n".join(f"  - {e}" for e in catalog.errors)
            raise DataError(
                f"cannot assign while files are broken:\n{details}",
                fix="fix the files named above (see `tracker doctor`)",
            )
        with console.status("solving the assignment (HiGHS)..."):
            result = assign_reading_quota(
                catalog, quota=quota, readers_per_paper=readers_per_paper, cover_every_paper=cover
            )
        if as_json:
            print_json(result.to_json())
        elif explain:
            for line in result.explain(explain):
                console.print(line, markup=False)
        else:
            print_table(
                ["member", "load", "relevance", "best alone", "regret"],
                [
                    [
                        m.handle,
                        m.load,
                        f"{m.total_relevance:.3f}",
                        f"{m.best_possible:.3f}",
                        f"{m.regret:.3f}",
                    ]
                    for m in result.members
                ],
                title=f"quota {result.quota}, at most {result.readers_per_paper} readers/paper",
            )
            new = [p for p in result.pairs if p.origin != "locked"]
            print_table(
                ["member", "paper", "score", "rank", "origin", "keywords"],
                [
                    [
                        p.member,
                        p.paper_id,
                        f"{p.score:.3f}",
                        p.rank,
                        p.origin,
                        ", ".join(p.keywords),
                    ]
                    for p in new
                ],
                title="proposed pairs (papers already being read are not listed)",
            )
        for reason in result.reasons:
            err_console.print(f"note: {reason}", markup=False)
        churn = result.churn
        err_console.print(
            f"churn: {churn['kept']} kept, {churn['added']} added, {churn['removed']} moved "
            f"({churn['locked']} already being read stay)",
            markup=False,
        )
        if apply:
            written = apply_assignment(root_path, result)
            err_console.print(
                f"applied: {len(written)} paper file(s) written; run `tracker sync` to push",
                markup=False,
            )
        elif not as_json:
            err_console.print("dry run: nothing written (use --apply)", markup=False)

"""`tracker week`: the weekly prep in one command."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import RootOption, resolve_root
from tracker.cli.output import console, handle_errors, print_table
from tracker.cli.sync import describe_plan
from tracker.errors import ConflictError
from tracker.models import Status
from tracker.sync import apply_plan, plan_sync

HELP = """The weekly prep: sync the reading list with the sheet, then show the list and what changed.

Conflicting edits are reported and left for a person to settle; everything else is merged.

Example: tracker week
"""


def register(app: typer.Typer) -> None:
    @app.command("week", help=HELP, epilog="Example: tracker week --root ~/nlp-reading-group")
    @handle_errors
    def week(
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Show what sync would do; write nothing."
        ),
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        team = store.load_team(root_path)
        console.print(
            f"[bold]{team.name}[/] — weekly prep ({store.today().isoformat()})", markup=True
        )

        console.rule("1. sync")
        plan = plan_sync(root_path, team=team)
        for line in describe_plan(plan) or ["  nothing to do: papers/ and the sheet agree"]:
            console.print(line, markup=False)
        if plan.conflicts:
            console.print(
                "conflicts: nothing synced; settle them with `tracker sync --take ...`",
                markup=False,
            )
        elif plan.has_changes and not dry_run:
            try:
                result = apply_plan(root_path, plan, team=team)
                console.print(
                    f"  synced: {len(plan.pulls)} cell(s) pulled, {result.cells_pushed} pushed, "
                    f"{result.rows_appended} row(s) added; {len(result.files_written)} file(s) written",
                    markup=False,
                )
            except ConflictError as exc:  # pragma: no cover - plan had none
                console.print(str(exc), markup=False)

        console.rule("2. reading list")
        papers = store.load_papers_strict(root_path)
        counts = Counter(p.status for p in papers)
        print_table(["status", "papers"], [[s.value, counts.get(s, 0)] for s in Status])
        console.print(f"{len(papers)} papers; files in papers/, sheet: {plan.remote}", markup=False)

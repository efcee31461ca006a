"""`tracker sync`: three-way merge of papers/ with the team's spreadsheet."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn

from tracker import store
from tracker.cli.common import JsonOption, RootOption, resolve_root
from tracker.cli.output import console, handle_errors, print_json
from tracker.remotes import open_remote
from tracker.sync import SyncPlan, SyncResult, sync

HELP = """Merge the papers in papers/ with the team's spreadsheet, cell by cell.

Each cell is compared with the last sync: a change on one side is taken, different changes on
both sides are a conflict and nothing is written. Rows deleted on one side are only reported.
Without --apply this is a dry run that shows the diff.

Example: tracker sync --apply
"""


def register(app: typer.Typer) -> None:
    @app.command(
        "sync", help=HELP, epilog="Example: tracker sync            (dry run: show the diff)"
    )
    @handle_errors
    def sync_command(
        apply: bool = typer.Option(False, "--apply", help="Write the merge (default: dry run)."),
        take: str = typer.Option(
            None, "--take", help="Resolve conflicts by keeping one side: local or sheet."
        ),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        if take not in (None, "local", "sheet"):
            raise typer.BadParameter("use --take local or --take sheet", param_hint="--take")
        root_path = resolve_root(root)
        # --- Google Sheets addition: open the remote here so its request count can be reported.
        remote = open_remote(store.load_team(root_path), root_path)
        with _progress(enabled=not as_json) as report:
            result = sync(root_path, apply=apply, take=take, progress=report, remote=remote)
        requests_sent = getattr(remote, "request_count", None)
        if as_json:
            data = result.to_json()
            if requests_sent is not None:
                data["api_requests"] = requests_sent
            print_json(data)
        else:
            show_result(result)
            if requests_sent is not None:
                console.print(f"Google Sheets API requests: {requests_sent}", markup=False)
        # --- end of the Google Sheets addition
        if result.plan.conflicts:
            raise typer.Exit(1)


class _progress:
    """A progress bar that appears only for large sheets (more than a few hundred rows)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Progress | None = None
        self.tasks: dict[str, int] = {}

    def __enter__(self):  # noqa: ANN204
        return self.report

    def report(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < 500:
            return
        if self.bar is None:
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                console=console,
                transient=True,
            )
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(f"sync: {stage}", total=total)
        self.bar.update(self.tasks[stage], completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def describe_plan(plan: SyncPlan) -> list[str]:
    """The diff as lines a person reads (also used by `tracker week`)."""
    lines: list[str] = []
    arrow_in = f"← {plan.remote}"
    for change in plan.pulls:
        lines.append(
            f"  pull  {change.paper_id:<22} {change.field:<13} {change.old!r} → {change.new!r}  ({arrow_in})"
        )
    for change in plan.pushes:
        lines.append(
            f"  push  {change.paper_id:<22} {change.field:<13} {change.old!r} → {change.new!r}  (→ sheet)"
        )
    for paper_id in plan.new_from_sheet:
        lines.append(f"  new   {paper_id:<22} a new row in the sheet becomes papers/{paper_id}.md")
    for paper_id in plan.new_to_sheet:
        lines.append(f"  new   {paper_id:<22} papers/{paper_id}.md becomes a new row in the sheet")
    for paper_id in plan.deleted_in_sheet:
        lines.append(
            f"  kept  {paper_id:<22} row deleted in the sheet: papers/{paper_id}.md is kept; "
            "delete the file too if that was meant"
        )
    for paper_id in plan.deleted_locally:
        lines.append(
            f"  kept  {paper_id:<22} papers/{paper_id}.md was deleted: its sheet row is kept; "
            "delete the row too if that was meant"
        )
    for conflict in plan.conflicts:
        lines.append(f"  CONFLICT {conflict.describe()}")
    return lines


def show_result(result: SyncResult) -> None:
    plan = result.plan
    lines = describe_plan(plan)
    mode = "applied" if result.applied else "dry run"
    console.print(f"[bold]sync with {plan.remote}[/] ({mode})", markup=True)
    if lines:
        for line in lines:
            console.print(line, markup=False)
    else:
        console.print("  nothing to do: papers/ and the sheet agree", markup=False)
    summary = (
        f"pulled {len(plan.pulls)} cell(s) and {len(plan.new_from_sheet)} new paper(s); "
        f"pushed {len(plan.pushes)} cell(s) and {len(plan.new_to_sheet)} new row(s); "
        f"refused {len(plan.conflicts)} conflict(s); {plan.unchanged} paper(s) unchanged"
    )
    console.print(summary, markup=False)
    if plan.conflicts:
        console.print(
            "conflicts: nothing was written. Make both sides agree on these cells, or rerun with "
            "--take local / --take sheet.",
            markup=False,
        )
    elif not result.applied and plan.has_changes:
        console.print("dry run: rerun with --apply to write these changes.", markup=False)
    elif result.applied and result.files_written:
        console.print(f"wrote {len(result.files_written)} file(s) in papers/", markup=False)

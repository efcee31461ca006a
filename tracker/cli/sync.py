"""`tracker sync`: three-way merge of papers/ with the team's spreadsheet."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn

from tracker import store
from tracker.cli.common import JsonOption, RootOption, flag, resolve_root, verb
from tracker.cli.output import console, err_console, print_json
from tracker.remotes import open_remote
from tracker.sync import SyncPlan, SyncResult, sync

HELP = """Merge the papers in papers/ with the team's spreadsheet, cell by cell.

Each cell is compared with the last sync: a change on one side is taken, different changes on
both sides are a conflict and nothing is written. Rows deleted on one side are only reported.
Without --apply this is a dry run that shows the diff.

Example: tracker sync --apply
"""


def register(app: typer.Typer) -> None:
    @verb(app, "sync", HELP, "Example: tracker sync            (dry run: show the diff)")
    def sync_command(
        apply: bool = flag("--apply", help="Write the merge (default: dry run)."),
        take: str = typer.Option(
            None, "--take", help="Resolve conflicts by keeping one side: local or sheet."
        ),
        rebuild_snapshot: bool = flag(
            "--rebuild-snapshot",
            help="Ignore papers/.sync/base.csv (damaged, or from another remote) and take the "
            "cells both sides agree on as the base; shows what it assumes. With --apply, writes "
            "a fresh snapshot.",
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
            result = sync(
                root_path,
                apply=apply,
                take=take,
                progress=report,
                remote=remote,
                rebuild_snapshot=rebuild_snapshot,
            )
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

    @verb(app, "snapshot-merge", SNAPSHOT_MERGE_HELP, SNAPSHOT_MERGE_EXAMPLE)
    def snapshot_merge_command(
        ancestor: Path = typer.Argument(..., help="The common ancestor's snapshot (git's %O)."),
        ours: Path = typer.Argument(..., help="Our snapshot; the result is written here (%A)."),
        theirs: Path = typer.Argument(..., help="Their snapshot (git's %B)."),
    ) -> None:
        from tracker.snapshot_merge import merge_snapshot_files

        unknown = merge_snapshot_files(ancestor, ours, theirs)
        if unknown:
            err_console.print(
                f"snapshot merged; {unknown} cell(s) changed differently on both branches are "
                "left without a base: the next `tracker sync` compares papers/ with the sheet "
                "there and reports a conflict where they differ"
            )


SNAPSHOT_MERGE_HELP = """A git merge driver for papers/.sync/base.csv (the sync snapshot).

Merges the two snapshots row by row and cell by cell. A cell changed differently on both
branches gets no base, so the next sync compares papers/ with the sheet there instead of
trusting either branch: nothing is silently reverted. Set it up once per clone:

  git config merge.tracker-snapshot.driver "tracker snapshot-merge %O %A %B"

(.gitattributes already routes base.csv to it.)

Example: tracker snapshot-merge base.csv.orig base.csv base.csv.theirs
"""
SNAPSHOT_MERGE_EXAMPLE = (
    'Example: git config merge.tracker-snapshot.driver "tracker snapshot-merge %O %A %B"'
)


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
                console=console.get(),
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
    console.print(f"[bold]sync with {escape(plan.remote)}[/] ({mode})", markup=True)
    if plan.rebuilt_snapshot:
        console.print(
            f"rebuilding the snapshot ({store.SNAPSHOT_FILE}): the stored one is ignored. We "
            "assume as the base every cell on which papers/ and the sheet agree now; a cell that "
            "differs is taken from the side that is not empty, or is a conflict when both hold "
            "different values; rows on one side only are added to the other, never deleted.",
            markup=False,
        )
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

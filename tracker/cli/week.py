"""`tracker week`: the weekly prep in one command.

Sync the reading list, show it and what changed, propose the reading quota, write the next
meeting's agenda draft, build the site, and say where to look. Each step reports its own problem
and the others still run; the exit code is 1 if any step needed a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape

from tracker import store
from tracker.catalog import load_catalog
from tracker.cli.common import RootOption, resolve_root
from tracker.cli.output import console, handle_errors, print_table
from tracker.cli.sync import describe_plan
from tracker.errors import TrackerError
from tracker.models import Status
from tracker.sync import apply_plan, plan_sync

HELP = """The weekly prep: sync the reading list, show it and what changed, propose reading quotas,
write the next meeting's agenda draft, and build the site.

Conflicting sheet edits are reported and left for a person; an agenda draft a person edited is
never overwritten; assignments are only proposed (apply them with `tracker assign --apply`).

Example: tracker week
"""


def register(app: typer.Typer) -> None:
    @app.command("week", help=HELP, epilog="Example: tracker week --no-site")
    @handle_errors
    def week(
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Show what sync would do; write nothing."
        ),
        site: bool = typer.Option(
            True, "--site/--no-site", help="Build the site at the end (needs npm once)."
        ),
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        team = store.load_team(root_path)
        console.print(
            # The team's name is text, not markup ("[NLP] 모임" must print as written).
            f"[bold]{escape(team.name)}[/] — weekly prep ({store.today(root_path).isoformat()})",
            markup=True,
        )
        outcomes: list[tuple[str, bool, str]] = []

        def step(title: str, action: Callable[[], str]) -> None:
            console.rule(title)
            try:
                outcomes.append((title, True, action()))
            except TrackerError as exc:
                console.print(f"  {exc}", markup=False, style="red")
                outcomes.append((title, False, exc.message.splitlines()[0]))

        step("1. sync with the sheet", lambda: _sync(root_path, team, dry_run))
        step("2. reading list", lambda: _reading_list(root_path))
        step("3. reading quota", lambda: _quota(root_path))
        if not dry_run:
            step("4. next meeting", lambda: _agenda(root_path))
            if site:
                step("5. site", lambda: _site(root_path))

        console.rule("done")
        for title, ok, detail in outcomes:
            console.print(f"  {'ok ' if ok else 'BAD'} {title}: {detail}", markup=False)
        console.print(
            "\nWhere to look: papers/ (one file per paper), docs/meetings/ (the agenda draft), "
            "site/index.html (the built site; `tracker site serve` to browse it), "
            "`tracker dashboard` (the meeting dashboard).",
            markup=False,
        )
        if not all(ok for _, ok, _ in outcomes):
            raise typer.Exit(1)


def _sync(root: Path, team, dry_run: bool) -> str:  # noqa: ANN001
    plan = plan_sync(root, team=team)
    for line in describe_plan(plan) or ["  nothing to do: papers/ and the sheet agree"]:
        console.print(line, markup=False)
    if plan.conflicts:
        raise TrackerError(
            f"{len(plan.conflicts)} conflicting cell(s): nothing synced",
            fix="settle them with `tracker sync --take local|sheet` or by editing one side",
        )
    if not plan.has_changes or dry_run:
        return "nothing to do" if not plan.has_changes else "dry run: nothing written"
    result = apply_plan(root, plan, team=team)
    summary = (
        f"pulled {len(plan.pulls)} cell(s) and {len(plan.new_from_sheet)} new paper(s), pushed "
        f"{result.cells_pushed} cell(s) and {result.rows_appended} row(s); "
        f"{len(result.files_written)} file(s) written"
    )
    console.print(f"  synced: {summary}", markup=False)
    return summary


def _reading_list(root: Path) -> str:
    papers = store.load_papers_strict(root)
    counts = Counter(p.status for p in papers)
    print_table(["status", "papers"], [[s.value, counts.get(s, 0)] for s in Status])
    return f"{len(papers)} papers"


def _quota(root: Path) -> str:
    from tracker.assign import assign_reading_quota
    from tracker.progress import member_progress

    catalog = load_catalog(root)
    progress = member_progress(catalog)
    print_table(
        ["member", "assigned", "read", "summarised", "expected by now", "behind"],
        [
            [
                f"{p.name} (@{p.handle})" if p.name != p.handle else p.handle,
                f"{p.assigned}/{p.quota}",
                p.read,
                p.summarised,
                p.expected_by_now or "",
                f"by {p.behind_by}" if p.behind else "",
            ]
            for p in progress
        ],
    )
    result = assign_reading_quota(catalog)
    proposed = Counter(
        p.member for p in result.pairs if p.paper_id not in _current(catalog, p.member)
    )
    for reason in result.reasons:
        console.print(f"  note: {reason}", markup=False)
    behind = [p.handle for p in progress if p.behind]
    detail = (
        f"proposal adds {sum(proposed.values())} reading(s); apply with `tracker assign --apply`"
    )
    if behind:
        detail += f"; behind pace: {', '.join(behind)}"
    console.print(f"  {detail}", markup=False)
    return detail


def _current(catalog, member: str) -> set[str]:  # noqa: ANN001
    return {p.id for p in catalog.papers if member in p.readers}


def _agenda(root: Path) -> str:
    from tracker.agenda import build_agenda, write_agenda

    agenda = build_agenda(load_catalog(root))
    path = write_agenda(root, agenda)
    rel = path.relative_to(root)
    console.print(
        f"  {rel}: {len(agenda.presentations)} presentation(s), {len(agenda.open_items)} open "
        f"action item(s), {len(agenda.new_papers)} new paper(s)",
        markup=False,
    )
    return f"agenda draft {rel}"


def _site(root: Path) -> str:
    from tracker.site import build_site

    result = build_site(root)
    detail = f"{result.generated.pages} generated page(s), built into {result.site_dir.relative_to(root)}/ in {result.seconds:.0f} s"
    console.print(f"  {detail}", markup=False)
    return detail

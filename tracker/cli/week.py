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
from tracker.i18n import Translator, translator
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
        # The lines the team reads come in its language; usage errors and --help stay English.
        _ = translator(team)
        today = store.today(root_path).isoformat()
        console.print(
            # The team's name is text, not markup ("[NLP] 모임" must print as written).
            f"[bold]{escape(team.name)}[/] — " + escape(_("weekly prep ({date})", date=today)),
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

        step(_("1. sync with the sheet"), lambda: _sync(root_path, team, dry_run, _))
        step(_("2. reading list"), lambda: _reading_list(root_path, _))
        step(_("3. reading quota"), lambda: _quota(root_path, _))
        if not dry_run:
            step(_("4. next meeting"), lambda: _agenda(root_path, _))
            if site:
                step(_("5. site"), lambda: _site(root_path, _))

        console.rule(_("done"))
        for title, ok, detail in outcomes:
            mark = _("ok") if ok else _("BAD")
            console.print(f"  {mark} {title}: {detail}", markup=False)
        console.print(
            "\n"
            + _(
                "Where to look: papers/ (one file per paper), docs/meetings/ (the agenda draft), "
                "site/index.html (the built site; `tracker site serve` to browse it), "
                "`tracker dashboard` (the meeting dashboard)."
            ),
            markup=False,
        )
        if not all(ok for _, ok, _ in outcomes):
            raise typer.Exit(1)


def _sync(root: Path, team, dry_run: bool, _: Translator) -> str:  # noqa: ANN001
    plan = plan_sync(root, team=team)
    nothing = ["  " + _("nothing to do: papers/ and the sheet agree")]
    for line in describe_plan(plan) or nothing:
        console.print(line, markup=False)
    if plan.conflicts:
        raise TrackerError(
            _("{count} conflicting cell(s): nothing synced", count=len(plan.conflicts)),
            fix=_("settle them with `tracker sync --take local|sheet` or by editing one side"),
        )
    if not plan.has_changes:
        return _("nothing to do")
    if dry_run:
        return _("dry run: nothing written")
    result = apply_plan(root, plan, team=team)
    summary = _(
        "pulled {pulls} cell(s) and {new} new paper(s), pushed {pushed} cell(s) and {rows} "
        "row(s); {files} file(s) written",
        pulls=len(plan.pulls),
        new=len(plan.new_from_sheet),
        pushed=result.cells_pushed,
        rows=result.rows_appended,
        files=len(result.files_written),
    )
    console.print("  " + _("synced: {summary}", summary=summary), markup=False)
    return summary


def _reading_list(root: Path, _: Translator) -> str:
    from tracker.site import status_label

    papers = store.load_papers_strict(root)
    counts = Counter(p.status for p in papers)
    print_table(
        [_("status"), _("papers")],
        [[status_label(s.value, _), counts.get(s, 0)] for s in Status],
    )
    return _("{count} papers", count=len(papers))


def _quota(root: Path, _: Translator) -> str:
    from tracker.assign import assign_reading_quota
    from tracker.progress import member_progress

    catalog = load_catalog(root)
    progress = member_progress(catalog)
    print_table(
        [
            _("member"),
            _("assigned"),
            _("read"),
            _("summarised"),
            _("expected by now"),
            _("behind"),
        ],
        [
            [
                f"{p.name} (@{p.handle})" if p.name != p.handle else p.handle,
                f"{p.assigned}/{p.quota}",
                p.read,
                p.summarised,
                p.expected_by_now or "",
                _("by {count}", count=p.behind_by) if p.behind else "",
            ]
            for p in progress
        ],
    )
    result = assign_reading_quota(catalog)
    proposed = Counter(
        p.member for p in result.pairs if p.paper_id not in _current(catalog, p.member)
    )
    for reason in result.reasons:
        console.print("  " + _("note: {reason}", reason=reason), markup=False)
    behind = [p.handle for p in progress if p.behind]
    detail = _(
        "proposal adds {count} reading(s); apply with `tracker assign --apply`",
        count=sum(proposed.values()),
    )
    if behind:
        detail += "; " + _("behind pace: {members}", members=", ".join(behind))
    console.print(f"  {detail}", markup=False)
    return detail


def _current(catalog, member: str) -> set[str]:  # noqa: ANN001
    return {p.id for p in catalog.papers if member in p.readers}


def _agenda(root: Path, _: Translator) -> str:
    from tracker.agenda import build_agenda, write_agenda

    agenda = build_agenda(load_catalog(root))
    path = write_agenda(root, agenda)
    rel = path.relative_to(root)
    counts = _(
        "{talks} presentation(s), {items} open action item(s), {new} new paper(s)",
        talks=len(agenda.presentations),
        items=len(agenda.open_items),
        new=len(agenda.new_papers),
    )
    console.print(f"  {rel}: {counts}", markup=False)
    return _("agenda draft {path}", path=str(rel))


def _site(root: Path, _: Translator) -> str:
    from tracker.site import build_site

    result = build_site(root)
    detail = _(
        "{pages} generated page(s), built into {folder}/ in {seconds} s",
        pages=result.generated.pages,
        folder=str(result.site_dir.relative_to(root)),
        seconds=round(result.seconds),
    )
    console.print(f"  {detail}", markup=False)
    return detail
